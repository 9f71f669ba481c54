"""Writes of the ledger: imports and the per-school counts."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from readiness.access import require_right
from readiness.audit import audit_record, audited
from readiness.jobs import job_claim, job_fail, job_progress
from readiness.models import User

from . import idcard, screening
from .access import Right
from .filters import WHOLE
from .importer import PersonImporter
from .models import PersonImport

KEEP_ERRORS_ON_PAGE = 200


@audited("person.import_start")
def person_import_start(*, actor: User, upload, upsert: bool = False) -> PersonImport:
    """Keeps the uploaded file as a waiting job; the caller queues its task."""
    require_right(actor, Right.PERSON_IMPORT)
    if upload.size > settings.PEOPLE_UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(size)d MB.")
            % {"size": settings.PEOPLE_UPLOAD_MAX_BYTES // (1024 * 1024)}
        )
    name = PurePath(upload.name).name
    job = PersonImport(owner=actor, original_name=name[:255], upsert=upsert)
    # A generated name: the uploader's file name never reaches the file system.
    job.file.save(f"{uuid.uuid4().hex}{PurePath(name).suffix[:10]}", upload, save=False)
    job.save()
    return job


def person_import_run(*, job_id: int) -> None:
    """Runs a queued import. Idempotent: only a waiting (or abandoned) job is claimed."""
    if not job_claim(model=PersonImport, pk=job_id):
        return
    job = PersonImport.objects.select_related("owner").get(pk=job_id)
    try:
        with (
            job_progress(model=PersonImport, pk=job_id) as progress,
            job.file.open("rb") as handle,
        ):
            importer = PersonImporter(user=job.owner, upsert=job.upsert, progress=progress)
            outcome = importer.run(handle)
    except Exception as error:
        job_fail(model=PersonImport, pk=job_id, message=type(error).__name__)
        raise
    job.done, job.rows_written, job.error_count = (
        outcome.total,
        outcome.written,
        outcome.error_count,
    )
    job.errors = [
        {"row": e.row, "column": e.column, "message": e.message}
        for e in outcome.errors[:KEEP_ERRORS_ON_PAGE]
    ]
    job.status = PersonImport.Status.DONE if outcome.ok else PersonImport.Status.REFUSED
    job.finished_at = timezone.now()
    if not outcome.ok:
        job.error_report.save(f"errors-{job.pk}.csv", ContentFile(outcome.report), save=False)
    job.save()
    if outcome.ok:
        job.file.delete(save=False)  # the data now lives in the ledger


def person_import_purge(*, older_than: dt.timedelta = dt.timedelta(hours=24)) -> int:
    """Deletes the files of imports that never went through, after 24 hours."""
    count = 0
    stale = PersonImport.objects.filter(
        created_at__lt=timezone.now() - older_than, status__in=PersonImport.FINAL
    ).exclude(file="")
    for job in stale:
        job.file.delete(save=False)
        job.error_report.delete(save=False)
        job.save(update_fields=["file", "error_report"])
        count += 1
    return count


@transaction.atomic
def screening_refresh(*, school_ids: list[int] | None = None) -> None:
    """Recounts the ledger per school (all schools when ``school_ids`` is None).

    Imports recount the schools they touch; the nightly task and the morning
    report build recount the whole city, for files changed by other means."""
    screening.refresh(school_ids)


def _filters(params) -> dict:
    """The filters of a search, for the audit trail: a whole identity number
    searched for is kept masked (the trail is never changed, so never erased)."""
    kept = dict(params.items())
    if WHOLE.match((kept.get("q") or "").strip().upper()):
        kept["q"] = idcard.mask(kept["q"].strip().upper())
    return kept


def person_read_audit(*, actor: User, ids: list[int], params) -> None:
    """Records that ``actor`` was shown these files with their whole numbers."""
    audit_record(
        actor=actor,
        action="person.read_whole",
        target=f"{len(ids)} files",
        detail={"files": ids, "filters": _filters(params)},
    )


def person_export_audit(*, actor: User, whole_numbers: bool, params) -> None:
    """Records an export of person files, before it is sent."""
    audit_record(
        actor=actor,
        action="person.export_whole" if whole_numbers else "person.export",
        target="people.Person",
        detail={"filters": _filters(params)},
    )
