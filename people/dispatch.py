"""The ledger's part of the daily dispatch report: files, coverage, abroad, health."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q, Sum
from django.utils.translation import gettext_lazy as _

from readiness.dispatch import Column, Measure, Section, Sheet, Stale, Tile, share
from readiness.models import County, School
from readiness.selectors import rate

from .models import ScreeningCount

KEYS = (
    "staff_files",
    "student_files",
    "screened",
    "abroad",
    "symptoms",
    "observation",
    "confirmed",
)


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


def stale_files(before: dt.date) -> list[tuple[int, dt.date | None]]:
    """Schools with person files left unscreened and none screened since ``before``,
    and schools with no person file at all (two queries, on the kept counts)."""
    behind = ScreeningCount.objects.filter(
        Q(last_screened_on__lt=before) | Q(last_screened_on__isnull=True),
        screened__lt=F("staff_files") + F("student_files"),
    ).values_list("school_id", "last_screened_on")
    empty = School.objects.filter(
        Q(screening__isnull=True) | Q(screening__staff_files=0, screening__student_files=0)
    ).values_list("pk", flat=True)
    return [*behind, *((pk, None) for pk in empty)]


SECTION = Section(
    key="people",
    figures=figures,
    template="people/dispatch/section.html",
    pdf_template="people/dispatch/section_pdf.html",
    tiles=(
        Tile("abroad", _("Abroad, not returned"), False, link="people_abroad"),
        Tile("symptoms", _("With symptoms"), False, link="people?health=symptoms"),
    ),
    measures=(
        Measure(
            "screened_pct",
            _("Persons screened %"),
            share("screened", "staff_files", "student_files"),
            True,
            100,
            90,
        ),
    ),
    stale=(Stale("files", _("Person files"), stale_files),),
    sheets=(
        Sheet(
            _("Person files"),
            (
                Column("staff_files", _("Staff files")),
                Column("student_files", _("Student files")),
                Column("coverage", _("Coverage %")),
                Column("screened", _("Screened")),
                Column("abroad", _("Abroad, not returned")),
                Column("symptoms", _("Symptoms")),
                Column("observation", _("Under observation")),
                Column("confirmed", _("Confirmed case")),
            ),
        ),
    ),
)
