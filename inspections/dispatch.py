"""This app's section of the daily dispatch report: inspections and findings.

Only recorded visits count: a planned visit stays secret, even here.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Max, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from readiness.dispatch import Column, Measure, Section, Sheet, Stale, Tile, count
from readiness.models import County

from .models import Finding, Visit
from .selectors import finding_counts


def figures(on_date: dt.date) -> dict:
    recorded = Visit.objects.filter(status=Visit.Status.RECORDED)
    per_county = {
        row["school__county_id"]: row
        for row in recorded.values("school__county_id")
        .annotate(visits=Count("pk"), schools=Count("school", distinct=True))
        .order_by()
    }
    findings = {
        row["school__county_id"]: row
        for row in Finding.objects.values("school__county_id")
        .annotate(
            open=Count("pk", filter=~Q(status="closed")),
            overdue=Count("pk", filter=~Q(status="closed") & Q(deadline__lt=on_date)),
            closed=Count("pk", filter=Q(status="closed")),
        )
        .order_by()
    }
    by_county = []
    for county in County.objects.order_by("order", "code").values("pk", "code", "name"):
        visits = per_county.get(county["pk"], {})
        found = findings.get(county["pk"], {})
        by_county.append(
            {
                "code": county["code"],
                "name": county["name"],
                "visits": visits.get("visits", 0),
                "schools": visits.get("schools", 0),
                **{key: found.get(key, 0) for key in ("open", "overdue", "closed")},
            }
        )
    totals = {
        "counties_inspected": sum(1 for row in by_county if row["visits"]),
        **{
            key: sum(row[key] for row in by_county)
            for key in ("visits", "schools", "open", "overdue", "closed")
        },
    }
    return {
        "totals": totals,
        "by_county": by_county,
        **finding_counts(Finding.objects.all(), on_date),
    }


def stale_rectifications(before: dt.date) -> list[tuple[int, dt.date | None]]:
    """Schools with an open finding (no rectification reported, or the report
    rejected) that has not moved since ``before``: found, or last reported, then.
    A school's date is its longest-waiting finding's."""
    findings = (
        Finding.objects.filter(status=Finding.Status.OPEN)
        .annotate(
            last=Greatest("created_at", Coalesce(Max("reports__submitted_at"), "created_at"))
        )
        .values_list("school_id", "last")
    )
    oldest: dict[int, dt.date] = {}
    for school, last in findings:
        day = timezone.localdate(last)
        if day < before and (school not in oldest or day < oldest[school]):
            oldest[school] = day
    return list(oldest.items())


SECTION = Section(
    key="inspections",
    figures=figures,
    template="inspections/dispatch/section.html",
    pdf_template="inspections/dispatch/section_pdf.html",
    tiles=(
        Tile(
            "open", _("Findings open"), False, link="finding_list?status=open", county_filter=True
        ),
        Tile(
            "overdue",
            _("Findings overdue"),
            False,
            link="finding_list?overdue=true",
            county_filter=True,
        ),
    ),
    measures=(Measure("findings_overdue", _("Findings overdue"), count("overdue"), False, 0, 2),),
    stale=(Stale("rectification", _("Rectification"), stale_rectifications),),
    sheets=(
        Sheet(
            _("Inspections"),
            (
                Column("visits", _("Visits recorded")),
                Column("schools", _("Schools visited")),
                Column("open", _("Findings open")),
                Column("overdue", _("Findings overdue")),
                Column("closed", _("Findings closed")),
            ),
        ),
    ),
)
