"""The one job stack: claims, takeover of an abandoned job, final states, status page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from people.models import PersonImport
from readiness.jobs import job_claim, job_fail, job_progress, lease
from tests.people.factories import PersonImportFactory


def test_a_waiting_job_is_claimed_once(city_staff):
    job = PersonImportFactory(owner=city_staff)
    assert job_claim(model=PersonImport, pk=job.pk)
    assert not job_claim(model=PersonImport, pk=job.pk)
    job.refresh_from_db()
    assert job.status == "running" and job.started_at is not None


def test_a_running_job_whose_worker_stopped_beating_is_taken_over(city_staff):
    silent = timezone.now() - lease() - dt.timedelta(seconds=1)
    job = PersonImportFactory(owner=city_staff, status="running", heartbeat_at=silent, done=40)
    assert job_claim(model=PersonImport, pk=job.pk)
    job.refresh_from_db()
    assert job.done == 0 and job.heartbeat_at > silent


def test_a_running_job_with_a_fresh_heartbeat_is_left_alone(city_staff):
    job = PersonImportFactory(owner=city_staff, status="running", heartbeat_at=timezone.now())
    assert not job_claim(model=PersonImport, pk=job.pk)


@pytest.mark.django_db(transaction=True)  # on PostgreSQL progress has its own connection
def test_progress_beats_the_heart(city_staff):
    job = PersonImportFactory(owner=city_staff)
    job_claim(model=PersonImport, pk=job.pk)
    with job_progress(model=PersonImport, pk=job.pk) as progress:
        progress(1234)
    job.refresh_from_db()
    assert job.done == 1234


def test_a_failed_job_is_finished_for_the_page(login, city_staff):
    job = PersonImportFactory(owner=city_staff)
    job_fail(model=PersonImport, pk=job.pk, message="broker down")
    data = (
        login(city_staff)
        .get(reverse("people_import_status", args=[job.pk]), HTTP_ACCEPT="application/json")
        .json()
    )
    assert (data["status"], data["finished"], data["message"]) == ("failed", True, "broker down")


def test_a_finished_job_is_not_failed_again(city_staff):
    job = PersonImportFactory(owner=city_staff, status="done")
    job_fail(model=PersonImport, pk=job.pk, message="late")
    job.refresh_from_db()
    assert job.status == "done"


def test_progress_is_seen_outside_the_transaction_of_the_work(postgres_live, city_staff):
    from django.db import DEFAULT_DB_ALIAS, connections, transaction

    job = PersonImportFactory(owner=city_staff)
    job_claim(model=PersonImport, pk=job.pk)
    onlooker = connections.create_connection(DEFAULT_DB_ALIAS)  # the status page
    try:
        with transaction.atomic():
            with job_progress(model=PersonImport, pk=job.pk) as progress:
                progress(500)
                with onlooker.cursor() as cursor:
                    cursor.execute(
                        f"SELECT done FROM {PersonImport._meta.db_table} WHERE id = %s", [job.pk]
                    )
                    assert cursor.fetchone() == (500,)
            transaction.set_rollback(True)  # a refused file: the work is undone
    finally:
        onlooker.close()
    job.refresh_from_db()
    assert job.done == 500  # the progress was not part of the work
