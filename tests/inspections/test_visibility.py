"""Planned visits are secret (四不两直): only their squad and the city bureau see them;
once recorded, the school, its county and the city see the visit and its findings."""

from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.mark.parametrize("who", ["official_a", "school_contact_a"])
def test_a_planned_visit_is_invisible_to_the_county_and_the_school(
    request, login, planned_visit, who
):
    client = login(request.getfixturevalue(who))
    assert client.get(reverse("visit_detail", args=[planned_visit.pk])).status_code == 404
    assert client.get(reverse("visit_list")).context["page"].paginator.count == 0
    assert client.get("/api/v1/visits/").json()["count"] == 0


def test_the_squad_and_the_city_bureau_see_the_plan(
    login, planned_visit, inspector_a, city_staff, squad_b
):
    assert (
        login(inspector_a).get(reverse("visit_detail", args=[planned_visit.pk])).status_code == 200
    )
    assert (
        login(city_staff).get(reverse("visit_detail", args=[planned_visit.pk])).status_code == 200
    )
    other_squad = squad_b.leader
    assert (
        login(other_squad).get(reverse("visit_detail", args=[planned_visit.pk])).status_code == 404
    )


def test_once_recorded_the_county_and_the_school_see_the_visit(
    login, recorded_visit, official_a, school_contact_a, official_b
):
    for user in (official_a, school_contact_a):
        assert (
            login(user).get(reverse("visit_detail", args=[recorded_visit.pk])).status_code == 200
        )
    assert (
        login(official_b).get(reverse("visit_detail", args=[recorded_visit.pk])).status_code == 404
    )


def test_a_city_wide_inspector_sees_recorded_visits_and_their_findings_alike(
    login, finding, squad_b
):
    other = squad_b.leader  # an inspector of another squad, with a city-wide scope
    client = login(other)
    assert client.get(reverse("visit_detail", args=[finding.visit_id])).status_code == 200
    assert client.get(reverse("finding_detail", args=[finding.pk])).status_code == 200


def test_a_leader_outside_the_member_list_sees_the_plans(login, planned_visit, squad_a):
    squad_a.members.remove(squad_a.leader)
    assert (
        login(squad_a.leader).get(reverse("visit_detail", args=[planned_visit.pk])).status_code
        == 200
    )


def test_only_the_squad_sees_the_forms_of_a_visit(login, recorded_visit, official_a, squad_b):
    for user in (official_a, squad_b.leader):
        body = login(user).get(reverse("visit_detail", args=[recorded_visit.pk])).content
        assert b'id="record-form"' not in body and b'id="finding-form"' not in body


def test_a_squads_visits_and_findings_are_listed_once_however_many_its_members(
    login, squad_a, recorded_visit, planned_visit, finding, make_user, school_a
):
    """The squad is matched by a subquery, not joined through its members: four
    members do not make four rows of one visit (the lists have no DISTINCT)."""
    squad_a.members.add(*(make_user("inspector") for _ in range(2)))
    assert squad_a.members.count() == 4
    client = login(squad_a.leader)
    visits = [v.pk for v in client.get(reverse("visit_list")).context["page"]]
    assert sorted(visits) == sorted([recorded_visit.pk, planned_visit.pk])
    assert [row["id"] for row in client.get("/api/v1/visits/").json()["results"]].count(
        planned_visit.pk
    ) == 1
    findings = client.get(reverse("finding_list")).context["page"]
    assert [f.pk for f in findings] == [finding.pk]
