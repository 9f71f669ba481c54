"""Celery tasks: take plain values, call one service, safe to run twice."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.utils import timezone

from . import services

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=10 * 60,
    time_limit=12 * 60,
)
def dispatch_report_build(self, on_date: str | None = None) -> str:
    """Builds the day's dispatch report (Asia/Shanghai date by default).

    Idempotent: the report date is unique, so a retried or duplicated message
    returns the report already built.
    """
    day = dt.date.fromisoformat(on_date) if on_date else timezone.localdate()
    report = services.dispatch_report_build(on_date=day)
    return report.on_date.isoformat()


@shared_task(soft_time_limit=5 * 60, time_limit=6 * 60)
def purge_stale_uploads() -> int:
    """Deletes spreadsheets uploaded for import and never confirmed within 24 hours."""
    return services.upload_purge_stale()


def enqueue(task, *args) -> bool:
    """Queues ``task`` after the current transaction commits; False if the broker
    cannot be reached. A web request never waits on a broker that is down: the
    connection timeout is two seconds and publishing is not retried."""
    try:
        task.delay_on_commit(*args)
    except Exception:  # kombu raises several kinds of errors for an unreachable broker
        logger.exception("could not queue %s", task.name)
        return False
    return True
