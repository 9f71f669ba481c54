"""The one stack for long jobs (imports, ZIPs, report builds).

A job is a row of a model derived from ``readiness.models.Job``. The view that
starts it saves the row and queues its task on commit; the task claims the row
with a conditional UPDATE, so a duplicated message does nothing; while it works
it writes its progress and a heartbeat; it ends in one of the final states
(done, refused, failed), which the status page and the polling script
(``static/js/job.js``) understand. A row left running by a worker that died
(no heartbeat for ``LEASE``) may be claimed again by the redelivered message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Job


def lease() -> dt.timedelta:
    """Longer than the longest gap between two heartbeats of a live job."""
    return dt.timedelta(seconds=settings.JOB_LEASE_SECONDS)


def job_claim(*, model: type[Job], pk: int) -> bool:
    """Takes a waiting job, or one whose worker stopped beating; True if this caller won."""
    now = timezone.now()
    silent_since = now - lease()
    stale = Q(status=Job.Status.RUNNING) & (
        Q(heartbeat_at__lt=silent_since)
        | Q(heartbeat_at__isnull=True, created_at__lt=silent_since)
    )
    claimable = Q(status=Job.Status.PENDING) | stale
    return bool(
        model.objects.filter(claimable, pk=pk).update(
            status=Job.Status.RUNNING, started_at=now, heartbeat_at=now, done=0, message=""
        )
    )


@contextmanager
def job_progress(*, model: type[Job], pk: int) -> Iterator[Callable[[int], None]]:
    """A callback that records how far the job has got, with a heartbeat.

    The work itself often runs in one transaction (an import is the whole file or
    nothing), and progress written inside it would stay invisible until the end.
    On PostgreSQL the callback therefore writes through a connection of its own,
    committed at once. SQLite (the embedded single-user setup) allows one writer
    at a time, so there the progress is written in the work's own transaction.
    """
    table = model._meta.db_table
    side = None
    if connection.vendor == "postgresql":
        side = connections.create_connection(DEFAULT_DB_ALIAS)
        side.set_autocommit(True)

    def progress(done: int) -> None:
        if side is None:
            model.objects.filter(pk=pk, status=Job.Status.RUNNING).update(
                done=done, heartbeat_at=timezone.now()
            )
            return
        with side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET done = %s, heartbeat_at = %s WHERE id = %s AND status = %s",
                [done, timezone.now(), pk, Job.Status.RUNNING],
            )

    try:
        yield progress
    finally:
        if side is not None:
            side.close()


def job_fail(*, model: type[Job], pk: int, message: str) -> None:
    """Ends a job that could not run (not queued, or its task raised).

    A task that raised because its database connection broke gets a new one here,
    so that the job still reaches a final state."""
    if (
        connection.connection is not None
        and not connection.in_atomic_block
        and not connection.is_usable()
    ):
        connection.close()  # the next query opens a new one
    model.objects.filter(pk=pk).exclude(status__in=Job.FINAL).update(
        status=Job.Status.FAILED, message=message[:300], finished_at=timezone.now()
    )


def job_not_queued(*, model: type[Job], pk: int) -> None:
    job_fail(model=model, pk=pk, message=_("The job could not be queued; try again later."))


def job_status(
    request: HttpRequest,
    job: Job,
    *,
    template: str,
    extra: dict | None = None,
    context: dict | None = None,
) -> HttpResponse:
    """The job's state as JSON (for the polling script) or as its page.

    ``extra`` adds the job's own figures and links, shown on both; ``context``
    is for the page only.
    """
    data = {
        "status": job.status,
        "status_label": job.get_status_display(),
        "done": job.done,
        "total": job.total,
        "message": job.message,
        "finished": job.finished,
        **(extra or {}),
    }
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(data)
    return render(request, template, {"job": job, "state": data, **(context or {})})
