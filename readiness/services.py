"""Writes. One function per use case; the views, API, admin and tasks call these."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import dispatch
from .access import Right, may_edit_school, require_right, scope_of
from .models import DispatchReport, School, Upload, User
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


@dataclass
class RowError:
    row: int | None  # the spreadsheet row number as users see it (header is row 1)
    column: str
    message: str


@dataclass
class ImportOutcome:
    errors: list[RowError] = field(default_factory=list)
    new: int = 0
    updated: int = 0
    total: int = 0
    preview: list[dict] = field(default_factory=list)
    upload: Upload | None = None
    unknown_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


PREVIEW_ROWS = 50


def _run_school_import(
    *, actor: User, name: str, data: bytes, update_existing: bool, dry_run: bool
) -> ImportOutcome:
    """Reads and imports the file; with ``dry_run`` nothing is kept."""
    try:
        sheet = read_sheet(name, data)
    except SpreadsheetError as error:
        return ImportOutcome(errors=[RowError(None, "", str(error))])
    missing, unknown = normalise_headers(sheet.dataset)
    if missing:
        return ImportOutcome(
            errors=[RowError(1, "", missing_columns_message(missing))], unknown_columns=unknown
        )
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
        outcome.errors.append(RowError(None, "", str(error.error)))
    for number, row_errors in result.row_errors():
        for error in row_errors:
            logger.warning("school import row %s failed: %r", number, error.error)
            outcome.errors.append(
                RowError(sheet.line(number), "", _("This row could not be saved."))
            )
    for invalid in result.invalid_rows:
        for key, messages in invalid.error_dict.items():
            for message in messages:
                outcome.errors.append(
                    RowError(sheet.line(invalid.number), header_label(key), message)
                )
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
    """Checks every row without writing; keeps the file for confirmation if it is clean."""
    require_right(actor, Right.SCHOOL_IMPORT)
    outcome = _run_school_import(
        actor=actor, name=name, data=data, update_existing=update_existing, dry_run=True
    )
    if outcome.ok:
        upload = Upload(
            kind=Upload.Kind.SCHOOLS,
            owner=actor,
            original_name=PurePath(name).name[:255],
            options={"update_existing": update_existing},
        )
        # A generated name: the uploader's file name never reaches the file system.
        upload.file.save(f"{uuid.uuid4().hex}{PurePath(name).suffix[:10]}", ContentFile(data))
        outcome.upload = upload
    return outcome


def school_import_confirm(*, actor: User, upload: Upload) -> ImportOutcome:
    """Imports a previewed file, the whole file or nothing.

    The rows are checked again: the database may have changed since the preview.
    """
    require_right(actor, Right.SCHOOL_IMPORT)
    if upload.owner_id != actor.pk or upload.kind != Upload.Kind.SCHOOLS:
        raise PermissionDenied
    with upload.file.open("rb") as handle:
        data = handle.read()
    with transaction.atomic():
        outcome = _run_school_import(
            actor=actor,
            name=upload.original_name,
            data=data,
            update_existing=bool(upload.options.get("update_existing")),
            dry_run=False,
        )
        if not outcome.ok:
            transaction.set_rollback(True)
    if outcome.ok:
        upload_discard(upload=upload)
    return outcome


def upload_discard(*, upload: Upload) -> None:
    upload.file.delete(save=False)
    upload.delete()


def upload_purge_stale(*, older_than: dt.timedelta = dt.timedelta(hours=24)) -> int:
    """Deletes uploads never confirmed; returns how many."""
    stale = Upload.objects.filter(created_at__lt=timezone.now() - older_than)
    count = 0
    for upload in stale.iterator():
        upload_discard(upload=upload)
        count += 1
    return count


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
    data = dispatch.build(on_date)
    report, _created = DispatchReport.objects.get_or_create(
        on_date=on_date, defaults={"data": data}
    )
    return report


# --- person files import ----------------------------------------------------------------------


def person_import_start(*, actor: User, name: str, upload, upsert: bool = False):
    """Keeps the uploaded file and queues its import; returns the job."""
    from .models import PersonImport

    require_right(actor, Right.PERSON_IMPORT)
    if upload.size > settings.PEOPLE_UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(size)d MB.")
            % {"size": settings.PEOPLE_UPLOAD_MAX_BYTES // (1024 * 1024)}
        )
    job = PersonImport(owner=actor, original_name=PurePath(name).name[:255], upsert=upsert)
    job.file.save(f"{uuid.uuid4().hex}{PurePath(name).suffix[:10]}", upload, save=False)
    job.save()
    return job


def person_import_run(*, job_id: int) -> None:
    """Runs a queued import. Idempotent: only a waiting job is claimed."""
    from .models import PersonImport
    from .people_import import PersonImporter

    if not PersonImport.objects.filter(pk=job_id, status="pending").update(status="running"):
        return
    job = PersonImport.objects.select_related("owner").get(pk=job_id)

    def progress(rows: int) -> None:
        PersonImport.objects.filter(pk=job_id).update(rows_read=rows)

    try:
        with job.file.open("rb") as handle:
            outcome = PersonImporter(user=job.owner, upsert=job.upsert, progress=progress).run(
                handle, job.original_name
            )
    except Exception:
        PersonImport.objects.filter(pk=job_id).update(status="failed", finished_at=timezone.now())
        raise
    job.rows_read, job.rows_written, job.error_count = (
        outcome.rows,
        outcome.written,
        outcome.error_count,
    )
    job.errors = [
        {"row": e.line, "column": e.column, "message": e.message} for e in outcome.errors[:200]
    ]
    job.status = "done" if outcome.ok else "refused"
    job.finished_at = timezone.now()
    if not outcome.ok:
        job.error_report.save(f"errors-{job.pk}.csv", ContentFile(outcome.report), save=False)
    job.save()
    if outcome.ok:
        job.file.delete(save=False)  # the data now lives in the ledger


def person_import_purge(*, older_than: dt.timedelta = dt.timedelta(hours=24)) -> int:
    """Deletes the files of imports that never went through, after 24 hours."""
    from .models import PersonImport

    count = 0
    for job in PersonImport.objects.filter(created_at__lt=timezone.now() - older_than).exclude(
        file=""
    ):
        job.file.delete(save=False)
        job.error_report.delete(save=False)
        job.save(update_fields=["file", "error_report"])
        count += 1
    return count


# --- return plans and drills -------------------------------------------------------------------


@transaction.atomic
def plan_save(
    *,
    actor: User,
    school: School,
    factors: list[str],
    considerations: str,
    stages: list[tuple[str, dt.date]],
    parts: list[tuple[str, str, str]],
    emergency_plan: tuple[str, bytes] | None = None,
):
    """The school writes its plan; a submitted or approved plan no longer changes."""
    from .models import PlanPart, PlanStage, ReopeningPlan
    from .uploads import sniff_evidence

    if actor.role != User.Role.SCHOOL or actor.school_id != school.pk:
        raise PermissionDenied
    plan, _created = ReopeningPlan.objects.select_for_update().get_or_create(school=school)
    if plan.status in (ReopeningPlan.Status.SUBMITTED, ReopeningPlan.Status.APPROVED):
        raise ValidationError(_("A submitted plan no longer changes."))
    known = {code for code, _label in ReopeningPlan.FACTORS}
    plan.factors = [f for f in factors if f in known]
    plan.considerations = considerations.strip()[:5000]
    if emergency_plan is not None:
        _name, data = emergency_plan
        if sniff_evidence(data) != ("application/pdf", "pdf") or len(data) > 10 * 1024 * 1024:
            raise ValidationError(_("The emergency plan must be a PDF of at most 10 MB."))
        plan.emergency_plan.save(f"{uuid.uuid4().hex}.pdf", ContentFile(data), save=False)
    plan.status = ReopeningPlan.Status.DRAFT
    plan._history_user = actor
    plan.save()
    plan.stages.all().delete()
    PlanStage.objects.bulk_create(
        PlanStage(plan=plan, grades=g[:50], return_on=d) for g, d in stages
    )
    plan.parts.all().delete()
    PlanPart.objects.bulk_create(
        PlanPart(plan=plan, part=p[:50], person=n[:50], phone=t[:20]) for p, n, t in parts
    )
    return plan


@transaction.atomic
def plan_submit(*, actor: User, plan):
    from .models import ReopeningPlan

    plan = ReopeningPlan.objects.select_for_update().get(pk=plan.pk)
    if actor.role != User.Role.SCHOOL or actor.school_id != plan.school_id:
        raise PermissionDenied
    if plan.status not in (ReopeningPlan.Status.DRAFT, ReopeningPlan.Status.RETURNED):
        raise ValidationError(_("This plan has already been submitted."))
    missing = []
    if not plan.stages.exists():
        missing.append(_("the staggered return by grade"))
    if not plan.parts.exists():
        missing.append(_("a person responsible for each part"))
    if not plan.emergency_plan:
        missing.append(_("the emergency plan"))
    if missing:
        raise ValidationError(
            _("The plan still needs: %(items)s.") % {"items": "、".join(missing)}
        )
    plan.status, plan.submitted_at = ReopeningPlan.Status.SUBMITTED, timezone.now()
    plan._history_user = actor
    plan.save(update_fields=["status", "submitted_at"])
    return plan


@transaction.atomic
def plan_decide(*, actor: User, plan, approve: bool, reason: str = ""):
    """The county approves its schools' plans (the city bureau those of city-direct
    schools), or returns them with a reason."""
    from .models import ReopeningPlan

    plan = ReopeningPlan.objects.select_for_update().select_related("school").get(pk=plan.pk)
    if not may_edit_school(actor, plan.school):
        raise PermissionDenied
    if plan.status != ReopeningPlan.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted plan can be approved or returned."))
    if not approve and not reason.strip():
        raise ValidationError(_("Say why the plan is returned."))
    plan.status = ReopeningPlan.Status.APPROVED if approve else ReopeningPlan.Status.RETURNED
    plan.return_reason = "" if approve else reason.strip()[:2000]
    plan.decided_by, plan.decided_at = actor, timezone.now()
    plan._history_user = actor
    plan.save()
    return plan


def drill_record(
    *, actor: User, kind: str, title: str, on_date: dt.date, host: School, attendees: list[School]
):
    """Records a drill observation or training; every school must be in the actor's scope."""
    from .models import Drill

    require_right(actor, Right.DRILL_RECORD)
    schools = [host, *attendees]
    visible = set(
        School.objects.filter(
            scope_of(actor).school_q(), pk__in=[s.pk for s in schools]
        ).values_list("pk", flat=True)
    )
    if any(s.pk not in visible for s in schools):
        raise PermissionDenied
    if kind not in Drill.Kind.values or not title.strip():
        raise ValidationError(_("Give the kind and the title."))
    if on_date > timezone.localdate():
        raise ValidationError(_("Record a drill once it has taken place."))
    with transaction.atomic():
        drill = Drill.objects.create(
            kind=kind, title=title.strip()[:100], on_date=on_date, host=host, recorded_by=actor
        )
        drill.attendees.set(attendees)
    return drill
