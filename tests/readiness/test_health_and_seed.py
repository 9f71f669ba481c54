import json
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from readiness import demo
from readiness.models import County, School, User
from tests.conftest import celery_broker


def test_healthz_reports_database_cache_and_broker(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["database"] == "ok" and data["cache"] == "ok"
    assert data["broker"] in ("in-process", "ok")


def test_healthz_answers_503_when_the_database_is_down(client, db, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database is down")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/healthz")
    monkeypatch.undo()
    assert response.status_code == 503
    assert json.loads(response.content)["database"].startswith("error")


@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_healthz_names_an_unreachable_broker_but_stays_200(client, db):
    with celery_broker("redis://127.0.0.1:1/0"):
        started = time.monotonic()
        response = client.get("/healthz")
        assert time.monotonic() - started < 10
    assert response.status_code == 200
    assert json.loads(response.content)["broker"].startswith("error")


def test_seed_creates_the_thirteen_counties_schools_and_users(db):
    result = demo.seed(schools=120, seed=7)
    assert County.objects.count() == 13
    assert School.objects.count() == 120 == result.schools
    assert set(School.objects.values_list("level", flat=True)) == set(School.Level.values)
    assert School.objects.filter(demonstration=True).get().name == "临沂第四中学"
    roles = set(User.objects.values_list("role", flat=True))
    assert roles >= set(User.Role.values)


def test_seed_is_idempotent(db):
    demo.seed(schools=60, seed=7)
    again = demo.seed(schools=60, seed=7)
    assert (again.counties, again.schools, again.users) == (0, 0, 0)
    assert School.objects.count() == 60


def test_seed_is_deterministic_for_a_seed_and_grows_without_changing_rows(db):
    demo.seed(schools=40, seed=7)
    first = dict(School.objects.values_list("code", "name"))
    demo.seed(schools=80, seed=7)
    after = dict(School.objects.values_list("code", "name"))
    assert {code: after[code] for code in first} == first
    assert len(after) == 80


def test_seed_writes_valid_codes(db):
    demo.seed(schools=200, seed=3)
    for code in School.objects.values_list("code", flat=True):
        assert len(code) == 10 and code.isdigit()


def test_seed_demo_command_prints_what_it_added(db, capsys):
    call_command("seed_demo", "--schools", "30")
    assert "+13 counties, +30 schools" in capsys.readouterr().out


def test_demo_logins_lists_every_role(db, capsys):
    demo.seed(schools=20)
    call_command("demo_logins")
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8000/" in out and demo.DEMO_PASSWORD in out
    for username, *_ in demo.DEMO_USERS:
        assert username in out


@pytest.mark.parametrize("path", ["/", "/schools/", "/dispatch/"])
def test_demo_users_can_log_in_and_open_pages(client, db, path):
    demo.seed(schools=30)
    response = client.post("/login/", {"username": "city", "password": demo.DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get(path).status_code == 200


def test_the_demo_reports_compare_each_day_with_the_one_before(db):
    import datetime as dt

    from django.utils import timezone

    from readiness.models import DispatchReport

    demo.seed(schools=20)
    assert demo.seed_report_history(days=3) == 3
    today = timezone.localdate()
    reports = {r.on_date: r.data for r in DispatchReport.objects.all()}
    assert sorted(reports) == [today - dt.timedelta(days=n) for n in (2, 1, 0)]
    assert reports[today - dt.timedelta(days=2)]["compared"]["previous"] is None
    for n in (1, 0):
        previous = (today - dt.timedelta(days=n + 1)).isoformat()
        assert reports[today - dt.timedelta(days=n)]["compared"]["previous"] == previous
        assert len(reports[today - dt.timedelta(days=n)]["ranking"]["rows"]) == 13
