"""Filters of the school list, shared by the page, the export and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from . import criteria
from .models import AuditEntry, County, Criterion, School


class SchoolFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name or code"))
    county = django_filters.ModelChoiceFilter(
        queryset=County.objects.none(), to_field_name="code", label=_("County")
    )
    level = django_filters.ChoiceFilter(choices=School.Level.choices, label=_("Level"))
    jurisdiction = django_filters.ChoiceFilter(
        choices=School.Jurisdiction.choices, label=_("Jurisdiction")
    )
    risk_level = django_filters.ChoiceFilter(choices=School.Risk.choices, label=_("Risk level"))
    boarding = django_filters.ChoiceFilter(
        choices=[("true", _("Yes")), ("false", _("No"))],
        method="filter_boarding",
        label=_("Boarding"),
    )
    readiness = django_filters.ChoiceFilter(choices=School.Readiness.choices, label=_("Readiness"))
    failing = django_filters.ChoiceFilter(
        choices=lambda: [(c.key, c.label) for c in criteria.registry()],
        method="filter_failing",
        label=_("Criterion not met"),
    )

    class Meta:
        model = School
        fields = ["q", "county", "level", "jurisdiction", "risk_level", "boarding", "readiness"]

    def __init__(self, *args, counties: QuerySet[County] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only the counties the user may see are offered (and accepted).
        self.filters["county"].queryset = (
            counties if counties is not None else County.objects.all()
        )

    def filter_failing(self, queryset: QuerySet[School], name: str, value: str):
        """Schools for which the criterion is not met, or has no data (as last
        computed: every school is judged nightly and whenever its data changes)."""
        failing = [Criterion.NOT_MET, Criterion.NO_DATA]  # ``value`` is a known key
        return queryset.filter(**{f"judgement__criteria__{value}__state__in": failing})

    def filter_boarding(self, queryset: QuerySet[School], name: str, value: str):
        return queryset.filter(boarding=value == "true")

    def search(self, queryset: QuerySet[School], name: str, value: str) -> QuerySet[School]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value))


class DateInput(forms.DateInput):
    input_type = "date"


class AuditFilter(django_filters.FilterSet):
    """The audit trail's filters: who, what, where and when."""

    actor = django_filters.CharFilter(
        field_name="actor_name", lookup_expr="iexact", max_length=150, label=_("By (user name)")
    )
    action = django_filters.CharFilter(
        lookup_expr="startswith", max_length=60, label=_("Action (or its start)")
    )
    county = django_filters.ModelChoiceFilter(
        queryset=County.objects.all(), to_field_name="code", label=_("County")
    )
    since = django_filters.DateFilter(
        field_name="at", lookup_expr="date__gte", label=_("From"), widget=DateInput
    )
    until = django_filters.DateFilter(
        field_name="at", lookup_expr="date__lte", label=_("To"), widget=DateInput
    )

    class Meta:
        model = AuditEntry
        fields = ["actor", "action", "county", "since", "until"]
