"""Person files under /api/v1/people/: the same selectors and filters as the pages."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiExample,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from readiness.access import has_right
from readiness.pagination import CountedPagination, NewestFirstPagination

from . import idcard, selectors, services
from .access import Right
from .filters import PersonFilter
from .models import COUNTS, SYMPTOMS, HealthCheck, Person, Session, SessionReport
from .throttles import PersonSearchThrottle

FIELDS = [
    "id", "school", "kind", "name", "id_number", "grade", "class_name", "study_mode", "origin",
    "whereabouts", "returned", "returned_on", "health", "screened_on", "note",
]  # fmt: skip


class PersonFullSerializer(serializers.ModelSerializer):
    """For those with the right to see numbers whole: the number, sex and birth date."""

    school = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Person
        fields = [*FIELDS, "gender", "birth_date"]


class PersonMaskedSerializer(serializers.ModelSerializer):
    """For everyone else: the number masked and nothing that narrows it (no sex,
    no birth date; the age in five-year bands)."""

    school = serializers.SlugRelatedField(slug_field="code", read_only=True)
    id_number = serializers.SerializerMethodField()
    age_band = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [*FIELDS, "age_band"]

    def get_id_number(self, person: Person) -> str:
        return idcard.mask(person.id_number)

    def get_age_band(self, person: Person) -> str:
        return idcard.age_band(person.birth_date, today=timezone.localdate())


def _person(many: bool = False) -> PolymorphicProxySerializer:
    """The schema's answer: whole or masked, by the caller's rights."""
    return PolymorphicProxySerializer(
        component_name="Person",
        serializers=[PersonFullSerializer, PersonMaskedSerializer],
        resource_type_field_name=None,
        many=many,
    )


@extend_schema_view(
    list=extend_schema(responses=_person(many=True)), retrieve=extend_schema(responses=_person())
)
class PersonViewSet(viewsets.ReadOnlyModelViewSet):
    """Person files in the caller's scope. ``q`` searches by name or by exactly the
    last 4 characters of the identity number; searches are rate-limited."""

    filterset_class = PersonFilter
    throttle_classes = [PersonSearchThrottle]
    pagination_class = CountedPagination

    def known_count(self) -> int | None:
        """The number of files found, from the per-school counts where they can tell."""
        people = PersonFilter(
            self.request.query_params, queryset=Person.objects.none(), request=self.request
        )
        return selectors.person_count(user=self.request.user, people=people)

    def get_serializer_class(self):
        if has_right(self.request.user, Right.PERSON_FULL_ID):
            return PersonFullSerializer
        return PersonMaskedSerializer

    def get_queryset(self):
        people = selectors.person_list(user=self.request.user)
        return people.order_by("school__code", "kind", "pk")

    def finalize_response(self, request, response, *args, **kwargs):
        """Whole numbers shown through the API are recorded, as on the page."""
        if (
            response.status_code == 200
            and self.get_serializer_class() is PersonFullSerializer
            and isinstance(response.data, dict)
        ):
            rows = response.data.get("results", [response.data])
            ids = [row["id"] for row in rows if "id" in row]
            services.person_read_audit(actor=request.user, ids=ids, params=request.GET)
        return super().finalize_response(request, response, *args, **kwargs)


# --- daily health checks: /api/v1/health-checks/ ------------------------------------


class HealthCheckSerializer(serializers.ModelSerializer):
    school = serializers.SlugRelatedField(slug_field="code", read_only=True)
    school_class = serializers.IntegerField(source="school_class_id", read_only=True)
    grade = serializers.CharField(source="school_class.grade", read_only=True)
    class_name = serializers.CharField(source="school_class.name", read_only=True)
    date = serializers.DateField(source="on_date", read_only=True)

    class Meta:
        model = HealthCheck
        fields = [
            "id", "school", "school_class", "grade", "class_name", "date", "session",
            "enrolled", "absent", "absent_ill", *SYMPTOMS, "entered_at",
        ]  # fmt: skip


class ClassCountSerializer(serializers.Serializer):
    """One class of the batch, by its id or by its grade and name as the school
    calls it."""

    school_class = serializers.IntegerField(required=False)
    grade = serializers.CharField(required=False, max_length=20)
    class_name = serializers.CharField(required=False, max_length=20)
    absent = serializers.IntegerField(min_value=0, default=0)
    absent_ill = serializers.IntegerField(min_value=0, default=0)
    fever = serializers.IntegerField(min_value=0, default=0)
    cough = serializers.IntegerField(min_value=0, default=0)
    diarrhoea = serializers.IntegerField(min_value=0, default=0)
    rash = serializers.IntegerField(min_value=0, default=0)
    other = serializers.IntegerField(min_value=0, default=0)

    def validate(self, data):
        if "school_class" not in data and not (data.get("grade") and data.get("class_name")):
            raise serializers.ValidationError(_("Name the class by its id or its grade and name."))
        return data


class SessionBatchSerializer(serializers.Serializer):
    school = serializers.CharField(max_length=10, help_text="The school's code.")
    date = serializers.DateField()
    session = serializers.ChoiceField(choices=Session.choices)
    nothing_to_report = serializers.BooleanField(default=False)
    classes = ClassCountSerializer(many=True, required=False, default=list)


class SessionReportSerializer(serializers.ModelSerializer):
    school = serializers.SlugRelatedField(slug_field="code", read_only=True)
    date = serializers.DateField(source="on_date", read_only=True)

    class Meta:
        model = SessionReport
        fields = [
            "school", "date", "session", "nothing_to_report", "classes", "enrolled", "absent",
            "absent_ill", *SYMPTOMS, "reported_at",
        ]  # fmt: skip


BATCH_EXAMPLE = {
    "school": "1137000001",
    "date": "2026-12-07",
    "session": "morning",
    "classes": [
        {"grade": "高一", "class_name": "1班", "absent": 2, "absent_ill": 2, "fever": 2},
        {"grade": "高一", "class_name": "2班"},
    ],
}


class HealthCheckViewSet(viewsets.ReadOnlyModelViewSet):
    """The classes' health checks in the caller's scope (``school`` by code, ``date``,
    ``session``), newest first, a page at a time by its ``next`` link. A school's
    check-in app posts a whole session at once (``POST``): all of it or, on one bad
    class, none; posting it again replaces it, so a retry is harmless."""

    serializer_class = HealthCheckSerializer
    pagination_class = NewestFirstPagination
    # No ?ordering=: the pages follow the id, the one order a cursor walks cheaply.
    filter_backends = [DjangoFilterBackend]
    filterset_fields = {"on_date": ["exact"], "session": ["exact"]}

    def get_queryset(self):
        checks = selectors.health_check_list(user=self.request.user)
        if code := self.request.query_params.get("school"):
            checks = checks.filter(school__code=code)
        return checks

    @extend_schema(
        request=SessionBatchSerializer,
        responses=SessionReportSerializer,
        examples=[OpenApiExample("A morning, one class with fevers", value=BATCH_EXAMPLE)],
    )
    def create(self, request):
        params = SessionBatchSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        school = selectors.health_school_by_code(user=request.user, code=data["school"])
        by_name = selectors.class_ids_by_name(school=school)
        counts, unknown = [], []
        for n, row in enumerate(data["classes"]):
            class_id = row.get("school_class") or by_name.get(
                (row.get("grade"), row.get("class_name"))
            )
            if class_id is None:
                unknown.append(n)
                continue
            counts.append(services.ClassCount(class_id, **{f: row[f] for f in COUNTS}))
        if unknown:
            raise serializers.ValidationError(
                {"classes": {n: [_("No such class at this school.")] for n in unknown}}
            )
        report = services.session_submit(
            actor=request.user, school=school, on_date=data["date"], session=data["session"],
            counts=counts, nothing_to_report=data["nothing_to_report"],
        )  # fmt: skip
        return Response(SessionReportSerializer(report).data, status=status.HTTP_200_OK)
