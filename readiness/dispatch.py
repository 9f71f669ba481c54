"""The daily dispatch report (每日调度).

Each line of work contributes one ``Section``, listed by dotted path in
``settings.DISPATCH_SECTIONS`` (the way Django lists middleware): a function
that returns the day's JSON-serialisable figures (city totals plus a breakdown
per county), and the templates that show them on the page and in the PDF. The
report's own templates loop over the sections and name no app, so readiness
imports none of the apps built on it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from . import documents
from .models import County, DashboardTargets, DispatchReport, ReadinessChange, School

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Tile:
    """A figure of a section shown on the dashboard with its change and its trend:
    ``field`` of the section's ``totals`` (of the county's row, for a county)."""

    field: str
    label: object  # lazy: translated when shown
    higher_is_better: bool = True
    link: str = ""  # the list behind the figure, filtered ("url-name?query")
    within: str = ""  # the part of the section's figures that holds it, if nested
    county_filter: bool = False  # the list behind it takes ?county=<code>


@dataclass(frozen=True)
class Measure:
    """A column of the dashboard's county table: a figure worked out from the
    county's row of the section, coloured green / amber / red against the
    thresholds the city sets (these are the defaults)."""

    key: str
    label: object
    value: Callable[[dict], float | None]  # the county's row → the figure
    higher_is_better: bool
    green: float  # at or better than this: green
    amber: float  # at or better than this: amber; worse: red
    within: str = ""


@dataclass(frozen=True)
class Stale:
    """Work a school keeps current, listed in the report under its county when the
    school has left it alone for the city's number of days (``DashboardTargets``):
    ``schools(before)`` gives (school id, date of its last update, None for never)
    for each school with such work not updated since ``before``."""

    key: str
    label: object
    schools: Callable[[dt.date], Iterable[tuple[int, dt.date | None]]]


@dataclass(frozen=True)
class Column:
    field: str
    label: object


@dataclass(frozen=True)
class Sheet:
    """A table of a section's figures in the report's spreadsheet: the rows found
    under ``rows`` (of the part ``within``, if nested), in these columns. Rows
    kept by county code get the county's name in the first column."""

    title: object
    columns: tuple[Column, ...]
    rows: str = "by_county"
    within: str = ""


def share(part: str, *wholes: str) -> Callable[[dict], float | None]:
    """``part`` as a percentage of the sum of ``wholes`` in a county's row."""

    def value(row: dict) -> float | None:
        whole = sum(row.get(w) or 0 for w in wholes)
        return round(100 * (row.get(part) or 0) / whole, 1) if whole else None

    return value


def count(field: str) -> Callable[[dict], float | None]:
    return lambda row: row.get(field)


@dataclass(frozen=True)
class Section:
    key: str  # where the figures are kept in the report's data
    figures: Callable[[dt.date], dict]  # reads only: never writes
    template: str  # a fragment of the page, given the figures as ``s``
    pdf_template: str  # a fragment of the PDF, given the figures as ``s``
    # A write the section needs before its figures are read (a recount), run by
    # the build service, never by ``figures``.
    prepare: Callable[[], None] | None = None
    tiles: tuple[Tile, ...] = ()
    measures: tuple[Measure, ...] = ()
    stale: tuple[Stale, ...] = ()
    sheets: tuple[Sheet, ...] = ()


def registered() -> list[Section]:
    return [import_string(path) for path in settings.DISPATCH_SECTIONS]


def build(on_date: dt.date, *, stale_days: int = DashboardTargets.STALE_DAYS) -> dict:
    """The figures of every section, as they are now, and the schools whose data
    is ``stale_days`` old. A section that raises is recorded as failed, with the
    error's kind, and the others still appear: one line of work's fault never
    costs the task force its morning report."""
    sections, failed = {}, {}
    for section in registered():
        try:
            with transaction.atomic():  # a failed query must not poison the rest
                sections[section.key] = section.figures(on_date)
        except Exception as error:  # reported in the snapshot and the log
            logger.exception("dispatch section %s failed", section.key)
            failed[section.key] = type(error).__name__
    data = {"on_date": on_date.isoformat(), "sections": sections, "failed": failed}
    try:
        with transaction.atomic():
            data["stale"] = stale(on_date, days=stale_days)
    except Exception as error:
        logger.exception("dispatch stale data failed")
        failed["stale"] = type(error).__name__
    return data


STALE_LISTED = 100  # schools listed per county; the counts are whole
# Shown per county on the report's page and in the city's whole report through the
# API: with 100 for each of 13 counties the page weighed 168 KB and the API 167 KB.
# The spreadsheet lists as many as the report keeps.
PAGE_STALE_LISTED = 30


def stale_cut(data: dict, per_county: int) -> dict:
    """The snapshot with each county's stale schools cut to the first ``per_county``
    (the longest silent); the counts stay whole, and ``listed_per_county`` says where
    the lists were cut. The snapshot itself is left as it is (no query)."""
    stale = data.get("stale")
    if not isinstance(stale, dict) or not isinstance(stale.get("by_county"), dict):
        return data
    by_county = {
        code: {**found, "schools": found.get("schools", [])[:per_county]}
        for code, found in stale["by_county"].items()
    }
    return {**data, "stale": {**stale, "by_county": by_county, "listed_per_county": per_county}}


def stale_kinds() -> list[Stale]:
    return [kind for section in registered() for kind in section.stale]


def stale(on_date: dt.date, *, days: int) -> dict:
    """The schools that have not updated some of their data for ``days`` days, per
    county: how many, how many by kind, and the longest silent first (up to
    ``STALE_LISTED``) with the date each kind was last updated (None: never)."""
    before = on_date - dt.timedelta(days=days)
    per_school: dict[int, dict[str, str | None]] = {}
    for kind in stale_kinds():
        for school_id, last in kind.schools(before):
            per_school.setdefault(school_id, {})[kind.key] = last.isoformat() if last else None
    schools = School.objects.filter(pk__in=per_school).values_list(
        "pk", "code", "name", "county__code"
    )

    def silence(row) -> tuple:  # the most kinds left, then the oldest, first
        lasts = per_school[row[0]].values()
        return (-len(lasts), min((d or "" for d in lasts), default=""), row[1])

    by_county: dict[str, dict] = {}
    for pk, code, name, county in sorted(schools, key=silence):
        entry = by_county.setdefault(county, {"count": 0, "kinds": Counter(), "schools": []})
        entry["count"] += 1
        entry["kinds"].update(per_school[pk].keys())
        if len(entry["schools"]) < STALE_LISTED:
            entry["schools"].append({"id": pk, "code": code, "name": name, "last": per_school[pk]})
    for entry in by_county.values():
        entry["kinds"] = dict(entry["kinds"])
    return {"days": days, "before": before.isoformat(), "by_county": by_county}


def shown(data: dict) -> list[dict]:
    """The sections of a frozen report, in the registry's order, with their
    templates; a section the report did not hold (built before the section
    existed) is left out."""
    held = data.get("sections", {})
    return [
        {"template": s.template, "pdf_template": s.pdf_template, "s": held[s.key]}
        for s in registered()
        if s.key in held
    ]


def figures(on_date: dt.date) -> dict:
    """Schools, students and staff of the city, by county, level and risk level."""
    per_county = list(
        County.objects.annotate(
            school_count=Count("schools"),
            students=Sum("schools__students", default=0),
            staff=Sum("schools__staff", default=0),
            boarding=Count("schools", filter=Q(schools__boarding=True)),
            high_risk=Count("schools", filter=Q(schools__risk_level="high")),
            medium_risk=Count("schools", filter=Q(schools__risk_level="medium")),
            **{
                f"r_{state}": Count("schools", filter=Q(schools__readiness=state))
                for state in School.Readiness.values
            },
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
            *(f"r_{state}" for state in School.Readiness.values),
        )
    )
    by_level = dict(School.objects.values_list("level").annotate(n=Count("pk")).order_by("level"))
    totals = {
        key: sum(row[key] for row in per_county)
        for key in (
            "school_count", "students", "staff", "boarding", "high_risk", "medium_risk",
            *(f"r_{state}" for state in School.Readiness.values),
        )
    }  # fmt: skip
    totals["counties"] = len(per_county)
    return {
        "totals": totals,
        "by_level": by_level,
        "by_county": per_county,
        "changed": readiness_changed(on_date),
    }


def readiness_changed(on_date: dt.date, *, limit: int = 200) -> list[dict]:
    """The schools whose readiness changed since the start of the day before, each
    with where it started and where it is now, and the last change's reason."""
    since = timezone.make_aware(dt.datetime.combine(on_date - dt.timedelta(days=1), dt.time()))
    per_school: dict[int, dict] = {}
    rows = (
        ReadinessChange.objects.filter(at__gte=since)
        .order_by("at", "pk")
        .values("school_id", "school__name", "school__county__name", "before", "after", "reason")
    )
    for row in rows:
        entry = per_school.setdefault(
            row["school_id"],
            {"name": row["school__name"], "county": row["school__county__name"],
             "before": row["before"]},
        )  # fmt: skip
        entry.update(after=row["after"], reason=row["reason"])
    changed = [e for e in per_school.values() if e["before"] != e["after"]]
    labels = dict(School.Readiness.choices)
    for entry in changed:
        entry["before_label"] = str(labels[entry["before"]])
        entry["after_label"] = str(labels[entry["after"]])
    return sorted(changed, key=lambda e: (e["county"], e["name"]))[:limit]


SECTION = Section(
    key="readiness",
    figures=figures,
    template="readiness/dispatch/section.html",
    pdf_template="readiness/dispatch/section_pdf.html",
    tiles=(
        Tile(
            "r_passed",
            _("Ready to reopen"),
            link="school_list?readiness=passed",
            county_filter=True,
        ),
        Tile(
            "r_conditional",
            _("Conditionally ready"),
            link="school_list?readiness=conditional",
            county_filter=True,
        ),
        Tile(
            "r_failed",
            _("Not ready"),
            False,
            link="school_list?readiness=failed",
            county_filter=True,
        ),
        Tile(
            "r_unverified",
            _("Not yet verified"),
            False,
            link="school_list?readiness=unverified",
            county_filter=True,
        ),
    ),
    measures=(
        Measure("ready_pct", _("Ready %"), share("r_passed", "school_count"), True, 80, 50),
    ),
    sheets=(
        Sheet(
            _("Schools"),
            (
                Column("school_count", _("Schools")),
                Column("students", _("Students")),
                Column("staff", _("Staff")),
                Column("boarding", _("Boarding schools")),
                Column("high_risk", _("High-risk schools")),
                *(Column(f"r_{state}", label) for state, label in School.Readiness.choices),
            ),
        ),
    ),
)


PDF_STALE_LISTED = 10  # per county in the PDF; the page and the spreadsheet list more


def report_pdf(report: DispatchReport, *, time_limit: int | None = None) -> bytes:
    """The frozen report as a PDF, each section in its own template."""
    # Imported here: the dashboard reads this module's sections.
    from .dashboard import frozen_ranking, measures, report_tiles, stale_listing

    context = {
        "report": report,
        "sections": shown(report.data),
        "tiles": report_tiles(report),
        "ranking": frozen_ranking(report.data),
        "measures": [m for _key, m in measures()],
        "stale": stale_listing(report.data),
        "pdf_stale_listed": PDF_STALE_LISTED,
        "pdf_stale_slice": f":{PDF_STALE_LISTED}",
    }
    return documents.render_pdf("documents/dispatch.html", context, time_limit=time_limit)
