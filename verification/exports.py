"""The results spreadsheet: one row per verification the user may see."""

from __future__ import annotations

import tablib
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from readiness.spreadsheets import Column, dataset_of, iso_date, local_time

from .models import Verification

COLUMNS = [
    Column(gettext_lazy("School code"), lambda v: v.school.code),
    Column(gettext_lazy("School name"), lambda v: v.school.name),
    Column(gettext_lazy("County"), lambda v: v.school.county.name),
    Column(gettext_lazy("Team"), lambda v: v.team.name),
    Column(gettext_lazy("Planned date"), lambda v: v.planned_on.isoformat()),
    Column(gettext_lazy("Status"), lambda v: v.get_status_display()),
    Column(gettext_lazy("Result"), lambda v: v.get_result_display() if v.result else ""),
    Column(gettext_lazy("Re-verification due"), lambda v: iso_date(v.reverify_due)),
    Column(gettext_lazy("Departments confirmed"), lambda v: len(v.signoffs.all())),
    Column(gettext_lazy("Approved at"), lambda v: local_time(v.approved_at)),
]


def results_dataset(verifications: QuerySet[Verification]) -> tablib.Dataset:
    """Rows in the user's language; the queryset (with its prefetch) comes from a selector."""
    return dataset_of(verifications.select_related("school__county", "team"), COLUMNS)
