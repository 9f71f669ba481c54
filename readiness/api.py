"""REST API under /api/v1/: the same selectors and services as the pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError as ApiValidationError

from . import idcard, selectors, services
from .access import Right, has_right
from .filters import SchoolFilter
from .models import County, Person, School


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

    def perform_update(self, serializer):
        try:
            serializer.instance = services.school_update(
                actor=self.request.user,
                school=serializer.instance,
                data=dict(serializer.validated_data),
            )
        except ValidationError as error:
            raise ApiValidationError(error.messages) from None


class PersonSerializer(serializers.ModelSerializer):
    """The identity number is masked unless the caller has the right to see it whole."""

    school = serializers.SlugRelatedField(slug_field="code", read_only=True)
    id_number = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "id", "school", "kind", "name", "id_number", "gender", "birth_date", "grade",
            "class_name", "study_mode", "origin", "whereabouts", "returned", "returned_on",
            "health", "screened_on", "note",
        ]  # fmt: skip

    def get_id_number(self, person: Person) -> str:
        full = has_right(self.context["request"].user, Right.PERSON_FULL_ID)
        return person.id_number if full else idcard.mask(person.id_number)


class PersonViewSet(viewsets.ReadOnlyModelViewSet):
    """Person files in the caller's scope; search with ``q`` (name or last digits)."""

    serializer_class = PersonSerializer

    def get_queryset(self):
        return selectors.person_search(user=self.request.user, params=self.request.query_params)
