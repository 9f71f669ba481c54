"""A day's health checks (or a school's classes) from a spreadsheet: one row per class
and session, any number of schools in the uploader's scope. Each school's session goes through
``services.session_submit``, so a row from a file is checked exactly as one typed
on the entry screen; the file is written whole or not at all."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from readiness.access import scope_of
from readiness.imports import PREVIEW_ROWS, Headers, ImportOutcome, choice_spellings
from readiness.models import School
from readiness.spreadsheets import SpreadsheetError, read_sheet

from . import selectors, services
from .models import COUNTS, HealthCheckImport, SchoolClass, Session

COLUMNS = {
    "school": (gettext_lazy("School code"), "学校代码", "school"),
    "date": (gettext_lazy("Date"), "日期"),
    "session": (gettext_lazy("Session"), "时段"),
    "grade": (gettext_lazy("Grade"), "年级"),
    "class_name": (gettext_lazy("Class"), "班级"),
    "absent": (gettext_lazy("Absent"), "缺勤"),
    "absent_ill": (gettext_lazy("Absent for illness"), "因病缺勤"),
    "fever": (gettext_lazy("Fever"), "发热"),
    "cough": (gettext_lazy("Cough"), "咳嗽"),
    "diarrhoea": (gettext_lazy("Diarrhoea"), "腹泻"),
    "rash": (gettext_lazy("Rash"), "皮疹"),
    "other": (gettext_lazy("Other symptoms"), "其他症状"),
}
HEADERS = Headers(COLUMNS, required=("date", "session", "grade", "class_name"))
SESSIONS = choice_spellings(Session.choices) | {"晨": "morning", "午": "noon", "晚": "evening"}
DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
EXAMPLE = ["1137000001", "2026-12-07", "晨检", "高一", "1班", 2, 2, 2, 0, 0, 0, 0]


class CellError(ValueError):
    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = DATE.match(str(value or "").strip())
    try:
        if match:
            return dt.date(*(int(part) for part in match.groups()))
    except ValueError:  # 2026-02-30
        pass
    raise CellError("date", _("Write the date as 2026-12-07."))


def _count(cells: dict, key: str) -> int:
    value = cells.get(key)
    if value in (None, ""):
        return 0
    text = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if not text.isdigit():
        raise CellError(key, _("Counts are whole numbers, 0 or more."))
    return int(text)


@dataclass
class Opened:
    """A file read and its headers matched: the rows as {key: cell}, by file line."""

    outcome: ImportOutcome
    rows: list[tuple[int, dict]]
    schools: dict[str, School]  # the uploader's, by code
    own_school: int | None  # a school user's own, used when the row names none

    def school(self, cells: dict) -> School | None:
        code = str(cells.get("school") or "").strip()
        if code:
            return self.schools.get(code)
        return next((s for s in self.schools.values() if s.pk == self.own_school), None)


def _open(job: HealthCheckImport, data: bytes, headers: Headers) -> Opened | ImportOutcome:
    """The file read with ``headers``, or the outcome refusing it (unreadable, or a
    required column missing; the school code is required but from a school user)."""
    try:
        sheet = read_sheet(job.original_name, data)
    except SpreadsheetError as error:
        outcome = ImportOutcome()
        outcome.add_error(None, "", str(error))
        return outcome
    keys, missing, unknown = headers.match(sheet.dataset.headers)
    outcome = ImportOutcome(total=len(sheet.dataset), unknown_columns=unknown)
    scope = scope_of(job.owner)
    own_school = job.owner.school_id if scope.level == "school" else None
    if "school" not in keys and own_school is None:
        missing = ["school", *missing]
    if missing:
        outcome.add_error(1, "", headers.missing_message(missing))
        return outcome
    rows = [
        (sheet.line(index), {key: value for key, value in zip(keys, row, strict=True) if key})
        for index, row in enumerate(sheet.dataset, start=1)
    ]
    schools = {s.code: s for s in School.objects.filter(scope.school_q())}
    return Opened(outcome, rows, schools, own_school)


def health_import(job: HealthCheckImport, data: bytes, dry_run: bool) -> ImportOutcome:
    """Reads the file, and enters each school's session of it in one transaction,
    kept only when every row is right and ``dry_run`` is False."""
    opened = _open(job, data, HEADERS)
    if isinstance(opened, ImportOutcome):
        return opened
    outcome = opened.outcome
    groups: dict[tuple[School, dt.date, str], list[tuple[int, dict]]] = {}
    for line, cells in opened.rows:
        try:
            school = opened.school(cells)
            if school is None:
                raise CellError("school", _("No school of this code in your scope."))
            session = SESSIONS.get(str(cells.get("session") or "").strip().lower())
            if session is None:
                raise CellError("session", _("Write 晨检, 午检 or 晚检."))
            counts = {key: _count(cells, key) for key in COUNTS}
        except CellError as error:
            outcome.add_error(line, HEADERS.label(error.key), str(error))
            continue
        try:
            on_date = _date(cells.get("date"))
        except CellError as error:
            outcome.add_error(line, HEADERS.label(error.key), str(error))
            continue
        cells.update(counts)
        groups.setdefault((school, on_date, session), []).append((line, cells))
    with transaction.atomic():
        for (school, on_date, session), rows in groups.items():
            _enter(job, outcome, school, on_date, session, rows)
        if dry_run or not outcome.ok:
            transaction.set_rollback(True)
    if not outcome.ok:
        outcome.preview = []
    return outcome


def _enter(job, outcome: ImportOutcome, school, on_date, session, rows) -> None:
    """One school's session of the file, through the service; each refusal is put
    on the row of its class."""
    by_name = selectors.class_ids_by_name(school=school)
    line_of: dict[int, int] = {}
    counts = []
    for line, cells in rows:
        name = (str(cells.get("grade") or "").strip(), str(cells.get("class_name") or "").strip())
        class_id = by_name.get(name)
        if class_id is None:
            outcome.add_error(
                line, HEADERS.label("class_name"),
                _("%(school)s has no class %(grade)s%(name)s.")
                % {"school": school.name, "grade": name[0], "name": name[1]},
            )  # fmt: skip
            continue
        line_of.setdefault(class_id, line)
        counts.append(services.ClassCount(class_id, **{k: cells[k] for k in COUNTS}))
    if len(counts) < len(rows):
        return
    try:
        with transaction.atomic():
            services.session_submit(
                actor=job.owner, school=school, on_date=on_date, session=session, counts=counts
            )
    except PermissionDenied:
        outcome.add_error(rows[0][0], "", _("You may not enter %(school)s's checks.")
                          % {"school": school.name})  # fmt: skip
        return
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for key, messages in error.message_dict.items():
                line = line_of.get(int(key[6:])) if key.startswith("class-") else None
                outcome.add_error(line or rows[0][0], "", " ".join(messages))
        else:
            outcome.add_error(rows[0][0], "", " ".join(error.messages))
        return
    outcome.new += len(rows)
    for _line, cells in rows:
        if len(outcome.preview) < PREVIEW_ROWS:
            outcome.preview.append(
                {
                    str(HEADERS.label("school")): school.code,
                    str(HEADERS.label("date")): on_date.isoformat(),
                    str(HEADERS.label("session")): str(Session(session).label),
                    str(
                        HEADERS.label("class_name")
                    ): f"{cells.get('grade')}{cells.get('class_name')}",
                    str(HEADERS.label("absent")): cells["absent"],
                    str(HEADERS.label("absent_ill")): cells["absent_ill"],
                    str(HEADERS.label("fever")): cells["fever"],
                }
            )


# --- classes -------------------------------------------------------------------------

CLASS_COLUMNS = {
    "school": COLUMNS["school"],
    "grade": COLUMNS["grade"],
    "class_name": COLUMNS["class_name"],
    "enrolled": (gettext_lazy("Enrolled"), "在籍人数", "在籍"),
    "head_teacher": (gettext_lazy("Head teacher"), "班主任"),
    "boarding": (gettext_lazy("Boarders"), "住宿", "住宿生"),
}
CLASS_HEADERS = Headers(CLASS_COLUMNS, required=("grade", "class_name", "enrolled"))
CLASS_EXAMPLE = ["1137000001", "高一", "1班", 45, "王老师", "否"]
YES = {"是", "y", "yes", "1", "true", "住宿", "√"}


def class_import(job: HealthCheckImport, data: bytes, dry_run: bool) -> ImportOutcome:
    """Each row adds a class, or brings one of the same grade and name up to date,
    through ``services.class_save``; the whole file or nothing."""
    opened = _open(job, data, CLASS_HEADERS)
    if isinstance(opened, ImportOutcome):
        return opened
    outcome = opened.outcome
    existing = {
        (c.school_id, c.grade, c.name): c
        for c in SchoolClass.objects.filter(school__in=opened.schools.values())
    }
    with transaction.atomic():
        for line, cells in opened.rows:
            school = opened.school(cells)
            if school is None:
                outcome.add_error(line, CLASS_HEADERS.label("school"),
                                  _("No school of this code in your scope."))  # fmt: skip
                continue
            try:
                enrolled = _count(cells, "enrolled")
            except CellError:
                outcome.add_error(line, CLASS_HEADERS.label("enrolled"),
                                  _("Counts are whole numbers, 0 or more."))  # fmt: skip
                continue
            grade = str(cells.get("grade") or "").strip()
            name = str(cells.get("class_name") or "").strip()
            before = existing.get((school.pk, grade, name))
            try:
                with transaction.atomic():
                    saved = services.class_save(
                        actor=job.owner, school=school, grade=grade, name=name,
                        enrolled=enrolled, head_teacher=str(cells.get("head_teacher") or ""),
                        boarding=str(cells.get("boarding") or "").strip().lower() in YES,
                        school_class=before,
                    )  # fmt: skip
            except PermissionDenied:
                outcome.add_error(line, "", _("You may not keep %(school)s's classes.")
                                  % {"school": school.name})  # fmt: skip
                continue
            except ValidationError as error:
                outcome.add_error(line, "", " ".join(error.messages))
                continue
            existing[(school.pk, grade, name)] = saved
            if before is None:
                outcome.new += 1
            else:
                outcome.updated += 1
            if len(outcome.preview) < PREVIEW_ROWS:
                outcome.preview.append(
                    {
                        str(CLASS_HEADERS.label("school")): school.code,
                        str(CLASS_HEADERS.label("class_name")): f"{grade}{name}",
                        str(CLASS_HEADERS.label("enrolled")): enrolled,
                        str(CLASS_HEADERS.label("boarding")): _("yes")
                        if saved.boarding
                        else _("no"),
                    }
                )
        if dry_run or not outcome.ok:
            transaction.set_rollback(True)
    if not outcome.ok:
        outcome.preview = []
    return outcome


def work(job: HealthCheckImport, data: bytes, dry_run: bool) -> ImportOutcome:
    """The reader of the job's kind."""
    reader = class_import if job.kind == HealthCheckImport.Kind.CLASSES else health_import
    return reader(job, data, dry_run)
