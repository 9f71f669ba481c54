"""Return plans and drills in the daily dispatch report."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from readiness.dispatch import Column, Measure, Section, Sheet, Stale, Tile, share
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


def stale_plans(before: dt.date) -> list[tuple[int, dt.date | None]]:
    """Schools whose plan is a draft or was returned and has not changed since
    ``before`` (its history's last entry), and schools with no plan at all."""
    waiting = dict(
        ReopeningPlan.objects.filter(
            status__in=[ReopeningPlan.Status.DRAFT, ReopeningPlan.Status.RETURNED]
        ).values_list("pk", "school_id")
    )
    lasts = (
        ReopeningPlan.history.filter(id__in=waiting)
        .values("id")
        .annotate(last=Max("history_date"))
        .order_by()
    )
    found = [(waiting[row["id"]], timezone.localdate(row["last"])) for row in lasts]
    none = School.objects.filter(plan__isnull=True).values_list("pk", flat=True)
    return [*((s, d) for s, d in found if d < before), *((pk, None) for pk in none)]


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
    stale=(Stale("plan", _("Return plan"), stale_plans),),
    sheets=(
        Sheet(
            _("Return plans"),
            tuple(Column(status, label) for status, label in ReopeningPlan.Status.choices),
            within="plans",
        ),
    ),
)
