"""A real Celery worker, a real Redis broker and PostgreSQL shared between processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from readiness import tasks
from readiness.models import DispatchReport
from tests.conftest import celery_broker
from tests.readiness.factories import SchoolFactory

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def worker(postgres, transactional_db):
    """A worker process on a queue of its own, against the test database."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": os.environ["REDIS_URL"],
        "DEBUG": "1",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        with celery_broker(os.environ["REDIS_URL"]):
            yield queue
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0].decode(errors="replace")
        print(output)


def wait_for(predicate, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return False


@pytest.mark.redis
def test_a_worker_builds_the_dispatch_report_once(worker):
    SchoolFactory.create_batch(3, students=100)
    day = timezone.localdate()
    for _ in range(2):  # a duplicated message must not build a second report
        tasks.dispatch_report_build.apply_async(args=[day.isoformat()], queue=worker)
    assert wait_for(lambda: DispatchReport.objects.filter(on_date=day).exists())
    time.sleep(1)
    report = DispatchReport.objects.get(on_date=day)
    assert report.data["sections"]["readiness"]["totals"]["students"] == 300
    assert DispatchReport.objects.count() == 1
