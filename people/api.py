"""Person files under /api/v1/people/: the same selectors and filters as the pages."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from readiness.access import has_right

from . import idcard, selectors, services
from .access import Right
from .filters import PersonFilter
from .models import Person
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
