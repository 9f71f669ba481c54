"""The findings spreadsheet, in the user's language."""

from __future__ import annotations

import tablib
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from readiness.spreadsheets import Column, dataset_of, local_time

from .models import Finding

COLUMNS = [
    Column(gettext_lazy("County"), lambda f: f.school.county.name),
    Column(gettext_lazy("School code"), lambda f: f.school.code),
    Column(gettext_lazy("School name"), lambda f: f.school.name),
    Column(gettext_lazy("Squad"), lambda f: f.visit.squad.name),
    Column(gettext_lazy("Visited at"), lambda f: local_time(f.visit.visited_at, "%Y-%m-%d")),
    Column(gettext_lazy("Key area or aspect"), lambda f: str(f.place)),
    Column(gettext_lazy("Severity"), lambda f: f.get_severity_display()),
    Column(gettext_lazy("Problem"), lambda f: f.description),
    Column(gettext_lazy("Rectification requirement"), lambda f: f.requirement),
    Column(gettext_lazy("Deadline"), lambda f: f.deadline.isoformat()),
    Column(gettext_lazy("Status"), lambda f: f.get_status_display()),
    Column(gettext_lazy("Overdue"), lambda f: _("Yes") if f.is_overdue else _("No")),
]


def findings_dataset(findings: QuerySet[Finding]) -> tablib.Dataset:
    related = findings.select_related("visit__squad", "school__county", "key_area", "aspect")
    return dataset_of(related, COLUMNS)
