"""Streaming import of person files (一人一档), millions of rows at a time.

django-import-export holds the dataset and its results in memory and writes
row by row (a few thousand rows a second); for 2.7 million rows this module
does the job instead. It reads the file as a stream and checks each row on its
own. On PostgreSQL a file of new people is then written straight into the
ledger by one COPY, fed while the rows are being checked; the ledger's unique
index refuses a number given twice or already on file. Whatever goes wrong
undoes that, and the file is read again the thorough way, the way updates and
SQLite always take: the good rows go into a staging table, what needs the whole
file is checked in SQL (duplicates, school codes in scope, numbers already on
file), every problem is reported, and a clean file is moved into the ledger in
one statement. Either way, inside one transaction: the whole file or nothing.
Memory stays flat: only a batch of rows and the first errors are held.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import itertools
import operator
import re
import zipfile
from collections.abc import Callable, Iterator

import openpyxl
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from readiness.access import scope_of
from readiness.imports import Headers, ImportOutcome, choice_spellings
from readiness.models import User
from readiness.selectors import school_list
from readiness.spreadsheets import (
    SpreadsheetError,
    check_xlsx_archive,
    csv_encoding,
    encoding_error,
    too_many_rows,
)

from . import idcard, screening
from .models import Person

BATCH = 20_000
PASSED_CELLS = 5_000  # per column: what the checker remembers of cells that passed
KEEP_ERRORS = 500  # shown on the page; the report file holds them all

# Column key -> (Chinese header, English header)
COLUMNS: dict[str, tuple[str, str]] = {
    "school_code": ("学校代码", "school_code"),
    "kind": ("类别", "kind"),
    "name": ("姓名", "name"),
    "id_number": ("身份证号", "id_number"),
    "grade": ("年级", "grade"),
    "class_name": ("班级", "class_name"),
    "study_mode": ("就读方式", "study_mode"),
    "origin": ("生源地", "origin"),
    "whereabouts": ("当前所在地", "whereabouts"),
    "returned": ("是否返校", "returned"),
    "returned_on": ("返校日期", "returned_on"),
    "health": ("健康状况", "health"),
    "screened_on": ("排查日期", "screened_on"),
    "note": ("备注", "note"),
}
REQUIRED = ("school_code", "kind", "name", "id_number")
# The example row of the template (its second sheet): a valid, made-up student.
TEMPLATE_EXAMPLE = {
    "school_code": "3713020001",
    "kind": "学生",
    "name": "张小明",
    "id_number": "371302201209010010",
    "grade": "三年级",
    "class_name": "2班",
    "study_mode": "走读",
    "origin": "本县区",
    "whereabouts": "本地",
    "returned": "是",
    "returned_on": "2020-05-11",
    "health": "正常",
    "screened_on": "2020-05-08",
    "note": "此行为示例",
}
# How an office suite shows a long number it has stored as a number: 3.71325201512214E+17.
NUMBER_AS_FLOAT = re.compile(r"\d(\.\d+)?[eE]\+?\d+")
STORED_AS_NUMBER = "stored-as-number"  # the row's mark; the file gets one message
FIELDS = (
    "line", "school_code", "kind", "name", "id_number", "gender", "birth_date", "grade",
    "class_name", "study_mode", "origin", "whereabouts", "returned", "returned_on", "health",
    "screened_on", "note",
)  # fmt: skip


HEADERS = Headers(COLUMNS, required=REQUIRED)


def header_label(key: str) -> str:
    return HEADERS.label(key)


EXTRA_WORDS = {
    "kind": {"教职工": "staff", "教师": "staff", "学生": "student"},
    "study_mode": {"走读": "day", "寄宿": "boarding"},
    "origin": {
        "本县区": "county",
        "本县": "county",
        "市内其他县区": "city",
        "外省": "province",
        "省外": "province",
        "境外": "abroad",
    },
    "whereabouts": {
        "本地": "local",
        "市外": "out_city",
        "市外省内": "out_city",
        "省外": "out_province",
        "境外": "abroad",
    },
    "health": {
        "正常": "normal",
        "有症状": "symptoms",
        "医学观察": "observation",
        "隔离观察": "observation",
        "确诊": "confirmed",
    },
}


def iter_rows(handle) -> Iterator[list]:
    """Rows of a csv or xlsx file, the header first, read as a stream."""
    head = handle.read(65536)
    handle.seek(0)
    if not head.strip(b" \r\n\t\xef\xbb\xbf"):
        raise SpreadsheetError(_("The file is empty."))
    if head[:4] == b"PK\x03\x04":
        check_xlsx_archive(handle)
        try:
            book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError):
            raise SpreadsheetError(
                _("The file is not a spreadsheet: upload an xlsx or csv file.")
            ) from None
        try:
            for row in book.active.iter_rows(values_only=True):
                yield list(row)
        finally:
            book.close()
        return
    if b"\x00" in head:
        raise SpreadsheetError(_("The file is not a spreadsheet: upload an xlsx or csv file."))
    text = io.TextIOWrapper(handle, encoding=csv_encoding(head), newline="")
    try:
        yield from csv.reader(text)
    except UnicodeDecodeError:
        raise encoding_error() from None
    finally:
        text.detach()


# --- one row ---------------------------------------------------------------------------

DATE_RE = re.compile(r"^(\d{4})\D?(\d{1,2})\D?(\d{1,2})\D?$")
EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(value: object) -> dt.date | None:
    """2020-03-26, 2020/3/26, 20200326, 2020年3月26日, a real date, or an Excel serial."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and 1 < value < 80000:
        return EXCEL_EPOCH + dt.timedelta(days=int(value))
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        try:  # the usual ISO form, read in C
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    text = idcard.normalise(value)
    if re.fullmatch(r"\d{5}(\.0+)?", text):  # an Excel serial written as text
        return EXCEL_EPOCH + dt.timedelta(days=int(float(text)))
    match = DATE_RE.match(text)
    if not match:
        raise ValueError
    return dt.date(*(int(g) for g in match.groups()))


class RowChecker:
    """Checks one row at a time; nothing here depends on other rows.

    The choices and dates of a file repeat on every row: a cell that passed its
    column's check is remembered (up to PASSED_CELLS a column) and not checked
    again. A cell that failed is checked, and reported, on each row it is on."""

    # Column -> the value of a blank cell, for the columns checked against a list.
    CHOICE_DEFAULTS = {
        "kind": "", "study_mode": "", "origin": "county", "whereabouts": "local",
        "health": "normal",
    }  # fmt: skip

    def __init__(self) -> None:
        self.today = timezone.localdate()
        self.choices = {
            "kind": {**choice_spellings(Person.Kind.choices), **EXTRA_WORDS["kind"]},
            "study_mode": {
                **choice_spellings(Person.StudyMode.choices),
                **EXTRA_WORDS["study_mode"],
            },
            "origin": {**choice_spellings(Person.Origin.choices), **EXTRA_WORDS["origin"]},
            "whereabouts": {
                **choice_spellings(Person.Whereabouts.choices),
                **EXTRA_WORDS["whereabouts"],
            },
            "health": {**choice_spellings(Person.Health.choices), **EXTRA_WORDS["health"]},
        }
        self.yes = {"是", "y", "yes", "true", "1", "已返校"}
        self.no = {"否", "n", "no", "false", "0", "未返校", ""}
        self.passed: dict[str, dict] = {
            key: {} for key in (*self.CHOICE_DEFAULTS, "returned_on", "screened_on")
        }

    @staticmethod
    def text(values: dict, errors: list, key: str, size: int, required: bool = False) -> str:
        value = values.get(key)
        if value.__class__ is str:
            out = value.strip()
        elif value is None:
            out = ""
        else:
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            out = str(value).strip()
        if required and not out:
            errors.append((key, _("This column may not be empty.")))
        if len(out) > size:
            errors.append((key, _("At most %(n)d characters.") % {"n": size}))
            return out[:size]
        return out

    def _remembered(self, values: dict, errors: list, key: str, check: Callable) -> object:
        value = values.get(key)
        cell = (value.__class__, value)  # 1 and True are equal keys, not equal cells
        passed = self.passed[key]
        if cell in passed:
            return passed[cell]
        before = len(errors)
        result = check(values, errors, key)
        if len(errors) == before and len(passed) < PASSED_CELLS:
            passed[cell] = result
        return result

    def choice(self, values: dict, errors: list, key: str) -> str:
        return self._remembered(values, errors, key, self._choice)

    def _choice(self, values: dict, errors: list, key: str) -> str:
        default = self.CHOICE_DEFAULTS[key]
        raw = self.text(values, errors, key, 30)
        if not raw:
            return default
        found = self.choices[key].get(raw.lower()) or self.choices[key].get(raw)
        if found is None:
            errors.append((key, _("Unknown value “%(value)s”.") % {"value": raw}))
        return found or default

    def date(self, values: dict, errors: list, key: str) -> dt.date | None:
        return self._remembered(values, errors, key, self._date)

    def _date(self, values: dict, errors: list, key: str) -> dt.date | None:
        try:
            value = parse_date(values.get(key))
        except ValueError:
            errors.append((key, _("“%(value)s” is not a date.") % {"value": values.get(key)}))
            return None
        if value and value > self.today:
            errors.append((key, _("The date is in the future.")))
        return value

    def check(self, values: dict) -> tuple[tuple | None, list[tuple[str, str]]]:
        errors: list[tuple[str, str]] = []
        text, choice = self.text, self.choice
        school_code = text(values, errors, "school_code", 10, required=True)
        if isinstance(values.get("school_code"), float):
            school_code = str(int(values["school_code"]))
        kind = choice(values, errors, "kind")
        if not kind:
            errors.append(("kind", _("This column may not be empty.")))
        name = text(values, errors, "name", 50, required=True)
        raw_number = values.get("id_number")
        if (isinstance(raw_number, int | float) and not isinstance(raw_number, bool)) or (
            isinstance(raw_number, str) and NUMBER_AS_FLOAT.fullmatch(raw_number.strip())
        ):
            # The spreadsheet kept the number as a number: its last digits are gone.
            errors.append(("id_number", STORED_AS_NUMBER))
            return None, errors
        number = idcard.normalise(raw_number)
        birth, gender = None, ""
        if not number:
            errors.append(("id_number", _("This column may not be empty.")))
        else:
            try:
                birth, gender = idcard.parse(number, today=self.today)
            except idcard.InvalidIdNumber as error:
                errors.append(("id_number", str(error)))
        returned_raw = text(values, errors, "returned", 10).lower()
        if returned_raw in self.yes:
            returned = True
        elif returned_raw in self.no:
            returned = False
        else:
            errors.append(
                (
                    "returned",
                    _("Write 是 or 否 (yes or no), not “%(value)s”.") % {"value": returned_raw},
                )
            )
            returned = False
        returned_on = self.date(values, errors, "returned_on")
        if returned_on and not returned:
            errors.append(("returned_on", _("A return date needs 是 in the returned column.")))
        record = (
            school_code, kind, name, number, gender, birth,
            text(values, errors, "grade", 20), text(values, errors, "class_name", 20),
            choice(values, errors, "study_mode"), choice(values, errors, "origin"),
            choice(values, errors, "whereabouts"), returned, returned_on,
            choice(values, errors, "health"), self.date(values, errors, "screened_on"),
            text(values, errors, "note", 200),
        )  # fmt: skip
        return (None if errors else record), errors


# --- the staging table --------------------------------------------------------------------

STAGING = "person_import_staging"
PERSON = Person._meta.db_table
STAGING_SQL = f"""
CREATE TEMPORARY TABLE {STAGING} (
    line integer NOT NULL, school_code varchar(10) NOT NULL, kind varchar(8) NOT NULL,
    name varchar(50) NOT NULL, id_number varchar(18) NOT NULL, gender varchar(1) NOT NULL,
    birth_date date NOT NULL, grade varchar(20) NOT NULL, class_name varchar(20) NOT NULL,
    study_mode varchar(8) NOT NULL, origin varchar(8) NOT NULL, whereabouts varchar(12) NOT NULL,
    returned boolean NOT NULL, returned_on date NULL, health varchar(12) NOT NULL,
    screened_on date NULL, note varchar(200) NOT NULL
)"""


# The staging rows go to COPY as CSV, written by the csv module (in C): a row of
# Python values joined and escaped value by value cost a quarter of the import. An
# unquoted empty field is NULL (the dates left blank); the text columns are NOT NULL,
# so FORCE_NOT_NULL reads their empty fields as empty text.
NOT_NULL_TEXT = (
    "school_code", "kind", "name", "id_number", "gender", "grade", "class_name",
    "study_mode", "origin", "whereabouts", "health", "note",
)  # fmt: skip
COPY_SQL = (
    f"COPY {STAGING} ({', '.join(FIELDS)}) FROM STDIN "
    f"WITH (FORMAT csv, FORCE_NOT_NULL ({', '.join(NOT_NULL_TEXT)}))"
)


class _CopyStream:
    """The checked rows as a file that COPY FROM STDIN reads: each read checks and
    writes the next rows. The server stores what it has received while the next
    rows are being checked, so the file is read and loaded at once, on two cores,
    instead of in turns, a batch at a time.

    A file refused while it is read (too many rows, an unknown encoding) must not
    reach psycopg2, which would turn the error into a cancelled COPY: the stream
    ends there and keeps the error for ``_copy`` to raise."""

    ROWS_PER_READ = 1000

    def __init__(self, records: Iterator[tuple]):
        self.records = records
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\n")
        self.failure: Exception | None = None

    def read(self, size: int = -1) -> str:
        self.buffer.seek(0)
        self.buffer.truncate()
        try:
            self.writer.writerows(itertools.islice(self.records, self.ROWS_PER_READ))
        except Exception as error:  # raised again by _copy, once COPY has ended
            self.failure = error
            return ""
        return self.buffer.getvalue()


LEDGER_COLUMNS = (
    "school_id", "kind", "name", "id_number", "gender", "birth_date", "grade", "class_name",
    "study_mode", "origin", "whereabouts", "returned", "returned_on", "health", "screened_on",
    "note",
)  # fmt: skip
LEDGER_COPY_SQL = (
    f"COPY {PERSON} ({', '.join(LEDGER_COLUMNS)}) FROM STDIN WITH (FORMAT csv, "
    f"FORCE_NOT_NULL ({', '.join(c for c in NOT_NULL_TEXT if c != 'school_code')}))"
)


def _copy(cursor, sql: str, records: Iterator[tuple]) -> None:
    """COPY of the records as they come, read by ``_CopyStream``."""
    stream = _CopyStream(records)
    with connection.wrap_database_errors:  # a unique violation is an IntegrityError
        cursor.copy_expert(sql, stream)
    if stream.failure is not None:
        raise stream.failure


def _stage(cursor, records: Iterator[tuple]) -> None:
    """Loads the checked rows into the staging table as they come."""
    if connection.vendor == "postgresql":
        _copy(cursor, COPY_SQL, records)
        return
    insert = (
        f"INSERT INTO {STAGING} ({', '.join(FIELDS)}) VALUES ({', '.join(['%s'] * len(FIELDS))})"
    )
    while batch := list(itertools.islice(records, BATCH)):
        cursor.executemany(insert, batch)


class _NotClean(Exception):
    """The file has a problem: the direct load stops, and is undone, for the staged
    one, which finds and reports every problem."""


def _scope_sql(user: User) -> tuple[str, list]:
    """SQL condition on school (alias sc) for the schools whose files the user may write."""
    scope = scope_of(user)
    if scope.level == "city":
        return "TRUE", []
    if scope.level == "county":
        return "sc.county_id = %s", [scope.county_id]
    if scope.level == "school":
        return "sc.id = %s", [scope.school_id]
    return "1 = 0", []


# --- the whole import ------------------------------------------------------------------------


class PersonImporter:
    """Imports one file for one user. ``run`` must not be called inside a transaction
    that should survive a refused file: it rolls back everything it did."""

    def __init__(
        self, *, user: User, upsert: bool = False, progress: Callable[[int], None] | None = None
    ):
        self.user = user
        self.upsert = upsert
        self.progress = progress or (lambda rows: None)
        self._start()

    def _start(self) -> None:
        self.outcome = ImportOutcome(keep=KEEP_ERRORS)
        self.reported: list[tuple[int, str, str]] = []  # what the report lists
        self.as_number: list[tuple[int, str]] = []  # (line, as the spreadsheet shows it)

    def _as_number(self, line: int, raw: object) -> None:
        """An identity number kept as a number: counted, said once for the file."""
        shown = f"{raw:.15G}" if isinstance(raw, int | float) else str(raw).strip()
        self.as_number.append((line, shown))

    def error(self, line: int, column: str, message: str) -> None:
        label = header_label(column) if column else ""
        self.outcome.add_error(line, label, message)
        # The report keeps the first problems; its last line counts the rest.
        if self.outcome.error_count <= settings.IMPORT_MAX_REPORTED_ERRORS:
            self.reported.append((line, label, message))

    def run(self, handle) -> ImportOutcome:
        try:
            with transaction.atomic():
                self._run(handle)
                if not self.outcome.ok:
                    transaction.set_rollback(True)
        except SpreadsheetError as error:
            self.error(0, "", str(error))
        # Problems are found row by row, then over the whole file (a number given
        # twice, a school out of scope): both are shown in the file's order, as the
        # user corrects it. The sort is stable: a row's problems keep their order.
        self.outcome.errors.sort(key=lambda error: error.row or 0)
        self.reported.sort(key=lambda entry: entry[0])
        report = io.StringIO()
        writer = csv.writer(report)
        writer.writerow([_("Row"), _("Column"), _("Problem")])
        writer.writerows(self.reported)
        left = self.outcome.error_count - settings.IMPORT_MAX_REPORTED_ERRORS
        if left > 0:
            writer.writerow(
                ["", "", _("…and %(count)d more problems, not listed.") % {"count": left}]
            )
        self.outcome.report = b"\xef\xbb\xbf" + report.getvalue().encode("utf-8")
        if not self.outcome.ok:
            self.outcome.written = 0
        return self.outcome

    def _run(self, handle) -> None:
        """A new file of new people goes straight into the ledger (PostgreSQL): one
        COPY, written while the rows are checked. Whatever that finds wrong (a
        bad row, a school outside the user's scope, a number twice or already on
        file) undoes it, and the file is read again through the staging table,
        which reports every problem. Updates, and SQLite, always go that way."""
        if connection.vendor == "postgresql" and not self.upsert:
            try:
                with transaction.atomic():
                    self._read(handle, self._load_directly)
                return
            except (_NotClean, IntegrityError):
                handle.seek(0)
                self._start()
        self._read(handle, self._load_staged)

    def _read(self, handle, load: Callable[[Iterator[list], list], None]) -> None:
        # The reader is closed here, while the file is still open: a file refused
        # part-way leaves it suspended, and the refusal's traceback would keep it
        # alive until after the file had been closed.
        with contextlib.closing(iter_rows(handle)) as rows:
            header = next(rows, None)
            if header is None:
                raise SpreadsheetError(_("The file is empty."))
            keys, missing, _unknown = HEADERS.match(header)
            if missing:
                self.error(1, "", HEADERS.missing_message(missing))
                return
            load(rows, keys)

    def _load_directly(self, rows: Iterator[list], keys: list) -> None:
        schools = dict(school_list(user=self.user).values_list("code", "pk"))
        touched: set[int] = set()

        def ledger_rows() -> Iterator[tuple]:
            for _line, code, *record in self._records(rows, keys, stop_at_problem=True):
                school = schools.get(code)
                if school is None:
                    raise _NotClean
                touched.add(school)
                yield (school, *record)

        with connection.cursor() as cursor:
            _copy(cursor, LEDGER_COPY_SQL, ledger_rows())
        self.progress(self.outcome.total)
        if not self.outcome.total:
            raise SpreadsheetError(_("The file has a header row but no data rows."))
        if not self.outcome.ok or self.as_number:
            raise _NotClean
        self.outcome.written = self.outcome.total
        screening.refresh(touched)

    def _load_staged(self, rows: Iterator[list], keys: list) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
            cursor.execute(STAGING_SQL)
            _stage(cursor, self._records(rows, keys))
            self.progress(self.outcome.total)
            if not self.outcome.total:
                raise SpreadsheetError(_("The file has a header row but no data rows."))
            if self.as_number:
                line, shown = self.as_number[0]
                self.error(
                    line,
                    "id_number",
                    _(
                        "%(count)d identity numbers were stored by the spreadsheet as numbers "
                        "(row %(line)d reads %(shown)s), which loses their last digits. Format "
                        "the identity number column as text, type those numbers again, and "
                        "import the file again."
                    )
                    % {"count": len(self.as_number), "line": line, "shown": shown},
                )
            self._check_whole_file(cursor)
            if self.outcome.ok:
                self._write(cursor)
            cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")

    def _records(
        self, rows: Iterator[list], keys: list, *, stop_at_problem: bool = False
    ) -> Iterator[tuple]:
        """The staging rows of the file's good rows; each bad row's problems are noted
        (and the first ends the rows, with ``stop_at_problem``)."""
        checker = RowChecker()
        named = [(i, key) for i, key in enumerate(keys) if key]
        width = named[-1][0] + 1
        cells = operator.itemgetter(*(i for i, _key in named))  # four at least: REQUIRED
        names = [key for _i, key in named]
        for line, row in enumerate(rows, start=2):
            if all(cell in (None, "") or str(cell).strip() == "" for cell in row):
                continue
            self.outcome.total += 1
            if self.outcome.total > settings.PEOPLE_IMPORT_MAX_ROWS:
                raise too_many_rows(settings.PEOPLE_IMPORT_MAX_ROWS)
            if len(row) >= width:
                values = dict(zip(names, cells(row), strict=True))
            else:  # a short row: the cells it has
                values = {key: row[i] for i, key in named if i < len(row)}
            record, errors = checker.check(values)
            for column, message in errors:
                if message == STORED_AS_NUMBER:
                    self._as_number(line, values.get("id_number"))
                else:
                    self.error(line, column, message)
            if record is not None:
                yield (line, *record)
            elif stop_at_problem:
                return
            if self.outcome.total % BATCH == 0:
                self.progress(self.outcome.total)

    def _check_whole_file(self, cursor) -> None:
        cursor.execute(f"CREATE INDEX {STAGING}_id ON {STAGING} (id_number)")
        cursor.execute(
            f"SELECT s.line, s.id_number, f.first FROM {STAGING} s JOIN "
            f"(SELECT id_number, MIN(line) AS first FROM {STAGING} GROUP BY id_number "
            "HAVING COUNT(*) > 1) f ON f.id_number = s.id_number WHERE s.line > f.first "
            "ORDER BY s.line"
        )
        for line, number, first in cursor.fetchall():
            self.error(
                line,
                "id_number",
                _("The identity number %(number)s appears again; first on row %(row)d.")
                % {"number": idcard.mask(number), "row": first},
            )
        condition, params = _scope_sql(self.user)
        cursor.execute(
            f"SELECT s.line, s.school_code FROM {STAGING} s LEFT JOIN readiness_school sc "
            f"ON sc.code = s.school_code AND {condition} WHERE sc.id IS NULL ORDER BY s.line",
            params,
        )
        for line, code in cursor.fetchall():
            self.error(
                line,
                "school_code",
                _("School code %(code)s is unknown or outside your scope.") % {"code": code},
            )
        if self.upsert:
            cursor.execute(
                f"SELECT s.line FROM {STAGING} s JOIN {PERSON} p ON p.id_number = s.id_number "
                f"JOIN readiness_school sc ON sc.id = p.school_id WHERE NOT ({condition}) ORDER BY s.line",
                params,
            )
            message = _("This person's file belongs to a school outside your scope.")
        else:
            cursor.execute(
                f"SELECT s.line FROM {STAGING} s JOIN {PERSON} p ON p.id_number = s.id_number ORDER BY s.line"
            )
            message = _("This identity number is already on file; choose “update existing files”.")
        for (line,) in cursor.fetchall():
            self.error(line, "id_number", message)

    def _write(self, cursor) -> None:
        columns = ", ".join(LEDGER_COLUMNS)
        select = (
            "SELECT sc.id, s.kind, s.name, s.id_number, s.gender, s.birth_date, s.grade, s.class_name, "
            "s.study_mode, s.origin, s.whereabouts, s.returned, s.returned_on, s.health, s.screened_on, s.note "
            f"FROM {STAGING} s JOIN readiness_school sc ON sc.code = s.school_code"
        )
        updates = ", ".join(
            f"{c.strip()} = excluded.{c.strip()}"
            for c in columns.split(",")
            if c.strip() != "id_number"
        )
        conflict = f" ON CONFLICT (id_number) DO UPDATE SET {updates}" if self.upsert else ""
        # SQLite reads "SELECT … ON CONFLICT" as a join unless the SELECT has a WHERE.
        where = " WHERE TRUE" if conflict else ""
        # The schools whose counts change: those of the rows, and those files leave.
        cursor.execute(
            f"SELECT DISTINCT sc.id FROM {STAGING} s JOIN readiness_school sc ON sc.code = s.school_code "
            f"UNION SELECT DISTINCT p.school_id FROM {STAGING} s JOIN {PERSON} p ON p.id_number = s.id_number"
        )
        touched = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"INSERT INTO {PERSON} ({columns}) {select}{where}{conflict}")
        self.outcome.written = cursor.rowcount if cursor.rowcount >= 0 else self.outcome.total
        screening.refresh(touched)
