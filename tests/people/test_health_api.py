"""/api/v1/health-checks/: a check-in app posts a whole session at once, by class
names; all or nothing; posting it again changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from people.models import HealthCheck, SessionReport
from tests.people.factories import SchoolClassFactory, reopened

YESTERDAY = timezone.localdate() - dt.timedelta(days=1)
URL = "/api/v1/health-checks/"


@pytest.fixture
def api(api_client):
    def as_user(user):
        api_client.force_authenticate(user)
        return api_client

    return as_user


@pytest.fixture
def classes(school_a):
    reopened(school_a)
    return [
        SchoolClassFactory(school=school_a, grade="高一", name="1班", enrolled=40),
        SchoolClassFactory(school=school_a, grade="高一", name="2班", enrolled=38),
    ]


def batch(school, **extra):
    return {
        "school": school.code,
        "date": YESTERDAY.isoformat(),
        "session": "morning",
        "classes": [
            {"grade": "高一", "class_name": "1班", "absent": 2, "absent_ill": 2, "fever": 2},
            {"grade": "高一", "class_name": "2班"},
        ],
        **extra,
    }


def test_a_session_posted_twice_is_written_once(api, school_contact_a, school_a, classes):
    client = api(school_contact_a)
    first = client.post(URL, batch(school_a), format="json")
    assert first.status_code == 200, first.json()
    body = first.json()
    # 40 + 38 enrolled, 2 absent, both ill with fever (worked by hand).
    assert (body["classes"], body["enrolled"], body["absent"], body["fever"]) == (2, 78, 2, 2)
    histories = sum(c.history.count() for c in HealthCheck.objects.all())
    again = client.post(URL, batch(school_a), format="json")
    assert again.status_code == 200 and again.json()["absent"] == 2
    assert HealthCheck.objects.count() == 2 and SessionReport.objects.count() == 1
    assert sum(c.history.count() for c in HealthCheck.objects.all()) == histories
    listed = client.get(URL, {"school": school_a.code}).json()
    assert {(row["grade"], row["class_name"], row["absent"]) for row in listed["results"]} == {
        ("高一", "1班", 2),
        ("高一", "2班", 0),
    }


def test_an_unknown_class_or_a_bad_count_writes_nothing(api, school_contact_a, school_a, classes):
    client = api(school_contact_a)
    unknown = batch(school_a)
    unknown["classes"].append({"grade": "高九", "class_name": "1班"})
    response = client.post(URL, unknown, format="json")
    assert response.status_code == 400 and "2" in response.json()["classes"]
    bad = batch(school_a)
    bad["classes"][0]["absent_ill"] = 3  # more ill than absent
    response = client.post(URL, bad, format="json")
    assert response.status_code == 400
    assert response.json()[f"class-{classes[0].pk}"] == ["因病缺勤 3 人，超过缺勤 2 人。"]
    negative = batch(school_a)
    negative["classes"][1]["absent"] = -1
    assert client.post(URL, negative, format="json").status_code == 400
    assert not HealthCheck.objects.exists() and not SessionReport.objects.exists()


def test_another_school_or_county_is_refused(
    api, school_contact_a, school_a, classes, official_a, official_b, make_user, school_b
):
    assert api(official_b).post(URL, batch(school_a), format="json").status_code == 404
    other = make_user("school", school=school_b)
    assert api(other).post(URL, batch(school_a), format="json").status_code == 404
    api(school_contact_a).post(URL, batch(school_a), format="json")
    assert api(official_b).get(URL).json()["results"] == []
    with CaptureQueriesContext(connection) as queries:
        assert len(api(official_a).get(URL).json()["results"]) == 2  # the county's own
    # The county's checks are one range of the (county, id) index: read by the
    # checks' own county, not through their schools.
    (listing,) = [q["sql"] for q in queries if 'FROM "people_healthcheck"' in q["sql"]]
    where = listing.split(" WHERE ", 1)[1]
    assert f'"people_healthcheck"."county_id" = {school_a.county_id}' in where
    assert '"readiness_school"' not in where


def test_the_checks_are_read_newest_first_a_page_at_a_time_and_never_counted(
    api, school_contact_a, school_a, classes, django_assert_max_num_queries
):
    """Three sessions of two classes are six rows: pages of four and two by the
    ``next`` link, the last session first; a row written while reading does not
    shift the page that follows."""
    client = api(school_contact_a)
    for days_ago in (3, 2, 1):
        day = (timezone.localdate() - dt.timedelta(days=days_ago)).isoformat()
        assert client.post(URL, batch(school_a, date=day), format="json").status_code == 200
    first = client.get(URL, {"page_size": 4}).json()
    assert "count" not in first and first["previous"] is None
    dates = [row["date"] for row in first["results"]]
    assert (
        dates == [YESTERDAY.isoformat()] * 2 + [(YESTERDAY - dt.timedelta(days=1)).isoformat()] * 2
    )
    client.post(URL, batch(school_a, session="noon"), format="json")  # two new rows on top
    with django_assert_max_num_queries(8):
        second = client.get(first["next"]).json()
    assert [row["date"] for row in second["results"]] == [
        (YESTERDAY - dt.timedelta(days=2)).isoformat()
    ] * 2
    assert second["next"] is None
