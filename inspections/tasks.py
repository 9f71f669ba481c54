"""Celery tasks of inspections: take ids, re-read the rows, call a service."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from celery import shared_task
from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils import timezone

from . import services
from .models import NoticeArchive, RectificationNotice


@shared_task(soft_time_limit=10 * 60, time_limit=12 * 60)
def findings_mark_overdue() -> int:
    """Daily: flags overdue findings and mails the county and the school (once each)."""
    return services.findings_mark_overdue()


STALE_AFTER = dt.timedelta(minutes=30)  # longer than the task's time limit


@shared_task(soft_time_limit=20 * 60, time_limit=25 * 60)
def notices_zip_build(archive_id: int) -> str:
    """Builds the ZIP of an archive, counting progress as it goes.

    Idempotent: a pending archive is claimed with a conditional UPDATE, and so
    is a running one left behind by a worker that died. The notices' stored
    PDFs are copied, never rendered again.
    """
    stale = timezone.now() - STALE_AFTER
    claimable = Q(status="pending") | Q(status="running", created_at__lt=stale)
    if not NoticeArchive.objects.filter(claimable, pk=archive_id).update(status="running", done=0):
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
