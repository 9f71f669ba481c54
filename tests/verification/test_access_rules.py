"""Who may see, assign, verify again and approve: each rule tried on its own against
the roles table of the README."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from readiness.access import has_right
from tests.readiness.factories import UserFactory
from verification import access
from verification.models import Verification

from .factories import TeamMemberFactory, VerificationFactory


def test_no_right_for_the_anonymous_the_inactive_or_the_roleless(db, make_user):
    assert not has_right(AnonymousUser(), "school_edit")
    inactive = make_user("city_staff", is_active=False)
    assert not has_right(inactive, "school_edit")
    assert not has_right(UserFactory(role=""), "school_edit")
    assert has_right(UserFactory(role="", is_superuser=True), "school_edit")
    assert has_right(make_user("city_staff"), "school_edit")


def test_only_the_assigners_may_assign(
    county_team, city_team, official_a, official_b, city_staff, county_members
):
    assert access.may_assign(city_staff, county_team) and access.may_assign(city_staff, city_team)
    assert access.may_assign(official_a, county_team)
    assert not access.may_assign(official_b, county_team)  # another county's team
    assert not access.may_assign(official_a, city_team)  # a city team
    assert not access.may_assign(county_members["education"], county_team)  # a verifier


def test_only_an_approved_verification_is_verified_again_once(
    verification, official_a, county_members
):
    from .fixtures import approved

    assert not access.may_reverify(official_a, verification)  # not yet approved
    approved(verification, county_members)
    verification.refresh_from_db()
    assert access.may_reverify(official_a, verification)
    assert not access.may_reverify(county_members["education"], verification)


def test_the_leader_must_lead_and_belong(verification, county_members, county_team):
    leader = county_members["education"]
    access.require_leader(leader, verification)  # leads and belongs
    with pytest.raises(PermissionDenied):
        access.require_leader(county_members["health"], verification)  # belongs, does not lead
    county_team.members.filter(user=leader).delete()
    with pytest.raises(PermissionDenied):
        access.require_leader(leader, verification)  # leads, no longer belongs


def test_a_county_sees_city_teams_work_in_the_county_only_once_approved(
    official_a, city_team, city_school_a, school_a, county_team
):
    draft = VerificationFactory(school=city_school_a, team=city_team)
    done = VerificationFactory(
        school=city_school_a, team=city_team, status="approved", result="passed"
    )
    own = VerificationFactory(school=school_a, team=county_team)
    seen = set(
        Verification.objects.filter(access.verification_q(official_a)).values_list("pk", flat=True)
    )
    assert seen == {done.pk, own.pk}
    assert draft.pk not in seen


def test_membership_reads_the_department_with_the_member(
    county_members, county_team, django_assert_num_queries
):
    member = county_members["health"]
    with django_assert_num_queries(1):
        place = access.membership(member, county_team.pk)
        assert place.department.name == "卫健"
    assert access.membership(TeamMemberFactory().user, county_team.pk) is None
