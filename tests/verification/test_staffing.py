"""Staffing the verification teams: the city bureau any team, a county official the
county's own; members are active verifiers of the team's scope, by department; the
leader is a member; a member removed keeps their work but loses the team's."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from readiness.models import AuditEntry, User
from tests.readiness.factories import UserFactory
from tests.verification.factories import (
    DepartmentFactory,
    ResponseFactory,
    TeamMemberFactory,
    VerificationFactory,
    VerificationTeamFactory,
    VerifierFactory,
)
from verification import staffing
from verification.access import verification_q
from verification.models import Response, TeamMember, Verification


@pytest.fixture
def health(db):
    return DepartmentFactory(code="health", name="卫健")


@pytest.fixture
def team_a(county_a):
    return VerificationTeamFactory(name="兰山区第一核验组", county=county_a)


@pytest.fixture
def team_b(county_b):
    return VerificationTeamFactory(name="沂水县第一核验组", county=county_b)


def add(client, team, user, department):
    return client.post(
        reverse("team_member_add", args=[team.pk]), {"user": user.pk, "department": department.pk}
    )


def test_a_county_official_staffs_the_countys_team(login, official_a, team_a, county_a, health):
    verifier = VerifierFactory(county=county_a, full_name="周医生")
    client = login(official_a)
    page = client.get(reverse("team_staff", args=[team_a.pk])).content.decode()
    assert "周医生" in page  # offered
    assert add(client, team_a, verifier, health).status_code == 302
    member = TeamMember.objects.get(team=team_a)
    assert (member.user, member.department) == (verifier, health)
    client.post(reverse("team_leader_set", args=[team_a.pk]), {"leader": verifier.pk})
    team_a.refresh_from_db()
    assert team_a.leader == verifier
    entries = AuditEntry.objects.filter(actor=official_a).order_by("pk")
    assert list(entries.values_list("action", "county")) == [
        ("verification.member_add", county_a.pk), ("verification.leader_set", county_a.pk)]  # fmt: skip


def test_only_active_verifiers_of_the_teams_county_join(
    login, official_a, team_a, county_a, county_b, health
):
    client = login(official_a)
    strangers = [
        VerifierFactory(county=county_b),  # another county's
        VerifierFactory(county=None),  # the city's
        UserFactory(role=User.Role.SUPPLIES, county=county_a),  # not a verifier
        VerifierFactory(county=county_a, is_active=False),
    ]
    for user in strangers:
        assert add(client, team_a, user, health).status_code == 400
    TeamMemberFactory(team=team_a, user=VerifierFactory(county=county_a), department=health)
    twice = TeamMember.objects.get(team=team_a).user
    page = add(client, team_a, twice, health)
    assert page.status_code == 400
    assert TeamMember.objects.filter(team=team_a).count() == 1 and not AuditEntry.objects.exists()


def test_a_city_team_takes_the_citys_verifiers(login, city_staff, health):
    team = VerificationTeamFactory(name="市第一核验组", level="city", county=None)
    verifier = VerifierFactory(county=None)
    assert add(login(city_staff), team, verifier, health).status_code == 302
    assert team.members.get().user == verifier


def test_the_leader_must_be_a_member_and_stays_until_replaced(
    login, official_a, team_a, county_a, health
):
    member = TeamMemberFactory(
        team=team_a, user=VerifierFactory(county=county_a), department=health
    ).user
    outsider = VerifierFactory(county=county_a)
    client = login(official_a)
    page = client.post(reverse("team_leader_set", args=[team_a.pk]), {"leader": outsider.pk})
    assert page.status_code == 400
    team_a.refresh_from_db()
    assert team_a.leader is None
    client.post(reverse("team_leader_set", args=[team_a.pk]), {"leader": member.pk})
    page = client.post(reverse("team_member_remove", args=[team_a.pk, member.pk]), follow=True)
    assert "请先指定其他组长" in page.content.decode()
    assert TeamMember.objects.filter(team=team_a, user=member).exists()


def test_a_member_removed_keeps_their_work_and_loses_the_teams(
    login, official_a, county_a, school_a, health
):
    verification = VerificationFactory(school=school_a, team__county=county_a)
    member = TeamMemberFactory(
        team=verification.team, user=VerifierFactory(county=county_a), department=health
    )
    answer = ResponseFactory(verification=verification, answered_by=member.user)
    assert Verification.objects.filter(verification_q(member.user)).exists()
    response = login(official_a).post(
        reverse("team_member_remove", args=[verification.team.pk, member.user.pk])
    )
    assert response.status_code == 302
    assert not TeamMember.objects.filter(pk=member.pk).exists()
    assert Response.objects.get(pk=answer.pk).answered_by == member.user
    assert not Verification.objects.filter(verification_q(member.user)).exists()
    entry = AuditEntry.objects.get(action="verification.member_remove")
    assert entry.detail["user"] == f"readiness.User:{member.user.pk}"


def test_another_countys_team_and_the_city_teams_are_not_a_county_officials(
    login, official_a, team_b, county_a, health, school_contact_a
):
    city_team = VerificationTeamFactory(level="city", county=None)
    verifier = VerifierFactory(county=county_a)
    client = login(official_a)
    for team in (team_b, city_team):
        assert client.get(reverse("team_staff", args=[team.pk])).status_code == 404
        assert add(client, team, verifier, health).status_code == 404
        with pytest.raises(PermissionDenied):
            staffing.team_member_add(actor=official_a, team=team, user=verifier, department=health)
    assert not TeamMember.objects.exists()
    listed = client.get(reverse("team_list")).content.decode()
    assert team_b.name not in listed and city_team.name not in listed
    assert login(school_contact_a).get(reverse("team_list")).status_code == 403
