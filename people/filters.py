"""Filters of the ledger, shared by the page, the export and the API.

Search by identity number takes exactly the last 4 characters (or, for those
with the right to see numbers whole, the whole number): any other length would
let a caller narrow a masked number one digit at a time.
"""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from readiness.access import has_right

from .access import Right
from .models import Person

LAST_FOUR = re.compile(r"^[0-9]{3}[0-9X]$")
WHOLE = re.compile(r"^[0-9]{17}[0-9X]$")


class PersonSearchForm(forms.Form):
    full_id = False  # set by the filter from the user's rights

    def clean_q(self) -> str:
        value = (self.cleaned_data.get("q") or "").strip()
        if not any(c.isdigit() for c in value):
            return value  # a name
        value = value.upper()
        if LAST_FOUR.match(value) or (self.full_id and WHOLE.match(value)):
            return value
        raise forms.ValidationError(
            _("Search by name, or by exactly the last 4 characters of the identity number.")
        )


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        max_length=50,
        label=gettext_lazy("Name, or the last 4 characters of the identity number"),
    )
    school = django_filters.CharFilter(
        field_name="school__code", max_length=10, label=gettext_lazy("School code")
    )
    kind = django_filters.ChoiceFilter(choices=Person.Kind.choices, label=gettext_lazy("Kind"))
    whereabouts = django_filters.ChoiceFilter(
        choices=Person.Whereabouts.choices, label=gettext_lazy("Whereabouts")
    )
    health = django_filters.ChoiceFilter(
        choices=Person.Health.choices, label=gettext_lazy("Health")
    )
    returned = django_filters.BooleanFilter(label=gettext_lazy("Back at school"))
    screened = django_filters.BooleanFilter(
        field_name="screened_on",
        lookup_expr="isnull",
        exclude=True,
        label=gettext_lazy("Screened"),
    )

    class Meta:
        model = Person
        fields = ["q", "school", "kind", "whereabouts", "health", "returned", "screened"]
        form = PersonSearchForm

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        self.full_id = user is not None and has_right(user, Right.PERSON_FULL_ID)

    @property
    def form(self) -> PersonSearchForm:
        form = super().form
        form.full_id = self.full_id
        return form

    def search(self, queryset: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        if not value:
            return queryset
        if WHOLE.match(value):
            return queryset.filter(id_number=value)
        if LAST_FOUR.match(value):
            return queryset.filter(id_number__endswith=value)
        return queryset.filter(name__icontains=value)
