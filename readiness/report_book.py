"""A frozen dispatch report as one xlsx workbook: the main figures with their change,
the counties ranked (coloured as on the page), the stale data, and each section's
tables as its ``Sheet`` declarations lay them out. Everything is read from the
snapshot; nothing is recounted.

Written with openpyxl rather than tablib: the ranking's red, amber and green are
cell fills, which tablib's datasets cannot carry.
"""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from . import dashboard, dispatch
from .models import DispatchReport
from .spreadsheets import XLSX_ILLEGAL, neutralise

FILLS = {
    "green": PatternFill("solid", fgColor="C6EFCE"),
    "amber": PatternFill("solid", fgColor="FFEB9C"),
    "red": PatternFill("solid", fgColor="FFC7CE"),
}
TITLE_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


def workbook(report: DispatchReport) -> bytes:
    book = Workbook()
    book.remove(book.active)
    _overview(book, report)
    _ranking(book, report)
    _stale(book, report)
    names = dashboard.county_names(report.data)
    for section in dispatch.registered():
        figures = report.data.get("sections", {}).get(section.key)
        if not isinstance(figures, dict):
            continue
        for sheet in section.sheets:
            _section_sheet(book, sheet, figures, names)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value: object) -> object:
    if isinstance(value, str):
        return neutralise(XLSX_ILLEGAL.sub("", value))
    return value


def _sheet(book: Workbook, title: object, headers: list[object]):
    taken = set(book.sheetnames)
    name = str(title).translate(TITLE_CHARS)[:31] or "-"
    n = 2
    while name in taken:  # two sections may title a sheet alike
        name = f"{str(title)[:28]} {n}"
        n += 1
    sheet = book.create_sheet(name)
    sheet.append([str(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for i, header in enumerate(headers, 1):
        sheet.column_dimensions[get_column_letter(i)].width = max(10, 2 * len(str(header)) + 2)
    return sheet


def _overview(book: Workbook, report: DispatchReport) -> None:
    compared = report.data.get("compared") or {}
    previous = compared.get("previous")
    sheet = _sheet(
        book,
        _("Main figures"),
        [
            _("Figure"),
            _("Value"),
            _("Change since %(day)s") % {"day": previous} if previous else _("Change"),
        ],
    )
    for tile in dashboard.report_tiles(report):
        sheet.append([_cell(tile.label), tile.value, tile.change])
    sheet.append([])
    sheet.append([_("Report date"), report.on_date.isoformat()])
    sheet.append([_("Built at"), f"{report.built_at:%Y-%m-%d %H:%M}"])
    for key, kind in (report.data.get("failed") or {}).items():
        sheet.append([_("Not built"), _cell(key), _cell(kind)])


def _ranking(book: Workbook, report: DispatchReport) -> None:
    rows = dashboard.frozen_ranking(report.data)
    if not rows:
        return
    measures = [m for _section, m in dashboard.measures()]
    sheet = _sheet(
        book, _("Counties, ranked"), [_("Rank"), _("County"), *(m.label for m in measures)]
    )
    for place, row in enumerate(rows, 1):
        sheet.append([place, _cell(row.name), *(cell.value for cell in row.ordered)])
        for column, cell in enumerate(row.ordered, 3):
            if cell.colour in FILLS:
                sheet.cell(row=place + 1, column=column).fill = FILLS[cell.colour]


def _stale(book: Workbook, report: DispatchReport) -> None:
    stale = report.data.get("stale")
    if not stale:
        return
    kinds = [(k.key, str(k.label)) for k in dispatch.stale_kinds()]
    sheet = _sheet(
        book,
        _("Stale data"),
        [_("County"), _("School code"), _("School"), *(label for _key, label in kinds)],
    )
    never = _("never")
    for county in dashboard.stale_listing(report.data):
        by_label = {label: key for key, label in kinds}
        for school in county.schools:
            last = {by_label.get(label, label): day for label, day in school.last}
            sheet.append(
                [
                    _cell(county.name),
                    _cell(school.code),
                    _cell(school.name),
                    *((last[key] or never) if key in last else "" for key, _label in kinds),
                ]
            )
        if county.more:
            sheet.append([_cell(county.name), "", _("And %(n)s more") % {"n": county.more}])


def _section_sheet(book: Workbook, declared: dispatch.Sheet, figures: dict, names: dict) -> None:
    part = figures.get(declared.within) if declared.within else figures
    rows = part.get(declared.rows) if isinstance(part, dict) else None
    if isinstance(rows, dict):  # kept by county code, only the counties with any
        fields = [c.field for c in declared.columns]
        rows = [{"code": code, **dict.fromkeys(fields, 0), **rows.get(code, {})} for code in names]
    if not isinstance(rows, list):
        return
    by_county = declared.rows == "by_county"
    headers = [_("County")] if by_county else []
    sheet = _sheet(book, declared.title, [*headers, *(c.label for c in declared.columns)])
    for row in rows:
        county = [_cell(row.get("name") or names.get(row.get("code"), row.get("code")))]
        values = [_cell(row.get(c.field)) for c in declared.columns]
        sheet.append([*(county if by_county else []), *values])
