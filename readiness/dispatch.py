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
    return {
        "totals": totals,
        "by_level": by_level,
        "by_county": per_county,
        "people": _people(per_county),
        "plans": _plans(),
        "drills": _drills(),
    }


def _plans() -> dict:
    """Return plans by status, per county (one query)."""
    from .models import ReopeningPlan

    by_county: dict[str, dict] = {}
    for row in (
        ReopeningPlan.objects.values("school__county__code", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        by_county.setdefault(row["school__county__code"], {})[row["status"]] = row["n"]
    totals = {
        status: sum(c.get(status, 0) for c in by_county.values())
        for status in ("draft", "submitted", "approved", "returned")
    }
    return {"totals": totals, "by_county": by_county}


def _drills() -> dict:
    """Drills held and high-school principals covered, city-wide (two queries)."""
    from .models import Drill

    high = School.objects.filter(level=School.Level.HIGH)
    return {
        "drills": Drill.objects.filter(kind="drill").count(),
        "trainings": Drill.objects.filter(kind="training").count(),
        "high_schools": high.count(),
        "principals_covered": high.filter(drills_attended__isnull=False).distinct().count(),
    }


def _people(per_county: list[dict]) -> dict:
    """Screening (一人一档): files, coverage, abroad not returned, health; per county.
    One aggregate query over the ledger."""
    from . import screening
    from .models import ScreeningCount

    screening.refresh()  # the report is frozen: count the ledger as it is now
    counts = {
        row["school__county__code"]: row
        for row in ScreeningCount.objects.values("school__county__code")
        .annotate(
            staff_files=Sum("staff_files"),
            student_files=Sum("student_files"),
            abroad=Sum("abroad"),
            symptoms=Sum("symptoms"),
            observation=Sum("observation"),
            confirmed=Sum("confirmed"),
        )
        .order_by()
    }
    keys = ("staff_files", "student_files", "abroad", "symptoms", "observation", "confirmed")
    by_county = []
    for county in per_county:
        found = counts.get(county["code"], {})
        row = {
            "code": county["code"],
            "name": county["name"],
            **{k: found.get(k) or 0 for k in keys},
        }
        people = county["students"] + county["staff"]
        row["coverage"] = (
            round(100 * (row["staff_files"] + row["student_files"]) / people, 1)
            if people
            else None
        )
        by_county.append(row)
    totals = {k: sum(row[k] for row in by_county) for k in keys}
    return {"totals": totals, "by_county": by_county}
