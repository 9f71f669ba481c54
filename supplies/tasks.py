"""Celery tasks of supplies: take ids, call one service, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from . import services


# Well within the job lease (JOB_LEASE_SECONDS): the job beats no heart while it runs.
@shared_task(soft_time_limit=4 * 60, time_limit=5 * 60)
def receipt_import_run(job_id: int) -> None:
    """Checks, or records once confirmed, a spreadsheet of receipts."""
    services.receipt_import_run(job_id=job_id)


@shared_task(soft_time_limit=5 * 60, time_limit=6 * 60)
def receipt_import_purge() -> int:
    """Deletes receipt spreadsheets uploaded and never confirmed within 24 hours."""
    return services.receipt_import_purge()
