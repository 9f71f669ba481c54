"""Writes. One function per use case; the views, API, admin and tasks call these."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mass_mail
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import city_settings, criteria, dashboard, dispatch
from .access import Right, may_edit_school, require_right
from .audit import audited
from .imports import (
    PREVIEW_ROWS,
    ImportOutcome,
    checked_import_confirm,
    checked_import_purge,
    checked_import_run,
    checked_import_start,
)
from .models import (
    DashboardTargets,
    DispatchReport,
    DispatchReportRevision,
    ReadinessChange,
    ReadinessNotice,
    ReadinessPolicy,
    School,
    SchoolImport,
    SchoolJudgement,
    User,
)
from .resources import SchoolResource, header_label, missing_columns_message, normalise_headers
from .spreadsheets import SpreadsheetError, read_sheet

logger = logging.getLogger(__name__)

SCHOOL_EDITABLE_FIELDS = (
    "name",
    "level",
    "jurisdiction",
    "boarding",
    "students",
    "staff",
    "principal",
    "phone",
    "address",
    "risk_level",
    "demonstration",
)


@audited("school.update")
@transaction.atomic
def school_update(*, actor: User, school: School, data: dict) -> School:
    """Applies ``data`` (already cleaned) to ``school`` and records who changed it.

    The row is locked and re-read, and only the changed columns are written:
    two people editing different fields of one school both keep their change.
    """
    unknown = set(data) - set(SCHOOL_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %s") % ", ".join(unknown))
    school = School.objects.select_for_update().get(pk=school.pk)
    if not may_edit_school(actor, school):
        raise PermissionDenied
    for name, value in data.items():
        setattr(school, name, value)
    if school.level == School.Level.UNIVERSITY and school.jurisdiction != School.Jurisdiction.CITY:
        raise ValidationError(_("A university is always city-direct."))
    if not may_edit_school(actor, school):
        # A county official may not hand a school over to the city.
        raise ValidationError(_("Only the city bureau may make a school city-direct."))
    school._history_user = actor
    school.save(update_fields=[*data, "updated_at"])
    return school


# --- School import ---------------------------------------------------------------


def _run_school_import(
    *, actor: User, name: str, data: bytes, update_existing: bool, dry_run: bool
) -> ImportOutcome:
    """Reads and imports the file; with ``dry_run`` nothing is kept."""
    try:
        sheet = read_sheet(name, data)
    except SpreadsheetError as error:
        outcome = ImportOutcome()
        outcome.add_error(None, "", str(error))
        return outcome
    missing, unknown = normalise_headers(sheet.dataset)
    if missing:
        outcome = ImportOutcome(unknown_columns=unknown)
        outcome.add_error(1, "", missing_columns_message(missing))
        return outcome
    resource = SchoolResource(
        user=actor, update_existing=update_existing, line_numbers=sheet.line_numbers
    )
    result = resource.import_data(
        sheet.dataset,
        dry_run=dry_run,
        use_transactions=True,
        rollback_on_validation_errors=True,
        raise_errors=False,
    )
    outcome = ImportOutcome(total=result.total_rows, unknown_columns=unknown)
    for error in result.base_errors:
        outcome.add_error(None, "", str(error.error))
    for number, row_errors in result.row_errors():
        for error in row_errors:
            logger.warning("school import row %s failed: %r", number, error.error)
            outcome.add_error(sheet.line(number), "", _("This row could not be saved."))
    for invalid in result.invalid_rows:
        for key, messages in invalid.error_dict.items():
            for message in messages:
                outcome.add_error(sheet.line(invalid.number), header_label(key), message)
    outcome.errors.sort(key=lambda e: (e.row or 0, e.column))
    outcome.new = result.totals.get("new", 0)
    outcome.updated = result.totals.get("update", 0)
    if outcome.ok:
        outcome.preview = [
            {header_label(k): v for k, v in row.items()}
            for row in sheet.dataset.dict[:PREVIEW_ROWS]
        ]
    return outcome


def school_import_preview(
    *, actor: User, name: str, data: bytes, update_existing: bool = False
) -> ImportOutcome:
    """Checks every row of a school spreadsheet without writing anything."""
    require_right(actor, Right.SCHOOL_IMPORT)
    return _run_school_import(
        actor=actor, name=name, data=data, update_existing=update_existing, dry_run=True
    )


def school_import_write(
    *, actor: User, name: str, data: bytes, update_existing: bool = False
) -> ImportOutcome:
    """Imports a school spreadsheet, the whole file or nothing.

    The rows are checked again: the database may have changed since the preview."""
    require_right(actor, Right.SCHOOL_IMPORT)
    with transaction.atomic():
        outcome = _run_school_import(
            actor=actor, name=name, data=data, update_existing=update_existing, dry_run=False
        )
        if not outcome.ok:
            transaction.set_rollback(True)
    return outcome


def school_import_start(*, actor: User, upload, update_existing: bool = False) -> SchoolImport:
    """Keeps the uploaded file as a job to check in the background; the caller
    queues ``tasks.school_import_run`` once this has committed."""
    require_right(actor, Right.SCHOOL_IMPORT)
    return checked_import_start(SchoolImport(owner=actor, update_existing=update_existing), upload)


@audited("school.import")
def school_import_confirm(*, actor: User, job: SchoolImport) -> SchoolImport:
    """The uploader confirms a clean preview: the job is queued again, to write."""
    require_right(actor, Right.SCHOOL_IMPORT)
    return checked_import_confirm(actor=actor, job=job)


def _school_import_work(job: SchoolImport, data: bytes, dry_run: bool) -> ImportOutcome:
    work = school_import_preview if dry_run else school_import_write
    return work(
        actor=job.owner, name=job.original_name, data=data, update_existing=job.update_existing
    )


def school_import_run(*, job_id: int) -> None:
    """Checks or imports a queued school spreadsheet (the task's body)."""
    checked_import_run(model=SchoolImport, job_id=job_id, work=_school_import_work)


def school_import_purge(*, older_than: dt.timedelta = dt.timedelta(hours=24)) -> int:
    """Deletes the files of school imports never confirmed; returns how many."""
    return checked_import_purge(model=SchoolImport, older_than=older_than)


# --- Daily dispatch report -----------------------------------------------------------


class StaleReportDate(ValueError):
    pass


def dispatch_report_build(*, on_date: dt.date) -> DispatchReport:
    """Builds the report for ``on_date`` once; later calls return the frozen one.

    The figures are those of the moment, so a report is built only for today
    (Asia/Shanghai); a past day that has none keeps none.
    """
    existing = DispatchReport.objects.filter(on_date=on_date).first()
    if existing is not None:
        return existing
    if on_date != timezone.localdate():
        raise StaleReportDate(f"{on_date} is not today; its figures are gone")
    report, _created = DispatchReport.objects.get_or_create(
        on_date=on_date, defaults={"data": _snapshot(on_date)}
    )
    return report


def dispatch_report_due(*, now: dt.datetime | None = None) -> DispatchReport | None:
    """Today's report, built if the time the city bureau set for it has come (the
    beat asks every ten minutes); None before that time."""
    now = timezone.localtime(now)
    due = dt.datetime.strptime(str(city_settings.value("dispatch.report_time")), "%H:%M").time()
    if now.time() < due:
        return None
    return dispatch_report_build(on_date=now.date())


def _snapshot(on_date: dt.date) -> dict:
    """The report's data as of now: what the sections need brought up to date
    first, their figures, the stale data, and the changes and ranking frozen
    with them."""
    for section in dispatch.registered():
        if section.prepare is not None:
            section.prepare()
    data = dispatch.build(on_date, stale_days=dashboard.stale_days())
    previous = DispatchReport.objects.filter(on_date__lt=on_date).order_by("-on_date").first()
    data.update(dashboard.frozen(data, previous))
    return data


@audited("dispatch.rebuild")
@transaction.atomic
def dispatch_report_rebuild(
    *, actor: User | None, on_date: dt.date, reason: str
) -> DispatchReport:
    """Builds today's report again, replacing its snapshot; the replaced one is kept
    in the report's history with who rebuilt it (None: the shell) and why.

    Only today's: the figures are those of the moment."""
    if actor is not None:
        require_right(actor, Right.DISPATCH_BUILD)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the report is built again."))
    if on_date != timezone.localdate():
        raise StaleReportDate(f"{on_date} is not today; its figures are gone")
    report = DispatchReport.objects.select_for_update().filter(on_date=on_date).first()
    if report is None:
        return dispatch_report_build(on_date=on_date)
    DispatchReportRevision.objects.create(
        report=report,
        data=report.data,
        built_at=report.built_at,
        replaced_by=actor,
        reason=reason[:200],
    )
    report.data = _snapshot(on_date)
    report.built_at = timezone.now()
    old_pdf, report.pdf = report.pdf.name, ""
    report.save(update_fields=["data", "built_at", "pdf"])
    if old_pdf:  # the replaced snapshot's PDF: rendered again from its data if asked for
        transaction.on_commit(lambda: report.pdf.storage.delete(old_pdf))
    return report


def dispatch_report_pdf(*, report: DispatchReport) -> bytes:
    """The report's PDF: rendered once and kept, then read from storage."""
    if report.pdf:
        with report.pdf.open("rb") as handle:
            return handle.read()
    pdf = dispatch.report_pdf(report)
    report.pdf.save(
        f"dispatch-{report.on_date}-{uuid.uuid4().hex[:8]}.pdf", ContentFile(pdf), save=False
    )
    # Only if no one stored one meanwhile: the first stored is the one kept.
    if not DispatchReport.objects.filter(pk=report.pk, pdf="").update(pdf=report.pdf.name):
        report.pdf.storage.delete(report.pdf.name)
        report.refresh_from_db(fields=["pdf"])
    return pdf


# --- Readiness, computed (readiness/criteria.py) --------------------------------------


@transaction.atomic
def readiness_recompute(*, school_ids: Iterable[int] | None = None) -> int:
    """Judges the given schools (every school when None) by every criterion and
    keeps what changed: the criteria's states, the readiness with its history,
    and a notice to the school and its county where readiness was lost.
    Returns how many schools changed readiness.

    Idempotent; a fixed number of queries whatever the number of schools (one
    or two per criterion, and the writes). Two recomputes follow each other
    (``_serialise_recomputes``). Reasons are kept in the city's language,
    whoever's request or task led to the recompute."""
    ids = None if school_ids is None else sorted(set(school_ids))
    if ids == []:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        return _recompute(ids)


# Any number; the one key of the advisory lock that serialises recomputes.
RECOMPUTE_LOCK = 7_310_020


def _serialise_recomputes() -> None:
    """Two recomputes never interleave, or both would see a school's old readiness
    and both record its change. On PostgreSQL one advisory lock, held to the end of
    the transaction, does it: locking every school row would cost a recompute of
    the city more than its queries. SQLite lets one writer in at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RECOMPUTE_LOCK])


def _recompute(ids: list[int] | None) -> int:
    _serialise_recomputes()
    policy = criteria.policy_current()
    schools = School.objects.order_by("pk")
    if ids is not None:
        schools = schools.filter(pk__in=ids)
    rows = schools.values_list("pk", "readiness", "county_id")
    before = {pk: (readiness, county) for pk, readiness, county in rows}
    judged = criteria.judge(ids, policy)
    kept_rows = SchoolJudgement.objects.all()
    if ids is not None:
        kept_rows = kept_rows.filter(school_id__in=ids)
    # Only the digests: comparing them is all a run that changes nothing needs.
    kept = dict(kept_rows.values_list("school_id", "digest"))
    now = timezone.now()
    counted = policy.counted()
    rows, changes, moved, ready = [], [], defaultdict(list), {}
    for pk, (was, _county) in before.items():
        verdicts = criteria.verdicts_of(judged, pk)
        digest = criteria.digest_of(verdicts)
        if digest != kept.get(pk):
            judgement = {key: verdict.kept() for key, verdict in verdicts.items()}
            rows.append(
                SchoolJudgement(school_id=pk, criteria=judgement, digest=digest, checked_at=now)
            )
        now_is, key = criteria.readiness_of(verdicts, counted)
        if now_is == was:
            continue
        moved[now_is].append(pk)
        if not key:  # now ready: the criterion that has just changed, found below
            ready[pk] = verdicts
        cause = verdicts.get(key) if key else None
        changes.append(
            ReadinessChange(
                school_id=pk,
                before=was,
                after=now_is,
                key=key,
                reason=(cause.reason if cause else _("Every criterion is met."))[:200],
                link=cause.link[:200] if cause else "",
                at=now,
            )
        )
    _name_what_changed([c for c in changes if c.school_id in ready], ready)
    SchoolJudgement.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["school"],
        update_fields=["criteria", "digest", "checked_at"],
    )
    for readiness, pks in moved.items():
        School.objects.filter(pk__in=pks).update(readiness=readiness, updated_at=now)
    ReadinessChange.objects.bulk_create(changes, batch_size=1000)
    _notify_lost(
        [c for c in changes if c.lost], counties={pk: c for pk, (_r, c) in before.items()}
    )
    return len(changes)


def _name_what_changed(changes: list[ReadinessChange], verdicts: dict[int, dict]) -> None:
    """A school now ready owes it to no criterion in particular: its change names
    the first criterion whose state differs from the judgement kept before (one query)."""
    if not changes:
        return
    old = dict(
        SchoolJudgement.objects.filter(school_id__in=[c.school_id for c in changes]).values_list(
            "school_id", "criteria"
        )
    )
    for change in changes:
        before = old.get(change.school_id, {})
        for key, verdict in verdicts[change.school_id].items():
            if verdict.kept() != before.get(key):
                change.key, change.link = key, verdict.link[:200]
                change.reason = verdict.reason[:200]
                break


def _notify_lost(changes: list[ReadinessChange], *, counties: dict[int, int]) -> None:
    """The school's contacts and its county's officials see each loss on their
    home page, and get a mail once the recompute has committed."""
    if not changes:
        return
    by_school = {c.school_id: c for c in changes}
    users = User.objects.filter(is_active=True).filter(
        Q(role=User.Role.SCHOOL, school_id__in=by_school)
        | Q(role=User.Role.COUNTY_OFFICIAL, county_id__in={counties[s] for s in by_school})
    )
    notices, mails = [], []
    names = dict(School.objects.filter(pk__in=by_school).values_list("pk", "name"))
    subject = _("Schools no longer ready to reopen")  # in the city's language (the caller's)
    for user in users.only("pk", "email", "role", "school_id", "county_id"):
        mine = [c for s, c in by_school.items() if _concerns(user, s, counties[s])]
        notices += [ReadinessNotice(user=user, change=c) for c in mine]
        if user.email and mine:
            lines = [f"{names[c.school_id]}: {c.reason}" for c in mine]
            mails.append((subject, "\n".join(lines), None, [user.email]))
    ReadinessNotice.objects.bulk_create(notices, batch_size=1000)
    if mails:
        transaction.on_commit(lambda: _send_mails(mails))


def _concerns(user: User, school_id: int, county_id: int) -> bool:
    if user.role == User.Role.SCHOOL:
        return user.school_id == school_id
    return user.county_id == county_id  # a county official


def _send_mails(mails: list[tuple]) -> None:
    try:
        send_mass_mail(mails)
    except Exception:  # the notice on the home page stays; a mail server down loses no state
        logger.exception("readiness mails not sent")


def readiness_follow(*, school_ids: Iterable[int] | None) -> None:
    """Called by a line of work after a write that touches a criterion's data,
    in the write's transaction: the named schools are judged again at once (a
    critical finding revokes readiness the moment it is recorded); every school
    (``None``, after a change of norms or of the policy) in the background once
    the write has committed."""
    if school_ids is None:
        from . import tasks  # the tasks module imports this one

        tasks.enqueue(tasks.readiness_recompute)
        return
    readiness_recompute(school_ids=school_ids)


def notice_open(*, actor: User, notice: ReadinessNotice) -> ReadinessNotice:
    """The user has opened the notice: it leaves their home page."""
    if notice.user_id != actor.pk:
        raise PermissionDenied
    if notice.read_at is None:
        ReadinessNotice.objects.filter(pk=notice.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    return notice


@audited("readiness.policy")
@transaction.atomic
def readiness_policy_save(
    *, actor: User, levels: dict[str, str], targets: dict[str, str], note: str
) -> ReadinessPolicy:
    """A new version of the city's readiness policy; every school is judged again
    once it has committed."""
    require_right(actor, Right.READINESS_POLICY)
    known = criteria.by_key()
    if set(levels) - set(known) or set(levels.values()) - set(ReadinessPolicy.Level.values):
        raise ValidationError(_("Unknown criterion or level."))
    policy = ReadinessPolicy.objects.create(
        levels=levels, targets=targets, note=note.strip()[:200], created_by=actor
    )
    readiness_follow(school_ids=None)
    return policy


@audited("readiness.recompute")
def readiness_recompute_request(*, actor: User) -> None:
    """The city bureau asks for every school to be judged again now (in the background)."""
    require_right(actor, Right.READINESS_POLICY)
    readiness_follow(school_ids=None)


@audited("dashboard.targets")
@audited("dashboard.targets")
def dashboard_targets_save(
    *, actor: User, thresholds: dict, stale_days: int = DashboardTargets.STALE_DAYS
) -> DashboardTargets:
    """A new version of the county table's thresholds and the stale-data days
    (the latest applies)."""
    require_right(actor, Right.DISPATCH_BUILD)
    return DashboardTargets.objects.create(
        thresholds=thresholds, stale_days=stale_days, created_by=actor
    )
