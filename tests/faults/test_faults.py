"""Fault tests against real PostgreSQL, Redis and Celery workers: the broker
stopped and started again, a worker killed with SIGKILL in the middle of an
import, and the import's database connection cut. Each ends in a state the
pages understand, with nothing written twice and nothing half-written."""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from people.models import Person, PersonImport
from tests.conftest import celery_broker
from tests.people.test_import import HEADER

pytestmark = pytest.mark.redis
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def redis_server(port: int):
    """A Redis of the test's own, on the loopback address, stopped at the end."""
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        assert wait_for(lambda: _answers(port), 10), "redis did not start"
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_for(predicate, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@contextmanager
def worker(broker: str, media_root: Path, **env):
    """A Celery worker process against the test database and ``broker``."""
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING"],
        cwd=ROOT,
        env={
            **os.environ, "DATABASE_URL": database_url(), "CELERY_BROKER_URL": broker,
            "MEDIA_ROOT": str(media_root), "DEBUG": "1", **env,
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
        print(process.communicate(timeout=30)[0].decode(errors="replace")[-3000:])


@pytest.fixture
def live(postgres_live, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def big_csv(rows: int) -> io.BytesIO:
    """``rows`` valid, distinct person files of school 2137020001."""
    import datetime as dt

    from people import idcard

    lines = [HEADER]
    for n in range(rows):
        birth = dt.date(2008, 1, 1) + dt.timedelta(days=n // 999)
        number = idcard.make("371302", birth, n % 999 + 1)
        lines.append(
            f"2137020001,学生,学生{n},{number},高一,1班,走读,本县区,本地,是,2020-03-20,正常,2020-03-18"
        )
    data = io.BytesIO(("\r\n".join(lines) + "\r\n").encode())
    data.name = "一人一档.csv"
    return data


def files_of(upload: io.BytesIO) -> set[tuple]:
    """(school code, name, identity number) of each data row of ``upload``."""
    rows = upload.getvalue().decode().splitlines()[1:]
    return {tuple(row.split(",")[i] for i in (0, 2, 3)) for row in rows}


def stored_files() -> set[tuple]:
    return set(Person.objects.values_list("school__code", "name", "id_number"))


def test_with_the_broker_down_pages_answer_and_the_import_fails_visibly_then_runs(
    live, client, official_a, school_a, settings
):
    client.force_login(official_a)
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    settings.CELERY_BROKER_URL = url
    with celery_broker(url):  # nothing listens there yet: the broker is down
        response = client.post(reverse("people_import"), {"file": big_csv(3)})
        job = PersonImport.objects.get()
        assert response["Location"] == reverse("people_import_status", args=[job.pk])
        state = client.get(response["Location"], HTTP_ACCEPT="application/json").json()
        assert (state["status"], state["finished"]) == ("failed", True)
        assert "队列" in state["message"]
        health = client.get(reverse("healthz")).json()
        assert health["database"] == "ok" and health["broker"].startswith("error")
        assert client.get(reverse("home")).status_code == 200

        with redis_server(port), worker(url, live):
            response = client.post(reverse("people_import"), {"file": big_csv(3)})
            again = PersonImport.objects.latest("pk")
            assert wait_for(lambda: PersonImport.objects.get(pk=again.pk).status == "done")
    assert Person.objects.count() == 3
    assert stored_files() == files_of(big_csv(3))
    assert PersonImport.objects.get(pk=job.pk).rows_written == 0  # the failed one wrote nothing


def test_a_worker_killed_mid_import_is_taken_over_and_writes_once(
    live, client, official_a, school_a
):
    client.force_login(official_a)
    port = free_port()
    with redis_server(port) as url, celery_broker(url):
        fast = {"CELERY_VISIBILITY_TIMEOUT": "3", "JOB_LEASE_SECONDS": "2"}
        with worker(url, live, **fast) as first:
            client.post(reverse("people_import"), {"file": big_csv(150_000)})
            job = PersonImport.objects.get()
            # Killed once it has read some rows, with its transaction open.
            assert wait_for(lambda: PersonImport.objects.get(pk=job.pk).done > 0, 60)
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        assert PersonImport.objects.get(pk=job.pk).status == "running"
        assert Person.objects.count() == 0  # the killed transaction wrote nothing
        with worker(url, live, **fast):
            assert wait_for(lambda: PersonImport.objects.get(pk=job.pk).status == "done", 120)
    job.refresh_from_db()
    assert job.rows_written == 150_000
    assert Person.objects.count() == 150_000
    assert stored_files() == files_of(big_csv(150_000))


def test_a_dropped_database_connection_leaves_nothing_half_written(
    live, client, official_a, school_a
):
    client.force_login(official_a)
    port = free_port()
    with redis_server(port) as url, celery_broker(url), worker(url, live):
        client.post(reverse("people_import"), {"file": big_csv(150_000)})
        job = PersonImport.objects.get()
        assert wait_for(lambda: PersonImport.objects.get(pk=job.pk).done > 0, 60)
        with connection.cursor() as cursor:  # cut the import's connection, mid-transaction
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND state IN ('active', 'idle in transaction') AND query NOT ILIKE '%%pg_stat_activity%%'"
            )
        assert wait_for(lambda: PersonImport.objects.get(pk=job.pk).status == "failed", 60)
    assert Person.objects.count() == 0
    state = client.get(
        reverse("people_import_status", args=[job.pk]), HTTP_ACCEPT="application/json"
    ).json()
    assert state["finished"] is True
