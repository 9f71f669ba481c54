"""Person files under /api/v1/people/: the same selectors as the pages."""

from __future__ import annotations

from rest_framework import serializers, viewsets

from readiness.access import has_right

from . import idcard, selectors
from .access import Right
from .models import Person


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
