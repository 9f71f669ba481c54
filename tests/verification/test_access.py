"""Who sees a verification and its evidence through the pages: another team, another
county, a school before and after approval."""

from __future__ import annotations

import pytest
from django.urls import reverse

from verification import services
from verification.models import Response

from .fixtures import complete, jpeg_bytes


def detail(v):
    return reverse("verification_detail", args=[v.pk])


def test_another_teams_member_gets_404(login, verification, county_team_b):
    other = county_team_b.members.first().user
    client = login(other)
    assert client.get(detail(verification)).status_code == 404
    item = verification.template.items.get(code="01")
    assert (
        client.post(
            reverse("verification_answer", args=[verification.pk]),
            {"item": item.pk, "answer": "pass", "revision": 0},
        ).status_code
        == 404
    )
    assert not Response.objects.exists()


def test_another_countys_official_gets_404(login, verification, official_b):
    assert login(official_b).get(detail(verification)).status_code == 404


def test_the_county_official_follows_but_cannot_answer(login, verification, official_a):
    client = login(official_a)
    assert client.get(detail(verification)).status_code == 200
    item = verification.template.items.get(code="01")
    response = client.post(
        reverse("verification_answer", args=[verification.pk]),
        {"item": item.pk, "answer": "pass", "revision": 0},
    )
    assert response.status_code == 403
    assert not Response.objects.exists()


def test_a_school_sees_its_approved_result_but_not_a_draft(
    login, verification, county_members, school_contact_a
):
    client = login(school_contact_a)
    assert client.get(detail(verification)).status_code == 404
    complete(verification, county_members)
    services.verification_approve(actor=county_members["education"], verification=verification)
    assert client.get(detail(verification)).status_code == 200
    assert client.get(reverse("verification_list")).context["page"].paginator.count == 1


def test_a_county_official_sees_only_results_of_city_teams(
    login, official_a, city_staff, city_team, city_school_a, template, tomorrow
):
    [v] = services.verification_assign(
        actor=city_staff, team=city_team, schools=[city_school_a], planned_on=tomorrow
    )
    assert login(official_a).get(reverse("verification_detail", args=[v.pk])).status_code == 404


def test_evidence_is_served_only_within_scope(login, verification, county_members, official_b):
    item = verification.template.items.get(code="01")
    services.response_save(
        actor=county_members["health"], verification=verification, item_id=item.pk, answer="pass"
    )
    evidence = services.evidence_add(
        actor=county_members["health"],
        verification=verification,
        item_id=item.pk,
        name="a.jpg",
        data=jpeg_bytes(),
    )
    url = reverse("verification_evidence", args=[evidence.pk])
    ok = login(county_members["sport"]).get(url)
    assert ok.status_code == 200 and ok["Content-Type"] == "image/jpeg"
    assert login(official_b).get(url).status_code == 404


@pytest.mark.parametrize(
    "name", ["answer", "evidence_upload", "confirm", "submit", "approve", "return", "reverify"]
)
def test_every_action_on_another_countys_verification_is_404(
    login, verification, county_team_b, name
):
    other = county_team_b.members.first().user
    url = reverse(f"verification_{name}", args=[verification.pk])
    assert login(other).post(url, {"reason": "x", "planned_on": "2030-03-01"}).status_code == 404
    verification.refresh_from_db()
    assert verification.status == "assigned" and not Response.objects.exists()
