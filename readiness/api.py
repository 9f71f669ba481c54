"""REST API under /api/v1/: the same selectors and services as the pages."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.db.models import Count
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from knox import views as knox_views
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import dispatch, selectors, services
from .accounts import services as account_services
from .api_auth import TokenAuthentication
from .filters import SchoolFilter
from .logins import address_failed, address_is_slowed
from .models import (
    County,
    Criterion,
    DispatchReport,
    ReadinessChange,
    ReadinessPolicy,
    School,
    User,
)


def user_or_400(pk: int | None) -> User | None:
    """The user a request names by id (None for null), or a 400 on the field "user"."""
    if pk is None:
        return None
    user = User.objects.filter(pk=pk).first()
    if user is None:
        raise serializers.ValidationError({"user": ["unknown user"]})
    return user


class SchoolFieldsMixin(serializers.Serializer):
    """The school a row belongs to, by code and name, named the same in every API."""

    school_code = serializers.CharField(source="school.code", read_only=True)
    school_name = serializers.CharField(source="school.name", read_only=True)


class CountySerializer(serializers.ModelSerializer):
    class Meta:
        model = County
        fields = ["id", "code", "name", "kind", "order"]


class SchoolSerializer(serializers.ModelSerializer):
    county = serializers.SlugRelatedField(slug_field="code", read_only=True)
    county_name = serializers.CharField(source="county.name", read_only=True)

    class Meta:
        model = School
        fields = [
            "id",
            "code",
            "county",
            "county_name",
            *services.SCHOOL_EDITABLE_FIELDS,
            "updated_at",
        ]
        read_only_fields = ["id", "code", "county", "county_name", "updated_at"]


class CountyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CountySerializer
    filterset_fields = ["kind"]
    ordering_fields = ["order", "code"]

    def get_queryset(self):
        return selectors.county_list(user=self.request.user).order_by("order", "code")


class CriterionSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    level = serializers.ChoiceField(choices=ReadinessPolicy.Level.choices)
    state = serializers.ChoiceField(choices=Criterion.choices)
    conditional = serializers.BooleanField()
    reason = serializers.CharField()
    link = serializers.CharField()


class ReadinessChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReadinessChange
        fields = ["before", "after", "key", "reason", "link", "at"]


class SchoolReadinessSerializer(serializers.Serializer):
    school = serializers.IntegerField()
    readiness = serializers.ChoiceField(choices=School.Readiness.choices)
    criteria = CriterionSerializer(many=True)
    changes = ReadinessChangeSerializer(many=True)


class SchoolViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Schools in the caller's scope. PATCH edits a school the caller may edit."""

    serializer_class = SchoolSerializer
    filterset_class = SchoolFilter
    ordering_fields = ["code", "name", "students", "staff"]
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.school_list(user=self.request.user).order_by("county__order", "code")

    def get_object(self):
        if self.request.method == "PATCH":
            return selectors.school_get_for_edit(user=self.request.user, pk=self.kwargs["pk"])
        return selectors.school_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(responses=SchoolReadinessSerializer)
    @action(detail=True, methods=["get"])
    def readiness(self, request, pk=None):
        """The school's readiness, each criterion's state, and the last changes."""
        school = self.get_object()
        data = {
            "school": school.pk,
            "readiness": school.readiness,
            "criteria": [
                {**vars(row), "label": str(row.label)}
                for row in selectors.school_criteria(school=school)
            ],
            "changes": selectors.readiness_changes(school=school),
        }
        return Response(SchoolReadinessSerializer(data).data)

    def perform_update(self, serializer):
        serializer.instance = services.school_update(
            actor=self.request.user,
            school=serializer.instance,
            data=dict(serializer.validated_data),
        )


class DispatchReportSerializer(serializers.ModelSerializer):
    """A day's frozen report: the figures the caller may read (a county's only, for
    a county official)."""

    data = serializers.SerializerMethodField()
    revisions = serializers.SerializerMethodField()

    class Meta:
        model = DispatchReport
        fields = ["on_date", "built_at", "revisions", "data"]

    @extend_schema_field(serializers.DictField())
    def get_data(self, report: DispatchReport) -> dict:
        request = self.context["request"]
        county = request.query_params.get("county") or None
        data = selectors.report_data_for(user=request.user, report=report, county=county)
        # The city's whole report lists as many stale schools per county as its page;
        # ?county= gives all of a county's.
        return dispatch.stale_cut(data, per_county=dispatch.PAGE_STALE_LISTED)

    def get_revisions(self, report: DispatchReport) -> int:
        return report.revision_count


class DispatchReportListSerializer(serializers.ModelSerializer):
    class Meta:
        model = DispatchReport
        fields = ["on_date", "built_at"]


class DispatchReportViewSet(viewsets.ReadOnlyModelViewSet):
    """The daily dispatch reports, newest first; one by its date (YYYY-MM-DD), whole
    or, for the city's readers, one county's part (``?county=`` its code)."""

    queryset = DispatchReport.objects.none()
    lookup_field = "on_date"
    lookup_value_regex = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    filter_backends: list = []

    def get_serializer_class(self):
        return DispatchReportListSerializer if self.action == "list" else DispatchReportSerializer

    def get_queryset(self):
        reports = selectors.dispatch_reports_for_api(user=self.request.user)
        if self.action == "list":  # the dates only: not 150 KB of snapshot a day
            return reports.only("on_date", "built_at")
        return reports.annotate(revision_count=Count("revisions"))

    @extend_schema(
        parameters=[OpenApiParameter("county", str, description="A county's code: its part.")]
    )
    def retrieve(self, request, *args, **kwargs):
        county = request.query_params.get("county")
        if county and not County.objects.filter(code=county).exists():
            raise exceptions.NotFound(_("No such county."))
        return super().retrieve(request, *args, **kwargs)


class LoginInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class TokenLoginView(APIView):
    """A new token for each login; the same lockout as the web login."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=LoginInputSerializer,
        responses={
            200: inline_serializer(
                "TokenOutput",
                {"token": serializers.CharField(), "expiry": serializers.DateTimeField()},
            ),
            400: OpenApiResponse(description="wrong username or password, or a locked account"),
            403: OpenApiResponse(description="an initial password, not changed yet"),
            429: OpenApiResponse(description="too many failed logins from this address"),
        },
    )
    def post(self, request):
        if address_is_slowed(request):
            raise exceptions.Throttled(detail=_("Too many failed logins from this address."))
        params = LoginInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        user = authenticate(request._request, **params.validated_data)
        if user is None or not user.is_active:
            address_failed(request)
            raise exceptions.ValidationError(
                {
                    "non_field_errors": [
                        _("The username or password is wrong, or the account is locked.")
                    ]
                }
            )
        if user.must_change_password:
            # An initial password opens the portal's page to change it, and nothing else.
            raise exceptions.PermissionDenied(
                _("Change your initial password in the portal first, then ask for a token.")
            )
        instance, token = account_services.token_issue(user=user)
        return Response({"token": token, "expiry": instance.expiry}, status=status.HTTP_200_OK)


class TokenLogoutView(knox_views.LogoutView):
    """Revokes the token of this request."""

    authentication_classes = [TokenAuthentication]

    @extend_schema(request=None, responses={204: None})
    def post(self, request, format=None):
        return super().post(request, format)


class TokenLogoutAllView(knox_views.LogoutAllView):
    """Revokes every token of the user: every device must log in again."""

    authentication_classes = [TokenAuthentication]

    @extend_schema(request=None, responses={204: None})
    def post(self, request, format=None):
        return super().post(request, format)
