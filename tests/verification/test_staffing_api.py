"""Team and squad membership through the API, with the refusals of the pages."""

from __future__ import annotations

from inspections.models import InspectionSquad
from readiness.models import AuditEntry
from tests.inspections.factories import InspectionSquadFactory, InspectorFactory
from tests.verification.factories import (
    DepartmentFactory,
    VerificationTeamFactory,
    VerifierFactory,
)
from verification.models import TeamMember


def test_a_county_official_staffs_the_countys_team_through_the_api(
    api_client, official_a, county_a, county_b
):
    DepartmentFactory(code="health", name="卫健")  # named by its code below
    team = VerificationTeamFactory(county=county_a)
    other = VerificationTeamFactory(county=county_b)
    verifier = VerifierFactory(county=county_a)
    api_client.force_authenticate(official_a)
    assert [t["id"] for t in api_client.get("/api/v1/teams/").json()["results"]] == [team.pk]
    added = api_client.post(
        f"/api/v1/teams/{team.pk}/members/",
        {"user": verifier.pk, "department": "health"},
        format="json",
    )
    assert added.status_code == 201 and added.json()["members"] == [
        {"user": verifier.pk, "name": verifier.full_name, "department": "health"}]  # fmt: skip
    stranger = VerifierFactory(county=county_b)
    refused = api_client.post(
        f"/api/v1/teams/{team.pk}/members/",
        {"user": stranger.pk, "department": "health"},
        format="json",
    )
    assert refused.status_code == 400
    assert (
        api_client.post(
            f"/api/v1/teams/{team.pk}/leader/", {"user": stranger.pk}, format="json"
        ).status_code
        == 400
    )
    assert (
        api_client.post(
            f"/api/v1/teams/{team.pk}/leader/", {"user": verifier.pk}, format="json"
        ).json()["leader"]
        == verifier.pk
    )
    assert (
        api_client.delete(f"/api/v1/teams/{team.pk}/members/{verifier.pk}/").status_code == 400
    )  # the leader
    assert api_client.post(f"/api/v1/teams/{other.pk}/members/", {"user": stranger.pk, "department": "health"},
                           format="json").status_code == 404  # fmt: skip
    assert list(TeamMember.objects.values_list("user", flat=True)) == [verifier.pk]
    api_client.post(f"/api/v1/teams/{team.pk}/leader/", {"user": None}, format="json")
    assert api_client.delete(f"/api/v1/teams/{team.pk}/members/{verifier.pk}/").status_code == 204
    assert not TeamMember.objects.exists()
    assert AuditEntry.objects.filter(action="verification.member_remove").count() == 1


def test_the_city_bureau_alone_staffs_squads_through_the_api(
    api_client, city_staff, official_a, county_a, county_b
):
    squad = InspectionSquadFactory(counties=[county_a])
    newcomer = InspectorFactory()
    api_client.force_authenticate(official_a)
    assert api_client.get("/api/v1/squads/").json()["count"] == 0
    assert (
        api_client.post(
            f"/api/v1/squads/{squad.pk}/members/", {"user": newcomer.pk}, format="json"
        ).status_code
        == 404
    )
    api_client.force_authenticate(city_staff)
    assert (
        api_client.post(
            f"/api/v1/squads/{squad.pk}/members/", {"user": newcomer.pk}, format="json"
        ).status_code
        == 201
    )
    assert (
        api_client.put(
            f"/api/v1/squads/{squad.pk}/counties/", {"counties": []}, format="json"
        ).status_code
        == 400
    )
    body = api_client.put(f"/api/v1/squads/{squad.pk}/counties/", {"counties": [county_a.code, county_b.code]},
                          format="json").json()  # fmt: skip
    assert sorted(body["counties"]) == sorted([county_a.code, county_b.code])
    assert set(InspectionSquad.objects.get().members.all()) == {squad.leader, newcomer}
    assert (
        api_client.delete(f"/api/v1/squads/{squad.pk}/members/{squad.leader_id}/").status_code
        == 400
    )
    assert (
        api_client.delete(f"/api/v1/squads/{squad.pk}/members/{newcomer.pk}/").status_code == 204
    )
