"""The results spreadsheet: one row per verification the user may see."""

from __future__ import annotations

import tablib
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Verification


def results_dataset(verifications: QuerySet[Verification]) -> tablib.Dataset:
    """Rows in the user's language; the queryset comes from a selector."""
    dataset = tablib.Dataset(
        headers=[
            _("School code"),
            _("School name"),
            _("County"),
            _("Team"),
            _("Planned date"),
            _("Status"),
            _("Result"),
            _("Re-verification due"),
            _("Departments confirmed"),
            _("Approved at"),
        ]
    )
    for v in verifications.select_related("school__county", "team"):
        dataset.append(
            [
                v.school.code,
                v.school.name,
                v.school.county.name,
                v.team.name,
                v.planned_on.isoformat(),
                v.get_status_display(),
                v.get_result_display() if v.result else "",
                v.reverify_due.isoformat() if v.reverify_due else "",
                len(v.signoffs.all()),
                timezone.localtime(v.approved_at).strftime("%Y-%m-%d %H:%M")
                if v.approved_at
                else "",
            ]
        )
    return dataset
