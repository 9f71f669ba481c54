"""The task force's dashboard: the figures the report sections declare as tiles,
each with its change since the previous report and its trend over the last days,
read from the frozen reports (never recounted here), for the city or one county.

The trend is drawn here as SVG, server-side: a polyline and two labels are a few
lines of arithmetic, and a chart library would mean JavaScript from a CDN.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.html import format_html, format_html_join

from . import dispatch, selectors
from .models import County, DashboardTargets, DispatchReport, User

PERIODS = {"14": 14, "30": 30, "all": None}
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
) -> tuple[list[TileFigure], DispatchReport | None]:
    """The dashboard's tiles from the reports the user may read (one query), newest
    last in each trend."""
    days = PERIODS.get(period, 14)
    reports = selectors.dispatch_reports_for_api(user=user)
    reports = list(reports[:days] if days else reports)[::-1]
    if not reports:
        return [], None
    whole = selectors.reads_whole_reports(user=user)
    code = county if whole else selectors.own_county_code(user=user)  # one query, not one a day
    if code is None:
        data = [(r.on_date.isoformat(), r.data) for r in reports]
    else:
        data = [(r.on_date.isoformat(), selectors.county_data(r.data, code)) for r in reports]
    return _tiles_of(data, county=code is not None, code=code), reports[-1]


def report_tiles(report: DispatchReport, *, days: int = 14) -> list[TileFigure]:
    """The city's tiles as ``report`` froze them, each with its trend over the
    reports up to it (``days`` of them), for its page and its PDF. A report built
    before it froze its changes shows them worked out from the reports before."""
    reports = DispatchReport.objects.filter(on_date__lte=report.on_date).order_by("-on_date")
    data = [(r.on_date.isoformat(), r.data) for r in list(reports[:days])[::-1]]
    worked = _tiles_of(data, county=False, code=None, links=False)
    kept = {t.key: t for t in frozen_tiles(report.data)}
    for tile in worked:
        if tile.key in kept:
            tile.value, tile.change, tile.better = (
                kept[tile.key].value,
                kept[tile.key].change,
                kept[tile.key].better,
            )
    return worked


def _tiles_of(
    data: list[tuple[str, dict]], *, county: bool, code: str | None, links: bool = True
) -> list[TileFigure]:
    """Each declared tile over ``data`` (oldest first): the last value, its change
    since the one before, and the points of its trend."""
    shown = []
    for section in dispatch.registered():
        for tile in section.tiles:
            points = [
                (day, value)
                for day, figures in data
                if (value := _value(figures, section.key, tile, county)) is not None
            ]
            value = points[-1][1] if points and points[-1][0] == data[-1][0] else None
            previous = points[-2][1] if len(points) > 1 and value is not None else None
            change = value - previous if previous is not None else None
            better = None if not change else (change > 0) == tile.higher_is_better
            shown.append(
                TileFigure(
                    key=f"{section.key}.{tile.field}",
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
    with the first and last dates under it. Empty with fewer than two points."""
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
        '<p class="trend-axis"><span>{first}</span><span>{low}–{high}</span><span>{last}</span></p>',
        w=WIDTH,
        h=HEIGHT,
        label=f"{points[0][0]}–{points[-1][0]}",
        line=line,
        dots=dots,
        first=points[0][0][5:],
        last=points[-1][0][5:],
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
        series = [("then", then)] if then is not None else []
        figures = _tiles_of([*series, ("now", now)], county=county, code=None, links=False)
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


def frozen_tiles(data: dict, *, county: str | None = None) -> list[TileFigure]:
    """The tiles as the report froze them (the city's, or one county's), labelled
    by today's registry; empty for a report built before it kept them."""
    compared = data.get("compared") or {}
    kept = compared.get("by_county", {}).get(county) if county else compared.get("city")
    if kept is None:
        return []
    shown = []
    for section in dispatch.registered():
        for tile in section.tiles:
            key = f"{section.key}.{tile.field}"
            if key not in kept:
                continue
            change = kept[key]["change"]
            shown.append(
                TileFigure(
                    key=key,
                    label=str(tile.label),
                    value=kept[key]["value"],
                    change=change,
                    better=None if not change else (change > 0) == tile.higher_is_better,
                    link="",
                )
            )
    return shown


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


def stale_listing(data: dict) -> list[StaleCounty]:
    """The report's stale data by county, in the report's order of counties,
    labelled by today's registry; counties with none left out."""
    stale = data.get("stale") or {}
    labels = {kind.key: str(kind.label) for kind in dispatch.stale_kinds()}
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
                kinds=[(labels.get(k, k), n) for k, n in found.get("kinds", {}).items()],
                schools=[
                    StaleSchool(
                        id=school["id"],
                        code=school["code"],
                        name=school["name"],
                        last=[(labels.get(k, k), day) for k, day in school["last"].items()],
                    )
                    for school in found.get("schools", [])
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
