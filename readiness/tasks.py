"""Celery tasks: take plain values, call one service, safe to run twice."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from . import idempotency, services
from .accounts import services as account_services

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
    try:
        report = services.dispatch_report_build(on_date=day)
        services.dispatch_report_pdf(report=report)  # rendered once, with the build
    except services.StaleReportDate:
        # A message delivered after midnight: today's figures are not that day's.
        logger.warning("dispatch report for %s not built: the day is over", day)
        return ""
    return report.on_date.isoformat()


@shared_task(
    bind=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=10 * 60,
    time_limit=12 * 60,
)
def dispatch_report_due(self) -> str:
    """Builds today's report once its time has come (idempotent: asked every ten minutes)."""
    report = services.dispatch_report_due()
    if report is None:
        return ""
    services.dispatch_report_pdf(report=report)  # rendered once (kept), with the build
    return report.on_date.isoformat()


@shared_task(soft_time_limit=5 * 60, time_limit=6 * 60)
def purge_stale_uploads() -> int:
    """Deletes spreadsheets uploaded for import and never confirmed within 24 hours."""
    return services.school_import_purge() + account_services.account_import_purge()


@shared_task(soft_time_limit=5 * 60, time_limit=6 * 60)
def purge_idempotency_keys() -> int:
    """Forgets the idempotency keys of writes older than ``IDEMPOTENCY_DAYS``."""
    return idempotency.purge()


@shared_task(soft_time_limit=5 * 60, time_limit=6 * 60)
def purge_expired_tokens() -> int:
    """Deletes the API tokens that have expired (each was refused already)."""
    return account_services.tokens_purge_expired()


# Well within the job lease (JOB_LEASE_SECONDS): the job beats no heart while it runs.
@shared_task(soft_time_limit=4 * 60, time_limit=5 * 60)
def school_import_run(job_id: int) -> None:
    """Checks, or imports once confirmed, a school spreadsheet; the job row holds the outcome."""
    services.school_import_run(job_id=job_id)


@shared_task(soft_time_limit=4 * 60, time_limit=5 * 60)
def account_import_run(job_id: int) -> None:
    """Checks, or creates once confirmed, the accounts of a spreadsheet."""
    account_services.account_import_run(job_id=job_id)


@shared_task(soft_time_limit=10 * 60, time_limit=12 * 60)
def readiness_recompute() -> int:
    """Judges every school again (nightly, after a change of policy or norms); idempotent."""
    return services.readiness_recompute()


def enqueue(task, *args) -> bool:
    """Queues ``task`` once the current transaction commits.

    Returns False when the broker could not be reached. Outside a transaction
    (a plain request) the message is sent at once, so the answer is known;
    inside one it is sent on commit, and a failure then is logged. A web
    request never waits long on a broker that is down: the connection timeout
    is two seconds and publishing is not retried.
    """
    sent: list[bool] = []

    def publish() -> None:
        try:
            task.apply_async(args=args)
        except Exception:  # kombu raises several kinds of errors for an unreachable broker
            logger.exception("could not queue %s", task.name)
            sent.append(False)
        else:
            sent.append(True)

    transaction.on_commit(publish)
    return all(sent)
