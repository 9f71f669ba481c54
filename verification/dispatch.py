"""This app's section of the daily dispatch report: verification by county."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, OuterRef, Subquery

from readiness.models import County, School

from .models import Verification
from .selectors import STATES, school_state


def section(on_date: dt.date) -> dict:
    """Schools by verification state, and overdue verifications, per county."""
    open_status = Subquery(
        Verification.objects.filter(school=OuterRef("pk"), status__in=Verification.OPEN).values(
            "status"
        )[:1]
    )
    rows = (
        School.objects.annotate(open_status=open_status)
        .values("county_id", "open_status", "readiness")
        .annotate(n=Count("pk"))
        .order_by()
    )
    overdue = dict(
        Verification.objects.filter(
            status__in=["assigned", "in_progress", "returned"], planned_on__lt=on_date
        )
        .values_list("school__county_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    per_county: dict[int, dict] = {}
    for row in rows:
        entry = per_county.setdefault(row["county_id"], dict.fromkeys(STATES, 0))
        entry[school_state(row["open_status"], row["readiness"])] += row["n"]
    counties = County.objects.order_by("order", "code").values("pk", "code", "name")
    by_county = [
        {
            "code": c["code"],
            "name": c["name"],
            **per_county.get(c["pk"], dict.fromkeys(STATES, 0)),
            "overdue": overdue.get(c["pk"], 0),
        }
        for c in counties
    ]
    totals = {key: sum(row[key] for row in by_county) for key in (*STATES, "overdue")}
    return {"totals": totals, "by_county": by_county}
