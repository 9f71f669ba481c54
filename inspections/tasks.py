"""Celery tasks of inspections: take ids, re-read the rows, call a service."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(soft_time_limit=10 * 60, time_limit=12 * 60)
def findings_mark_overdue() -> int:
    """Daily: flags overdue findings and mails the county and the school (once each)."""
    return services.findings_mark_overdue()


@shared_task(soft_time_limit=20 * 60, time_limit=25 * 60)
def notices_zip_build(archive_id: int) -> str:
    """Builds the ZIP of an archive. Idempotent: the archive row is claimed first
    (readiness.jobs), so a duplicated message does nothing, and a redelivered one
    takes over an archive whose worker died."""
    return "built" if services.notice_archive_build(archive_id=archive_id) else "already claimed"
