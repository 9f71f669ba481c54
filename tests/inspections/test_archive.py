"""Notices bundled into a ZIP in the background, with progress."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from django.urls import reverse
from django.utils import timezone

from inspections import tasks
from inspections.models import NoticeArchive
from tests.inspections.factories import NoticeArchiveFactory, RectificationNoticeFactory


def test_a_zip_of_notices_is_built_with_progress(
    login, finding, inspector_a, recorded_visit, django_capture_on_commit_callbacks
):
    notice = RectificationNoticeFactory(visit=recorded_visit, findings=[finding])
    client = login(inspector_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("archive_create"), {"notice": [notice.pk]})
    status = client.get(response["Location"], HTTP_ACCEPT="application/json").json()
    assert (status["status"], status["done"], status["total"]) == ("done", 1, 1)
    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(client.get(status["download"]).streaming_content))
    )
    assert archive.namelist() == [f"{notice.title}.pdf"]


def test_an_archive_left_running_by_a_dead_worker_is_built_again(
    finding, inspector_a, recorded_visit
):
    notice = RectificationNoticeFactory(visit=recorded_visit, findings=[finding])
    archive = NoticeArchiveFactory(owner=inspector_a, notices=[notice], status="running")
    assert tasks.notices_zip_build(archive.pk) == "already claimed"  # still within its time
    NoticeArchive.objects.filter(pk=archive.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=1)
    )
    tasks.notices_zip_build(archive.pk)
    archive.refresh_from_db()
    assert (archive.status, archive.done) == ("done", 1)


def test_choosing_no_notice_is_refused_on_the_list(login, inspector_a):
    response = login(inspector_a).post(reverse("archive_create"))
    assert response.status_code == 200
    assert response.context["form"].errors["notice"] == ["请选择您有权查看的通知书。"]
    assert not NoticeArchive.objects.exists()


def test_a_notice_of_another_county_is_refused_and_the_choice_kept(
    login, finding, recorded_visit, official_a, official_b
):
    mine = RectificationNoticeFactory(visit=recorded_visit, findings=[finding])
    response = login(official_b).post(reverse("archive_create"), {"notice": [mine.pk]})
    assert response.context["form"].errors["notice"] == ["请选择您有权查看的通知书。"]
    assert not NoticeArchive.objects.exists()
    response = login(official_a).post(reverse("archive_create"), {"notice": [mine.pk, "x"]})
    assert f'value="{mine.pk}" aria-label="{mine.title}" checked' in response.content.decode()
    assert not NoticeArchive.objects.exists()


def test_only_the_owner_downloads_an_archive(login, inspector_a, official_a):
    archive = NoticeArchiveFactory(owner=inspector_a, status="done")
    response = login(official_a).get(reverse("archive_download", args=[archive.pk]))
    assert response.status_code == 404
