"""This app's section of the daily dispatch report: verification by county."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from readiness.dispatch import Column, Measure, Section, Sheet, count, share
from readiness.models import County, School

from .selectors import STATES, state_counts


def figures(on_date: dt.date) -> dict:
    """Schools by verification state, and overdue ones, per county of the city."""
    table = state_counts(School.objects.all(), on_date)
    empty = dict.fromkeys((*STATES, "total", "overdue"), 0)
    by_county = [
        {"code": county["code"], "name": county["name"], **table.get(county["pk"], empty)}
        for county in County.objects.order_by("order", "code").values("pk", "code", "name")
    ]
    totals = {key: sum(row[key] for row in by_county) for key in (*STATES, "overdue")}
    return {"totals": totals, "by_county": by_county}


SECTION = Section(
    key="verification",
    figures=figures,
    template="verification/dispatch/section.html",
    pdf_template="verification/dispatch/section_pdf.html",
    measures=(
        Measure(
            "verification_passed_pct",
            _("Verification passed %"),
            share("passed", "total"),
            True,
            80,
            50,
        ),
        Measure(
            "verifications_overdue", _("Verifications overdue"), count("overdue"), False, 0, 3
        ),
    ),
    sheets=(
        Sheet(
            _("Verification"),
            (
                Column("not_started", _("Not started")),
                Column("in_progress", _("In progress")),
                Column("submitted", _("Submitted")),
                Column("passed", _("Ready to reopen")),
                Column("conditional", _("Conditionally ready")),
                Column("failed", _("Not ready")),
                Column("overdue", _("Overdue")),
            ),
        ),
    ),
)
