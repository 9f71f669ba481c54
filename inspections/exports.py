"""The findings spreadsheet, in the user's language."""

from __future__ import annotations

import tablib
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Finding


def findings_dataset(findings: QuerySet[Finding]) -> tablib.Dataset:
    dataset = tablib.Dataset(
        headers=[
            _("County"),
            _("School code"),
            _("School name"),
            _("Squad"),
            _("Visited at"),
            _("Key area or aspect"),
            _("Severity"),
            _("Problem"),
            _("Rectification requirement"),
            _("Deadline"),
            _("Status"),
            _("Overdue"),
        ]
    )
    for f in findings.select_related("visit__squad", "school__county", "key_area", "aspect"):
        dataset.append(
            [
                f.school.county.name,
                f.school.code,
                f.school.name,
                f.visit.squad.name,
                timezone.localtime(f.visit.visited_at).strftime("%Y-%m-%d")
                if f.visit.visited_at
                else "",
                str(f.place),
                f.get_severity_display(),
                f.description,
                f.requirement,
                f.deadline.isoformat(),
                f.get_status_display(),
                _("Yes") if f.is_overdue else _("No"),
            ]
        )
    return dataset
