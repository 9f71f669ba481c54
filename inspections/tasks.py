"""Celery tasks of inspections: take ids, re-read the rows, call a service."""

from __future__ import annotations

import io
import zipfile

from celery import shared_task
from django.core.files.base import ContentFile

from . import services
from .models import NoticeArchive, RectificationNotice


@shared_task(soft_time_limit=10 * 60, time_limit=12 * 60)
def findings_mark_overdue() -> int:
    """Daily: flags overdue findings and mails the county and the school (once each)."""
    return services.findings_mark_overdue()


@shared_task(
    bind=True, max_retries=3, retry_backoff=True, soft_time_limit=20 * 60, time_limit=25 * 60
)
def notices_zip_build(self, archive_id: int) -> str:
    """Builds the ZIP of an archive, counting progress as it goes.

    Idempotent: only a pending archive is claimed (conditional UPDATE); the
    notices' stored PDFs are copied, never rendered again.
    """
    if not NoticeArchive.objects.filter(pk=archive_id, status="pending").update(status="running"):
        return "already claimed"
    archive = NoticeArchive.objects.get(pk=archive_id)
    notices = RectificationNotice.objects.filter(pk__in=archive.notice_ids).order_by(
        "year", "number", "version"
    )
    buffer = io.BytesIO()
    try:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
            for done, notice in enumerate(notices, 1):
                with notice.pdf.open("rb") as pdf:
                    bundle.writestr(f"{notice.title}.pdf", pdf.read())
                NoticeArchive.objects.filter(pk=archive_id).update(done=done)
        archive.file.save(f"notices-{archive_id}.zip", ContentFile(buffer.getvalue()), save=False)
        archive.status = NoticeArchive.Status.DONE
        archive.done = notices.count()
        archive.save(update_fields=["file", "status", "done"])
    except Exception:
        NoticeArchive.objects.filter(pk=archive_id).update(status="failed")
        raise
    return archive.file.name
