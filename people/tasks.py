"""Celery tasks of the ledger: take ids, call one service, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(soft_time_limit=60 * 60, time_limit=70 * 60)
def person_import_run(job_id: int) -> None:
    """Imports a file of person files; the job row carries progress and errors."""
    services.person_import_run(job_id=job_id)


@shared_task(soft_time_limit=5 * 60, time_limit=6 * 60)
def person_import_purge() -> int:
    """Deletes files of person imports older than 24 hours that never went through."""
    return services.person_import_purge()


@shared_task(soft_time_limit=10 * 60, time_limit=12 * 60)
def screening_refresh() -> None:
    """Nightly: recounts the whole ledger per school (files changed outside imports)."""
    services.screening_refresh()


@shared_task(soft_time_limit=5 * 60, time_limit=6 * 60)
def health_silence_check(session: str) -> int:
    """At the hour the city set: a "not reported" alert for each silent open school."""
    return len(services.health_silence_check(session=session))


@shared_task(soft_time_limit=10 * 60, time_limit=12 * 60)
def health_import_run(job_id: int) -> None:
    """Checks, then (once confirmed) enters, a spreadsheet of health checks."""
    services.health_import_run(job_id=job_id)


@shared_task(soft_time_limit=5 * 60, time_limit=6 * 60)
def health_import_purge() -> int:
    """Deletes the files of health-check imports never confirmed."""
    return services.health_import_purge()
