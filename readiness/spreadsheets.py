"""Reading and writing spreadsheets the way the city's offices write them.

CSV comes from Chinese office software as UTF-8 (with or without BOM) or as
GB18030/GBK; xlsx is read with openpyxl through tablib. Exported cells that a
spreadsheet program would run as a formula are neutralised.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO, StringIO
from pathlib import PurePath

import openpyxl
import tablib
from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from import_export.formats import base_formats
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Characters an xlsx file cannot hold (openpyxl refuses the whole file).
XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class SpreadsheetError(ValueError):
    """A file that cannot be read as a spreadsheet; the message is for the user."""


def csv_encoding(head: bytes) -> str:
    """The encoding of csv text from its first bytes: UTF-8 (with or without BOM)
    when they decode as such, GB18030 (a superset of GBK) otherwise. A character
    cut at the end of ``head`` is not held against UTF-8."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"


def encoding_error() -> SpreadsheetError:
    return SpreadsheetError(
        _("The file's text encoding is not recognised: save it as UTF-8 or GBK CSV, or xlsx.")
    )


def decode_text(data: bytes) -> str:
    try:
        return data.decode(csv_encoding(data))
    except UnicodeDecodeError:
        raise encoding_error() from None


def neutralise(value: object) -> object:
    """Prefix text a spreadsheet would treat as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    clean = tablib.Dataset(headers=dataset.headers)
    for row in dataset:
        clean.append(
            [neutralise(XLSX_ILLEGAL.sub("", c) if isinstance(c, str) else c) for c in row]
        )
    return clean


class CSV(base_formats.CSV):
    """CSV that decodes its own bytes, so the admin and the pages read GBK alike."""

    def is_binary(self) -> bool:
        return True

    def get_read_mode(self) -> str:
        return "rb"

    def create_dataset(self, in_stream, **kwargs) -> tablib.Dataset:
        text = decode_text(in_stream) if isinstance(in_stream, bytes) else in_stream
        return tablib.import_set(text, format="csv", **kwargs)

    def export_data(self, dataset, **kwargs):
        # UTF-8 with BOM: Excel on Chinese Windows opens it without garbling.
        text = neutralise_dataset(dataset).export("csv", **kwargs)
        return "\ufeff" + text


class XLSX(base_formats.XLSX):
    def create_dataset(self, in_stream, **kwargs) -> tablib.Dataset:
        check_xlsx_archive(in_stream)  # the admin's import reads here, unchecked otherwise
        dataset = super().create_dataset(in_stream, **kwargs)
        # Excel keeps formatted but empty rows at the end of a sheet: not data.
        while len(dataset) and _blank(dataset[-1]):
            del dataset[-1]
        return dataset

    def export_data(self, dataset, **kwargs):
        return neutralise_dataset(dataset).export("xlsx", **kwargs)


FORMATS = {"csv": CSV, "xlsx": XLSX}


@dataclass
class Sheet:
    dataset: tablib.Dataset
    format: str  # "csv" | "xlsx"
    # The row number users see in their program for each data row: blank rows
    # are left out of the dataset but still counted.
    line_numbers: list[int]

    def line(self, index: int) -> int:
        """The file's row number of data row ``index`` (1-based, as import-export counts)."""
        return self.line_numbers[index - 1]


def sniff_format(name: str, data: bytes) -> str:
    """Which reader fits the bytes; the name only breaks ties."""
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                if "[Content_Types].xml" in archive.namelist():
                    return "xlsx"
        except zipfile.BadZipFile:
            pass
        raise SpreadsheetError(_("The file is not a spreadsheet: upload an xlsx or csv file."))
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise SpreadsheetError(
            _("Old Excel files (.xls) are not supported: save the file as xlsx and try again.")
        )
    if b"\x00" in data[:4096] or PurePath(name).suffix.lower() in {".pdf", ".png", ".jpg", ".doc"}:
        raise SpreadsheetError(_("The file is not a spreadsheet: upload an xlsx or csv file."))
    return "csv"


def check_xlsx_archive(source) -> None:
    """Refuses an xlsx (a zip) whose members would unpack to an absurd size, or
    at an absurd ratio, before any of it is decompressed. ``source`` is the
    file's bytes or a seekable binary file."""
    stream = BytesIO(source) if isinstance(source, bytes | bytearray) else source
    position = stream.tell()
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise SpreadsheetError(
            _("The file is not a spreadsheet: upload an xlsx or csv file.")
        ) from None
    finally:
        stream.seek(position)
    unpacked = sum(m.file_size for m in members)
    ratio = max(
        (
            m.file_size / m.compress_size
            for m in members
            if m.compress_size and m.file_size > 2**20
        ),
        default=0,
    )
    if unpacked > settings.XLSX_MAX_UNPACKED_BYTES or ratio > XLSX_MAX_RATIO:
        raise SpreadsheetError(
            _("The xlsx file would unpack to %(size)d MB: it is refused unopened.")
            % {"size": unpacked // (1024 * 1024)}
        )


# Spreadsheet XML compresses well, but not a thousandfold: beyond this, a bomb.
XLSX_MAX_RATIO = 200


def too_many_rows(limit: int) -> SpreadsheetError:
    return SpreadsheetError(
        _("The file has more than %(rows)d rows: import at most %(rows)d at a time.")
        % {"rows": limit}
    )


def _rows_within(rows, limit: int) -> list[list]:
    """The rows of a reader, the header included, refusing past ``limit`` data rows
    without reading further."""
    kept = []
    for row in rows:
        if len(kept) > limit:
            raise too_many_rows(limit)
        kept.append(list(row))
    return kept


def _xlsx_rows(data: bytes):
    book = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=True)
    try:
        yield from book.active.iter_rows(values_only=True)
    finally:
        book.close()


def read_sheet(name: str, data: bytes) -> Sheet:
    """Parses an uploaded file into a Dataset, or raises SpreadsheetError.

    At most ``settings.SCHOOL_IMPORT_MAX_ROWS`` data rows: an xlsx is read as a
    stream (openpyxl read-only) and reading stops at the first row past it."""
    if len(data) > settings.UPLOAD_MAX_BYTES:
        raise SpreadsheetError(
            _("The file is larger than %(size)d MB.")
            % {"size": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}
        )
    if not data.strip(b" \r\n\t\xef\xbb\xbf"):
        raise SpreadsheetError(_("The file is empty."))
    fmt = sniff_format(name, data)
    limit = settings.SCHOOL_IMPORT_MAX_ROWS
    try:
        if fmt == "csv":
            # StringIO, not splitlines(): that would also split on \x0b, \x1c and friends.
            rows = _rows_within(csv.reader(StringIO(decode_text(data), newline="")), limit)
        else:
            check_xlsx_archive(data)
            rows = _rows_within(_xlsx_rows(data), limit)
    except SpreadsheetError:
        raise
    except Exception:  # csv, tablib and openpyxl raise many kinds of errors on broken input
        raise SpreadsheetError(
            _("The file could not be read as a spreadsheet: upload an xlsx or csv file.")
        ) from None
    return _sheet(rows, fmt)


def _blank(row: list) -> bool:
    return all(cell is None or str(cell).strip() == "" for cell in row)


def _sheet(rows: list[list], fmt: str) -> Sheet:
    """Drops blank rows, remembering each data row's number in the file."""
    if not rows or _blank(rows[0]):
        raise SpreadsheetError(_("The file has no header row."))
    header = [str(cell or "").strip() for cell in rows[0]]
    while header and not header[-1]:
        header.pop()
    dataset = tablib.Dataset(headers=header)
    line_numbers = []
    for number, row in enumerate(rows[1:], start=2):
        if _blank(row):
            continue
        if len(row) > len(header) and not _blank(row[len(header) :]):
            raise SpreadsheetError(
                _("Row %(row)d has more cells than the header row has columns.") % {"row": number}
            )
        dataset.append((list(row) + [""] * len(header))[: len(header)])
        line_numbers.append(number)
    if not len(dataset):
        raise SpreadsheetError(_("The file has a header row but no data rows."))
    return Sheet(dataset=dataset, format=fmt, line_numbers=line_numbers)


def export_bytes(dataset: tablib.Dataset, fmt: str) -> bytes:
    data = FORMATS[fmt]().export_data(dataset)
    return data.encode("utf-8") if isinstance(data, str) else data


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def spreadsheet_response(
    dataset: tablib.Dataset, fmt: str, stem: str, *, stamped: bool = True
) -> HttpResponse:
    """A download of ``dataset`` (formula cells neutralised), named stem-YYYYmmdd-HHMM."""
    name = f"{stem}-{timezone.localtime():%Y%m%d-%H%M}" if stamped else stem
    response = HttpResponse(export_bytes(dataset, fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.{fmt}")
    return response


@dataclass(frozen=True)
class Column:
    """One column of an export: its header (translated at use) and how a row gives its cell."""

    header: object
    value: Callable[[object], object]


def dataset_of(rows: Iterable[object], columns: Sequence[Column]) -> tablib.Dataset:
    """An export in the user's language: one line per row, read once, in order."""
    dataset = tablib.Dataset(headers=[str(c.header) for c in columns])
    for row in rows:
        dataset.append([c.value(row) for c in columns])
    return dataset


def local_time(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A moment as the city reads it (Asia/Shanghai); empty when there is none."""
    return timezone.localtime(value).strftime(fmt) if value else ""


def iso_date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def template_response(
    *,
    stem: str,
    sheet: str,
    headers: Sequence[str],
    example: Sequence[object],
    text_columns: Sequence[str] = (),
    example_sheet: str,
) -> HttpResponse:
    """A spreadsheet to fill, as an office suite should open it: the first sheet
    (the one imported) named ``sheet`` with the headers and the ``text_columns``
    formatted as text, so that an identity number or a code keeps its digits; a
    second sheet ``example_sheet`` with the headers and one example row.

    Written with openpyxl rather than tablib: tablib cannot format a column."""
    book = openpyxl.Workbook()
    data = book.active
    data.title = sheet[:31]
    shown = book.create_sheet(example_sheet[:31])
    bold = Font(bold=True)
    for ws, rows in ((data, [headers]), (shown, [headers, example])):
        for row in rows:
            ws.append([neutralise(v) for v in row])
        for index, header in enumerate(headers, start=1):
            letter = get_column_letter(index)
            ws.cell(row=1, column=index).font = bold
            ws.column_dimensions[letter].width = max(10, 2 * len(str(header)) + 4)
            if header in text_columns:
                ws.column_dimensions[letter].width = 22
                # The column's own format, for the rows typed or pasted later…
                ws.column_dimensions[letter].number_format = "@"
                for cells in ws.iter_rows(min_row=2, max_row=1000, min_col=index, max_col=index):
                    for cell in cells:  # …and each cell's, which office suites read first
                        cell.number_format = "@"
    book.active = 0
    out = BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = content_disposition_header(True, f"{stem}.xlsx")
    return response
