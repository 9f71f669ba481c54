import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from portal.celery import app
from readiness import dispatch, services
from readiness.models import DispatchReport
from tests.conftest import celery_broker
from tests.readiness.factories import SchoolFactory


def test_the_readiness_section_counts_schools_by_county(school_a, school_b, county_a):
    SchoolFactory(county=county_a, risk_level="high", boarding=True, students=100, staff=10)
    section = dispatch.figures(dt.date(2026, 3, 26))
    assert section["totals"]["school_count"] == 3
    assert section["totals"]["students"] == 600 + 600 + 100
    lanshan = next(row for row in section["by_county"] if row["code"] == "371302")
    assert (lanshan["school_count"], lanshan["high_risk"], lanshan["boarding"]) == (2, 1, 1)


def test_the_report_is_composed_from_the_configured_sections(db):
    report = dispatch.build(dt.date(2026, 3, 26))
    keys = {import_string(path).key for path in settings.DISPATCH_SECTIONS}
    assert set(report["sections"]) == keys


def test_the_build_button_builds_todays_report_in_process(
    login, city_staff, school_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(city_staff).post(reverse("dispatch_build"))
    assert response.status_code == 302
    assert DispatchReport.objects.get().on_date == timezone.localdate()


@pytest.mark.django_db(transaction=True)  # a request in autocommit, as in production
def test_the_message_follows_the_job_built_in_process(login, city_staff, school_a):
    response = login(city_staff).post(reverse("dispatch_build"), follow=True)
    body = response.content.decode()
    assert "今日调度报告已生成。" in body and "正在生成" not in body
    assert DispatchReport.objects.get().on_date == timezone.localdate()


@pytest.mark.django_db(transaction=True)  # a request in autocommit, as in production
def test_the_page_says_so_when_the_broker_is_down(login, city_staff, school_a):
    with celery_broker("redis://127.0.0.1:1/0"):
        response = login(city_staff).post(reverse("dispatch_build"), follow=True)
    assert response.status_code == 200
    assert "未能加入队列" in response.content.decode()
    assert not DispatchReport.objects.exists()


def test_report_pages_for_the_task_force(login, task_force, school_a):
    report = services.dispatch_report_build(on_date=timezone.localdate())
    day = report.on_date.isoformat()
    client = login(task_force)
    with CaptureQueriesContext(connection) as queries:
        listing = client.get(reverse("dispatch_list")).content.decode()
    assert day in listing
    # The list reads the dates, never the snapshots.
    assert not any('"data"' in q["sql"] for q in queries.captured_queries)
    assert "生成今日报告" not in listing  # the task force reads; the bureau builds
    body = client.get(reverse("dispatch_detail", args=[day])).content.decode()
    assert "兰山区" in body


def test_the_task_force_cannot_build_a_report(login, task_force, school_a):
    assert login(task_force).post(reverse("dispatch_build")).status_code == 403
    assert not DispatchReport.objects.exists()


def test_a_late_message_builds_no_report_for_a_day_that_is_over(db):
    from readiness import tasks

    yesterday = timezone.localdate() - dt.timedelta(days=1)
    assert tasks.dispatch_report_build.apply(args=[yesterday.isoformat()]).get() == ""
    assert not DispatchReport.objects.exists()


@pytest.mark.parametrize("path", ["not-a-date", "2026-02-30", "2025-01-01"])
def test_unknown_or_malformed_dates_are_404(login, task_force, path):
    assert login(task_force).get(f"/dispatch/{path}/").status_code == 404


@pytest.mark.parametrize(
    "role", ["county_official", "school", "verifier", "inspector", "supplies"]
)
def test_other_roles_get_403_on_dispatch_pages(login, make_user, county_a, school_a, role):
    services.dispatch_report_build(on_date=timezone.localdate())
    scope = {"county": county_a} if role == "county_official" else {}
    scope = {"school": school_a} if role == "school" else scope
    client = login(make_user(role, **scope))
    assert client.get(reverse("dispatch_list")).status_code == 403
    day = timezone.localdate().isoformat()
    assert client.get(reverse("dispatch_detail", args=[day])).status_code == 403
    assert client.post(reverse("dispatch_build")).status_code == 403


def test_every_scheduled_task_exists():
    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks
