"""The ledger's part of the daily dispatch report: files, coverage, abroad, health."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from readiness.dispatch import Section, Tile
from readiness.models import County
from readiness.selectors import rate

from .models import ScreeningCount

KEYS = ("staff_files", "student_files", "abroad", "symptoms", "observation", "confirmed")


def figures(on_date: dt.date) -> dict:
    """Per county, from the per-school counts the ledger keeps (two queries): every
    import recounts the schools it touched, and the nightly task (02:30) the whole
    city, so the 07:30 report reads them as they are, without a recount."""
    counts = {
        row["school__county__code"]: row
        for row in ScreeningCount.objects.values("school__county__code")
        .annotate(**{key: Sum(key) for key in KEYS})
        .order_by()
    }
    counties = County.objects.annotate(
        students=Sum("schools__students", default=0), staff=Sum("schools__staff", default=0)
    ).order_by("order", "code")
    by_county = []
    for county in counties.values("code", "name", "students", "staff"):
        found = counts.get(county["code"], {})
        row = {"code": county["code"], "name": county["name"]}
        row.update({key: found.get(key) or 0 for key in KEYS})
        row["coverage"] = rate(
            row["staff_files"] + row["student_files"], county["students"] + county["staff"]
        )
        by_county.append(row)
    totals = {key: sum(row[key] for row in by_county) for key in KEYS}
    return {"totals": totals, "by_county": by_county}


SECTION = Section(
    key="people",
    figures=figures,
    template="people/dispatch/section.html",
    pdf_template="people/dispatch/section_pdf.html",
    tiles=(
        Tile("abroad", _("Abroad, not returned"), False, link="people_abroad"),
        Tile("symptoms", _("With symptoms"), False, link="people?health=symptoms"),
    ),
)
