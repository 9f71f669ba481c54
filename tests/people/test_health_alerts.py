"""Alerts raised by the health checks, at the edges of their rules; the county
acknowledges and closes them; silence is an alert at the hour the city set."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from people.models import HealthAlert
from people.services import (
    ClassCount,
    alert_acknowledge,
    alert_close,
    health_silence_check,
    session_submit,
)
from tests.people.factories import SchoolClassFactory, reopened
from tests.readiness.factories import SchoolFactory

TODAY = timezone.localdate()
YESTERDAY = TODAY - dt.timedelta(days=1)


@pytest.fixture
def one_class(school_a):
    reopened(school_a)
    return SchoolClassFactory(school=school_a, enrolled=200)


def enter(user, school, count, *, on_date=YESTERDAY, session="morning"):
    return session_submit(
        actor=user, school=school, on_date=on_date, session=session, counts=[count]
    )


@pytest.mark.parametrize(("coughs", "raised"), [(2, 0), (3, 1)])
def test_three_pupils_of_a_class_with_the_same_symptom_raise_one_alert(
    school_contact_a, school_a, one_class, coughs, raised
):
    enter(school_contact_a, school_a, ClassCount(one_class.pk, cough=coughs))
    enter(school_contact_a, school_a, ClassCount(one_class.pk, cough=coughs), session="noon")
    alerts = HealthAlert.objects.filter(rule="class_cluster")
    assert alerts.count() == raised  # the noon check of the same pupils raises no second
    if raised:
        alert = alerts.get()
        assert (alert.symptom, alert.figure, alert.school_class) == ("cough", 3, one_class)


def test_coughs_spread_over_symptoms_are_no_cluster(school_contact_a, school_a, one_class):
    enter(school_contact_a, school_a, ClassCount(one_class.pk, cough=2, rash=2, diarrhoea=2))
    assert not HealthAlert.objects.exists()


@pytest.mark.parametrize(("fevers", "raised"), [(1, False), (2, True)])
def test_two_fevers_in_a_class_are_a_fever_cluster(
    school_contact_a, school_a, one_class, fevers, raised
):
    enter(school_contact_a, school_a, ClassCount(one_class.pk, fever=fevers))
    assert HealthAlert.objects.filter(rule="fever").exists() is raised


def _baseline(user, school, school_class, ill_per_day: int, days: int = 7):
    for back in range(2, 2 + days):
        enter(user, school, ClassCount(school_class.pk, absent=ill_per_day,
                                       absent_ill=ill_per_day),
              on_date=TODAY - dt.timedelta(days=back))  # fmt: skip


@pytest.mark.parametrize(
    ("ill", "raised"),
    [
        (6, False),  # 6 of 200 is 3.0 %: exactly twice the 1.5 % baseline, not above
        (7, True),  # 3.5 % is above 3.0 %
    ],
)
def test_illness_absence_above_twice_the_schools_own_baseline(
    school_contact_a, school_a, one_class, ill, raised
):
    _baseline(school_contact_a, school_a, one_class, ill_per_day=3)  # 3 of 200: 1.5 %
    enter(school_contact_a, school_a, ClassCount(one_class.pk, absent=ill, absent_ill=ill))
    alert = HealthAlert.objects.filter(rule="rate").first()
    assert (alert is not None) is raised
    if raised:
        assert (alert.figure, alert.threshold) == (3.5, 3.0)


def test_one_ill_child_in_a_quiet_school_is_no_outbreak(school_contact_a, school_a, one_class):
    _baseline(school_contact_a, school_a, one_class, ill_per_day=0)
    enter(school_contact_a, school_a, ClassCount(one_class.pk, absent=2, absent_ill=2))
    assert not HealthAlert.objects.filter(rule="rate").exists()  # below 3 absent for illness


def test_no_baseline_no_rate_alert(school_contact_a, school_a, one_class):
    enter(school_contact_a, school_a, ClassCount(one_class.pk, absent=20, absent_ill=20))
    assert not HealthAlert.objects.filter(rule="rate").exists()


def test_the_county_officials_are_mailed_once_it_commits(
    school_contact_a, school_a, one_class, official_a, official_b,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    official_a.email, official_b.email = "a@lanshan.example", "b@yishui.example"
    official_a.save()
    official_b.save()
    with django_capture_on_commit_callbacks(execute=True):
        enter(school_contact_a, school_a, ClassCount(one_class.pk, fever=2))
    assert [m.to for m in mail.outbox] == [["a@lanshan.example"]]
    assert school_a.name in mail.outbox[0].body and "发热" in mail.outbox[0].body


def test_a_school_silent_at_the_hour_gets_an_alert_once(
    school_contact_a, school_a, one_class, county_a
):
    quiet = SchoolFactory(county=county_a, name="沉默小学")
    reopened(quiet)
    SchoolClassFactory(school=quiet)
    closed = SchoolFactory(county=county_a)  # not reopened: nothing expected
    SchoolClassFactory(school=closed)
    session_submit(
        actor=school_contact_a, school=school_a, on_date=YESTERDAY, session="morning",
        nothing_to_report=True,
    )  # fmt: skip
    raised = health_silence_check(session="morning", on_date=YESTERDAY)
    assert [a.school for a in raised] == [quiet]
    assert health_silence_check(session="morning", on_date=YESTERDAY) == []
    assert "晨检" in raised[0].summary() and "未报告" in raised[0].summary()


def test_the_county_acknowledges_and_closes_with_what_was_done(
    school_contact_a, school_a, one_class, official_a, official_b, task_force
):
    enter(school_contact_a, school_a, ClassCount(one_class.pk, fever=2))
    alert = HealthAlert.objects.get()
    for outsider in (official_b, task_force, school_contact_a):
        with pytest.raises(PermissionDenied):
            alert_acknowledge(actor=outsider, alert=alert)
    alert_acknowledge(actor=official_a, alert=alert)
    with pytest.raises(ValidationError):
        alert_close(actor=official_a, alert=alert, action="  ")
    alert = alert_close(actor=official_a, alert=alert, action="已追查：两名学生居家隔离")
    assert (alert.status, alert.closed_by, alert.action) == (
        "closed",
        official_a,
        "已追查：两名学生居家隔离",
    )
    assert [h.status for h in alert.history.order_by("history_id")] == [
        "open",
        "acknowledged",
        "closed",
    ]


def test_a_refused_close_keeps_what_was_typed(login, school_contact_a, school_a, one_class,
                                              official_a):  # fmt: skip
    enter(school_contact_a, school_a, ClassCount(one_class.pk, fever=2))
    alert = HealthAlert.objects.get()
    client = login(official_a)
    page = client.get(reverse("health_alerts")).content.decode()
    assert alert.summary() in page
    response = client.post(reverse("health_alert_close", args=[alert.pk]), {"action": ""})
    assert response.status_code == 400 and "请说明处置情况" in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == "open"


def test_the_county_home_lists_its_alerts_to_follow(
    login, school_contact_a, school_a, one_class, official_a, official_b
):
    cache.clear()  # the badges are kept a minute per user: another test's may linger
    enter(school_contact_a, school_a, ClassCount(one_class.pk, fever=2))
    alert = HealthAlert.objects.get()
    home = login(official_a).get("/").content.decode()
    assert 'id="todo-health_alerts"' in home and alert.summary() in home
    assert login(official_a).get(reverse("todo_counts")).json()["health"] == 1
    assert 'id="todo-health_alerts"' not in login(official_b).get("/").content.decode()
