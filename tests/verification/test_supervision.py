"""Supervision: schools by state per county, the drill-down, overdue verifications."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.readiness.factories import SchoolFactory
from verification import selectors, services
from verification.models import Verification

from .fixtures import answer_all, complete


def test_supervision_counts_schools_by_state_per_county(
    login, city_staff, verification, county_members, school_b, county_b, template
):
    answer_all(verification, county_members)
    table = login(city_staff).get(reverse("verification_supervision")).context["table"]
    rows = {row["county"].code: row for row in table}
    assert (rows["371302"]["in_progress"], rows["371302"]["total"]) == (1, 1)
    assert (rows["371323"]["not_started"], rows["371323"]["total"]) == (1, 1)


def test_supervision_of_a_county_official_shows_their_county(
    login, official_a, verification, school_b
):
    table = login(official_a).get(reverse("verification_supervision")).context["table"]
    assert [row["county"].code for row in table] == ["371302"]


def test_supervision_drills_down_to_the_schools(login, official_a, verification):
    response = login(official_a).get(
        reverse("verification_supervision"), {"county": "371302", "state": "not_started"}
    )
    assert [row["school"].name for row in response.context["rows"]] == ["兰山区城关镇中心小学"]


def test_supervision_drill_down_of_another_county_is_empty(
    login, official_a, verification, school_b
):
    response = login(official_a).get(reverse("verification_supervision"), {"county": "371323"})
    assert response.context["rows"] == []


@pytest.mark.parametrize("count", [3, 30])
def test_supervision_query_count_does_not_grow(
    login, city_staff, county_a, county_b, django_assert_num_queries, count
):
    SchoolFactory.create_batch(count, county=county_a)
    SchoolFactory.create_batch(count, county=county_b)
    client = login(city_staff)
    with django_assert_num_queries(5):  # session, user, counts, overdue, counties
        response = client.get(reverse("verification_supervision"))
    assert response.status_code == 200
    table = response.context["table"]
    assert {row["county"].code: row["total"] for row in table} == {
        "371302": count,
        "371323": count,
    }
    assert "兰山区" in response.content.decode()


def test_a_passed_conditional_due_date_counts_as_overdue(verification, county_members, city_staff):
    complete(verification, county_members, fail=("05",))
    services.verification_approve(
        actor=county_members["education"],
        verification=verification,
        reverify_due=timezone.localdate() + dt.timedelta(days=7),
    )
    Verification.objects.filter(pk=verification.pk).update(
        reverify_due=timezone.localdate() - dt.timedelta(days=1)
    )
    [row] = [r for r in selectors.supervision(user=city_staff) if r["county"].code == "371302"]
    assert (row["conditional"], row["overdue"]) == (1, 1)


@pytest.mark.parametrize("role", ["school", "verifier", "inspector", "supplies"])
def test_supervision_and_export_are_refused_to_roles_without_the_right(
    login, make_user, school_a, role
):
    client = login(make_user(role, school=school_a if role == "school" else None))
    assert client.get(reverse("verification_supervision")).status_code == 403
    assert client.get(reverse("verification_export")).status_code == 403


def test_a_reverification_under_way_leaves_the_school_s_state_standing(
    login, official_a, city_staff, verification, county_members, school_a, tomorrow,
    verification_alone,
):  # fmt: skip
    """One definition of state: the school list, supervision, its drill-down and the
    report all say 'conditionally ready' while the re-verification is assigned."""
    from verification.dispatch import figures as report_figures

    complete(verification, county_members, fail=("05",))
    services.verification_approve(
        actor=county_members["education"],
        verification=verification,
        reverify_due=timezone.localdate() + dt.timedelta(days=7),
    )
    services.verification_reverify(actor=official_a, previous=verification, planned_on=tomorrow)
    school_a.refresh_from_db()
    assert school_a.readiness == "conditional"
    table = login(official_a).get(reverse("verification_supervision")).context["table"]
    row = {r["county"].code: r for r in table}["371302"]
    assert (row["conditional"], row["not_started"]) == (1, 0)
    listed = login(official_a).get(
        reverse("verification_supervision"), {"county": "371302", "state": "conditional"}
    )
    assert [r["school"].pk for r in listed.context["rows"]] == [school_a.pk]
    schools = login(official_a).get(reverse("school_list"), {"readiness": "conditional"})
    assert school_a.name in schools.content.decode()
    report = report_figures(timezone.localdate())
    county = next(c for c in report["by_county"] if c["code"] == "371302")
    assert (county["conditional"], county["not_started"]) == (1, 0)


def test_the_overdue_count_links_to_the_schools_it_counted(login, official_a, verification):
    Verification.objects.filter(pk=verification.pk).update(
        planned_on=timezone.localdate() - dt.timedelta(days=2)
    )
    client = login(official_a)
    page = client.get(reverse("verification_supervision")).content.decode()
    assert "?county=371302&amp;state=overdue" in page
    listed = client.get(
        reverse("verification_supervision"), {"county": "371302", "state": "overdue"}
    )
    assert [r["school"].name for r in listed.context["rows"]] == ["兰山区城关镇中心小学"]
    body = listed.content.decode()
    assert "<h1>兰山区 · 逾期</h1>" in body
