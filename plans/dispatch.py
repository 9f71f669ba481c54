"""Return plans and drills in the daily dispatch report."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from readiness.dispatch import Measure, Section, Tile, share
from readiness.models import School

from .models import Drill, ReopeningPlan

STATUSES = ("draft", "submitted", "approved", "returned")


def _plans() -> dict:
    """Return plans by status, per county (one query)."""
    by_county: dict[str, dict] = {}
    for row in (
        ReopeningPlan.objects.values("school__county__code", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        by_county.setdefault(row["school__county__code"], {})[row["status"]] = row["n"]
    totals = {status: sum(c.get(status, 0) for c in by_county.values()) for status in STATUSES}
    return {"totals": totals, "by_county": by_county}


def _drills() -> dict:
    """Drills held and high-school principals covered, city-wide."""
    high = School.objects.filter(level=School.Level.HIGH)
    return {
        "drills": Drill.objects.filter(kind="drill").count(),
        "trainings": Drill.objects.filter(kind="training").count(),
        "high_schools": high.count(),
        "principals_covered": high.filter(drills_attended__isnull=False).distinct().count(),
    }


def figures(on_date: dt.date) -> dict:
    return {"plans": _plans(), "drills": _drills()}


SECTION = Section(
    key="plans",
    figures=figures,
    template="plans/dispatch/section.html",
    pdf_template="plans/dispatch/section_pdf.html",
    tiles=(
        Tile(
            "approved",
            _("Return plans approved"),
            link="plan_list?status=approved",
            within="plans",
        ),
        Tile(
            "submitted",
            _("Plans waiting for approval"),
            False,
            link="plan_list?status=submitted",
            within="plans",
        ),
    ),
    measures=(
        Measure(
            "plans_approved_pct",
            _("Plans approved %"),
            share("approved", "draft", "submitted", "approved", "returned"),
            True,
            90,
            60,
            within="plans",
        ),
    ),
)
