"""The task force's dashboard: the figures the report sections declare as tiles,
each with its change since the previous report and its trend over the last days,
read from the frozen reports (never recounted here), for the city or one county.

The trend is drawn here as SVG, server-side: a polyline and two labels are a few
lines of arithmetic, and a chart library would mean JavaScript from a CDN.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from . import dispatch, selectors
from .models import County, DashboardTargets, DispatchReport, User

PERIODS = {"14": 14, "30": 30, "all": None}
BODY_SECONDS = 600  # a kept dashboard body; its key changes with what it shows
WIDTH, HEIGHT, PAD = 240, 64, 4


@dataclass
class TileFigure:
    key: str
    label: str
    value: int | float | None
    change: int | float | None  # since the previous report; None without one
    better: bool | None  # whether the change is for the better; None: no change
    link: str
    points: list[tuple[str, float]] = field(default_factory=list)  # (date, value)

    @property
    def svg(self) -> str:
        return trend_svg(self.points)


def _link(tile: dispatch.Tile, county: str | None) -> str:
    """The list behind a tile, filtered to the county being looked at when it can be."""
    name, _sep, query = tile.link.partition("?")
    if county and tile.county_filter:
        query = f"{query}&county={county}" if query else f"county={county}"
    return f"{reverse(name)}?{query}" if query else reverse(name)


def _value(data: dict, section: str, tile: dispatch.Tile, county: bool):
    """A figure of a report as the user may read it: the city's total, or the
    county's row."""
    figures = data.get("sections", {}).get(section)
    if isinstance(figures, dict) and tile.within:
        figures = figures.get(tile.within)
    if not isinstance(figures, dict):
        return None
    if county:
        rows = figures.get("by_county") or []
        return rows[0].get(tile.field) if rows else None
    return (figures.get("totals") or {}).get(tile.field)


def tiles(
    *, user: User, period: str = "14", county: str | None = None
) -> tuple[list[TileFigure], dt.date | None]:
    """The dashboard's tiles from the reports the user may read, newest last in
    each trend, and the latest report's date. Each report is read for the tile
    values it froze (``compared``), not for its whole snapshot: one query."""
    days = PERIODS.get(period, 14)
    reports = selectors.dispatch_reports_for_api(user=user)
    whole = selectors.reads_whole_reports(user=user)
    code = county if whole else selectors.own_county_code(user=user)  # one query, not one a day
    series = _series(reports, code=code, days=days)
    if not series:
        return [], None
    return _tiles_of(series, code=code), dt.date.fromisoformat(series[-1][0])


def body_key(*, user: User, view: dict) -> str | None:
    """The cache key of a dashboard body: the latest report the user may read (its
    date, id and build time), the thresholds' version, and the view of it
    (``view``: the period, the county, the sort, the map, the language…). None
    without a report. Two queries."""
    latest = (
        selectors.dispatch_reports_for_api(user=user)
        .order_by("-on_date")
        .values_list("on_date", "pk", "built_at")
        .first()
    )
    if latest is None:
        return None
    targets = DashboardTargets.objects.order_by("-pk").values_list("pk", flat=True).first()
    parts = [latest[0].isoformat(), latest[1], latest[2].isoformat(), targets]
    parts += [f"{name}={view[name]}" for name in sorted(view)]
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()
    return f"dashboard:{digest}"


def report_tiles(report: DispatchReport, *, days: int = 14) -> list[TileFigure]:
    """The city's tiles as ``report`` froze them, each with its trend over the
    reports up to it (``days`` of them), for its page and its PDF."""
    reports = DispatchReport.objects.filter(on_date__lte=report.on_date).order_by("-on_date")
    return _tiles_of(_series(reports, code=None, days=days), code=None, links=False)


def tile_values(data: dict, *, county: bool) -> dict[str, int | float | None]:
    """Each declared tile's figure in a report's ``data``: the city's totals, or
    (``county``) the one row of a county's part (``selectors.county_data``)."""
    return {
        f"{section.key}.{tile.field}": _value(data, section.key, tile, county)
        for section in dispatch.registered()
        for tile in section.tiles
    }


def _series(reports, *, code: str | None, days: int | None) -> list[tuple[str, dict, dict]]:
    """(date, tile values, tile changes) of the latest ``days`` of ``reports`` (all
    when None), oldest first: read from what each report froze, the city's or the
    county ``code``'s. A report built before reports froze their tiles is read
    whole, its values worked out from its figures, its changes left to the caller."""
    rows = reports.order_by("-on_date").values_list("on_date", "data__compared")
    rows = list(rows[:days] if days else rows)[::-1]
    whole = [day for day, compared in rows if not compared]
    worked = {}
    if whole:
        for day, data in DispatchReport.objects.filter(on_date__in=whole).values_list(
            "on_date", "data"
        ):
            part = selectors.county_data(data, code) if code else data
            worked[day] = tile_values(part, county=code is not None)
    series = []
    for day, compared in rows:
        if compared:
            kept = (
                compared.get("by_county", {}).get(code) if code else compared.get("city")
            ) or {}
            values = {key: figure["value"] for key, figure in kept.items()}
            changes = {key: figure["change"] for key, figure in kept.items()}
        else:
            values, changes = worked[day], {}
        series.append((day.isoformat(), values, changes))
    return series


def _tiles_of(
    series: list[tuple[str, dict, dict]], *, code: str | None, links: bool = True
) -> list[TileFigure]:
    """Each declared tile over ``series`` (date, tile values, tile changes; oldest
    first): the last value, its change since the report before (as the last
    report froze it, else worked out from the points), and the points of its trend."""
    shown = []
    frozen_changes = series[-1][2] if series else {}
    for section in dispatch.registered():
        for tile in section.tiles:
            key = f"{section.key}.{tile.field}"
            points = [(day, v) for day, values, _c in series if (v := values.get(key)) is not None]
            value = points[-1][1] if points and points[-1][0] == series[-1][0] else None
            if key in frozen_changes:
                change = frozen_changes[key] if value is not None else None
            else:
                previous = points[-2][1] if len(points) > 1 and value is not None else None
                change = value - previous if previous is not None else None
            better = None if not change else (change > 0) == tile.higher_is_better
            shown.append(
                TileFigure(
                    key=key,
                    label=str(tile.label),
                    value=value,
                    change=change,
                    better=better,
                    link=_link(tile, code) if tile.link and links else "",
                    points=points,
                )
            )
    return shown


def trend_svg(points: list[tuple[str, float]]) -> str:
    """A small line chart of ``points`` (oldest first), scaled to its own range,
    with the first and last dates under it and the range between them. Empty with
    fewer than two points."""
    if len(points) < 2:
        return ""
    values = [v for _day, v in points]
    low, high = min(values), max(values)
    span = (high - low) or 1
    step = (WIDTH - 2 * PAD) / (len(points) - 1)
    coords = [
        (PAD + i * step, PAD + (HEIGHT - 2 * PAD) * (1 - (v - low) / span))
        for i, v in enumerate(values)
    ]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    last = [(f"{x:.1f}", f"{y:.1f}") for x, y in coords[-1:]]
    dots = format_html_join("", '<circle cx="{}" cy="{}" r="1.8"></circle>', last)
    return format_html(
        '<svg class="trend" viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="{label}">'
        '<polyline points="{line}" fill="none" stroke="currentColor" stroke-width="1.5"></polyline>'
        "{dots}</svg>"
        '<p class="trend-axis"><span>{first}</span><span>{range} {low}–{high}</span><span>{last}</span></p>',
        w=WIDTH,
        h=HEIGHT,
        label=f"{points[0][0]}–{points[-1][0]}",
        line=line,
        dots=dots,
        first=points[0][0][5:],
        last=points[-1][0][5:],
        # Between the two dates, the values' span: named, so that it is not read as a date.
        range=_("range"),
        low=low,
        high=high,
    )


@dataclass
class Cell:
    value: float | None
    colour: str  # "green" | "amber" | "red" | "none"


@dataclass
class CountyRow:
    code: str
    name: str
    cells: dict[str, Cell]

    @property
    def ordered(self) -> list[Cell]:
        """The cells in the measures' order, for the table's columns."""
        return list(self.cells.values())

    @property
    def reds(self) -> int:
        return sum(1 for c in self.cells.values() if c.colour == "red")

    @property
    def ambers(self) -> int:
        return sum(1 for c in self.cells.values() if c.colour == "amber")


def measures() -> list[tuple[str, dispatch.Measure]]:
    """(section key, measure) of every section, in the registry's order."""
    return [(s.key, m) for s in dispatch.registered() for m in s.measures]


def thresholds() -> dict[str, dict]:
    """Each measure's green and amber thresholds: the city's latest, else the defaults."""
    saved = DashboardTargets.objects.order_by("-pk").values_list("thresholds", flat=True).first()
    found = {m.key: {"green": m.green, "amber": m.amber} for _key, m in measures()}
    for key, pair in (saved or {}).items():
        if key in found:
            found[key] = {"green": float(pair["green"]), "amber": float(pair["amber"])}
    return found


def stale_days() -> int:
    """After how many days the report lists a school's data as stale: the city's
    latest setting, else the default."""
    saved = DashboardTargets.objects.order_by("-pk").values_list("stale_days", flat=True).first()
    return saved or DashboardTargets.STALE_DAYS


def colour(measure: dispatch.Measure, value: float | None, pair: dict) -> str:
    if value is None:
        return "none"
    better = (lambda v, t: v >= t) if measure.higher_is_better else (lambda v, t: v <= t)
    if better(value, pair["green"]):
        return "green"
    return "amber" if better(value, pair["amber"]) else "red"


def _county_rows(figures: dict | None) -> dict[str, dict]:
    """A part's rows by county code (rows listed with their code, or keyed by it)."""
    rows = (figures or {}).get("by_county") or []
    if isinstance(rows, dict):
        return rows
    return {row.get("code"): row for row in rows}


def county_table(data: dict, *, sort: str = "", descending: bool = True) -> list[CountyRow]:
    """The counties of a report's ``data`` ranked: by the measure ``sort`` when
    given, else the reddest first. One query (the thresholds; the counties'
    names are in the report)."""
    pairs = thresholds()
    sections = data.get("sections", {})
    counties = _county_rows(sections.get("readiness"))
    table = []
    for code, base in counties.items():
        cells = {}
        for key, measure in measures():
            figures = sections.get(key)
            if isinstance(figures, dict) and measure.within:
                figures = figures.get(measure.within)
            row = _county_rows(figures if isinstance(figures, dict) else None).get(code)
            value = measure.value(row) if row else None
            cells[measure.key] = Cell(value, colour(measure, value, pairs[measure.key]))
        table.append(CountyRow(code=code, name=base.get("name", code), cells=cells))
    return ranked(table, sort=sort, descending=descending)


def latest_table(on_date: dt.date, *, sort: str = "", descending: bool = True) -> list[CountyRow]:
    """The county table of the report of ``on_date`` for the dashboard: the values
    it froze in its ranking, coloured and ranked against today's thresholds (so
    that a change of thresholds shows at once). Two queries. A report built before
    reports froze their ranking is read whole."""
    ranking = (
        DispatchReport.objects.filter(on_date=on_date)
        .values_list("data__ranking", flat=True)
        .first()
    )
    if not ranking:
        data = (
            DispatchReport.objects.filter(on_date=on_date).values_list("data", flat=True).first()
        )
        return county_table(data or {}, sort=sort, descending=descending)
    pairs = thresholds()
    table = []
    for row in ranking.get("rows", []):
        cells = {}
        for _key, measure in measures():
            value = row["cells"].get(measure.key, {}).get("value")
            cells[measure.key] = Cell(value, colour(measure, value, pairs[measure.key]))
        table.append(CountyRow(code=row["code"], name=row["name"], cells=cells))
    return ranked(table, sort=sort, descending=descending)


def ranked(table: list[CountyRow], *, sort: str = "", descending: bool = True) -> list[CountyRow]:
    """By the measure ``sort`` (counties without the figure last), else the reddest
    first, then the most amber, then by code."""
    if table and sort in table[0].cells:
        present = [r for r in table if r.cells[sort].value is not None]
        absent = [r for r in table if r.cells[sort].value is None]
        present.sort(key=lambda r: r.cells[sort].value, reverse=descending)
        return present + absent
    return sorted(table, key=lambda r: (-r.reds, -r.ambers, r.code))


# --- What a report freezes beside its figures ----------------------------------------


def frozen(data: dict, previous: DispatchReport | None) -> dict:
    """What the report keeps beside the sections' figures, so that it reads the
    same whatever comes after: each tile's change since ``previous`` (the city's
    and each county's), and the counties ranked against the thresholds of the day."""
    codes = list(_county_rows(data.get("sections", {}).get("readiness")))
    before = previous.data if previous is not None else None

    def changes(now: dict, then: dict | None, *, county: bool) -> dict:
        series = [("then", tile_values(then, county=county), {})] if then is not None else []
        series.append(("now", tile_values(now, county=county), {}))
        figures = _tiles_of(series, code=None, links=False)
        return {t.key: {"value": t.value, "change": t.change} for t in figures}

    table = county_table(data)
    return {
        "compared": {
            "previous": previous.on_date.isoformat() if previous is not None else None,
            "city": changes(data, before, county=False),
            "by_county": {
                code: changes(
                    selectors.county_data(data, code),
                    selectors.county_data(before, code) if before is not None else None,
                    county=True,
                )
                for code in codes
            },
        },
        "ranking": {
            "thresholds": thresholds(),
            "rows": [
                {
                    "code": row.code,
                    "name": row.name,
                    "cells": {
                        k: {"value": c.value, "colour": c.colour} for k, c in row.cells.items()
                    },
                }
                for row in table
            ],
        },
    }


def frozen_ranking(data: dict) -> list[CountyRow]:
    """The counties as the report ranked them, in its order, with a cell for each
    of today's measures (empty where the report had none)."""
    rows = (data.get("ranking") or {}).get("rows") or []
    keys = [m.key for _section, m in measures()]
    none = {"value": None, "colour": "none"}
    return [
        CountyRow(
            code=row["code"],
            name=row["name"],
            cells={k: Cell(**row["cells"].get(k, none)) for k in keys},
        )
        for row in rows
    ]


@dataclass
class StaleSchool:
    id: int
    code: str
    name: str
    last: list[tuple[str, str | None]]  # (kind's label, date last updated; None: never)


@dataclass
class StaleCounty:
    code: str
    name: str
    count: int
    kinds: list[tuple[str, int]]  # (kind's label, schools)
    schools: list[StaleSchool]

    @property
    def more(self) -> int:
        return self.count - len(self.schools)


def county_names(data: dict) -> dict[str, str]:
    """The report's counties, code → name, in its order."""
    return {
        code: row.get("name", code)
        for code, row in _county_rows(data.get("sections", {}).get("readiness")).items()
    }


def stale_listing(data: dict, *, per_county: int | None = None) -> list[StaleCounty]:
    """The report's stale data by county, in the report's order of counties,
    labelled by today's registry; counties with none left out. ``per_county`` keeps the
    first schools of each county (the longest silent), the counts stay whole."""
    stale = data.get("stale") or {}
    # In the registry's order: the database may keep a JSON object's keys in its own.
    labels = {kind.key: str(kind.label) for kind in dispatch.stale_kinds()}

    def in_order(found: dict) -> list[tuple[str, object]]:
        known = [(labels[k], found[k]) for k in labels if k in found]
        return known + [(k, v) for k, v in found.items() if k not in labels]

    counties = _county_rows(data.get("sections", {}).get("readiness"))
    listed = []
    for code, found in (stale.get("by_county") or {}).items():
        if not found.get("count"):
            continue
        listed.append(
            StaleCounty(
                code=code,
                name=counties.get(code, {}).get("name", code),
                count=found["count"],
                kinds=in_order(found.get("kinds", {})),
                schools=[
                    StaleSchool(
                        id=school["id"],
                        code=school["code"],
                        name=school["name"],
                        last=in_order(school["last"]),
                    )
                    for school in found.get("schools", [])[:per_county]
                ],
            )
        )
    order = {code: i for i, code in enumerate(counties)}
    return sorted(listed, key=lambda c: order.get(c.code, len(order)))


@dataclass
class MapTile:
    row: CountyRow
    cell: Cell
    map_row: int
    map_column: int


def tile_map(table: list[CountyRow], measure: str) -> list[MapTile]:
    """The counties of ``table`` at their places on the map (those with one), each
    coloured by ``measure``. One query."""
    places = {
        code: (row, column)
        for code, row, column in County.objects.filter(map_row__isnull=False).values_list(
            "code", "map_row", "map_column"
        )
    }
    return [
        MapTile(row=r, cell=r.cells[measure], map_row=places[r.code][0],
                map_column=places[r.code][1])
        for r in table
        if r.code in places and measure in r.cells
    ]  # fmt: skip
