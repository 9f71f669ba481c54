"""The daily dispatch report (每日调度).

Each line of work contributes one section: a function ``section(on_date) -> dict``
listed by dotted path in ``settings.DISPATCH_SECTIONS``. A section returns
JSON-serialisable figures: city totals plus a breakdown per county. Composing
the report through settings keeps readiness free of imports of the other apps.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils.module_loading import import_string

from .models import County, School


def build(on_date: dt.date) -> dict:
    sections = {}
    for path in settings.DISPATCH_SECTIONS:
        key = path.split(".")[0]
        sections[key] = import_string(path)(on_date)
    return {"on_date": on_date.isoformat(), "sections": sections}


def section(on_date: dt.date) -> dict:
    """Schools, students and staff of the city, by county, level and risk level."""
    per_county = list(
        County.objects.annotate(
            school_count=Count("schools"),
            students=Sum("schools__students", default=0),
            staff=Sum("schools__staff", default=0),
            boarding=Count("schools", filter=Q(schools__boarding=True)),
            high_risk=Count("schools", filter=Q(schools__risk_level="high")),
            medium_risk=Count("schools", filter=Q(schools__risk_level="medium")),
        )
        .order_by("order", "code")
        .values(
            "code",
            "name",
            "school_count",
            "students",
            "staff",
            "boarding",
            "high_risk",
            "medium_risk",
        )
    )
    by_level = dict(School.objects.values_list("level").annotate(n=Count("pk")).order_by("level"))
    totals = {
        key: sum(row[key] for row in per_county)
        for key in ("school_count", "students", "staff", "boarding", "high_risk", "medium_risk")
    }
    totals["counties"] = len(per_county)
    return {"totals": totals, "by_level": by_level, "by_county": per_county}
