"""Assigning teams to schools, and re-verification: the services' rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from verification import services
from verification.models import Verification

from .fixtures import complete


def test_county_official_assigns_their_county_team(verification, school_a, template):
    assert verification.status == "assigned"
    assert verification.template == template
    assert verification.history.latest().history_type == "+"


def test_bulk_assignment_is_all_or_nothing(
    official_a, county_team, county_a, school_a, city_school_a, template, tomorrow
):
    with pytest.raises(ValidationError, match="临沂第四中学"):
        services.verification_assign(
            actor=official_a,
            team=county_team,
            schools=[school_a, city_school_a],
            planned_on=tomorrow,
        )
    assert not Verification.objects.exists()


def test_county_team_cannot_verify_another_countys_school(
    city_staff, county_team, school_b, template, tomorrow
):
    with pytest.raises(ValidationError, match="沂水县高桥镇中心小学"):
        services.verification_assign(
            actor=city_staff, team=county_team, schools=[school_b], planned_on=tomorrow
        )


def test_city_team_verifies_city_direct_schools_only(
    city_staff, city_team, city_school_a, school_a, template, tomorrow
):
    [v] = services.verification_assign(
        actor=city_staff, team=city_team, schools=[city_school_a], planned_on=tomorrow
    )
    assert v.school == city_school_a
    with pytest.raises(ValidationError):
        services.verification_assign(
            actor=city_staff, team=city_team, schools=[school_a], planned_on=tomorrow
        )


def test_county_official_cannot_assign_another_countys_team(
    official_a, county_team_b, school_b, template, tomorrow
):
    with pytest.raises(PermissionDenied):
        services.verification_assign(
            actor=official_a, team=county_team_b, schools=[school_b], planned_on=tomorrow
        )


def test_a_school_has_one_verification_under_way(
    verification, official_a, county_team, school_a, tomorrow
):
    with pytest.raises(ValidationError, match="已有"):
        services.verification_assign(
            actor=official_a, team=county_team, schools=[school_a], planned_on=tomorrow
        )


def test_a_planned_date_in_the_past_is_refused(official_a, county_team, school_a, template):
    with pytest.raises(ValidationError):
        services.verification_assign(
            actor=official_a,
            team=county_team,
            schools=[school_a],
            planned_on=timezone.localdate() - dt.timedelta(days=1),
        )


def test_assignment_without_published_rules_is_refused(
    official_a, county_team, school_a, departments, tomorrow
):
    with pytest.raises(ValidationError, match="发布"):
        services.verification_assign(
            actor=official_a, team=county_team, schools=[school_a], planned_on=tomorrow
        )


def test_a_reverification_links_to_the_one_before(
    verification, county_members, official_a, tomorrow, school_a, verification_alone
):
    complete(verification, county_members, fail=("05",))
    services.verification_approve(
        actor=county_members["education"],
        verification=verification,
        reverify_due=timezone.localdate() + dt.timedelta(days=7),
    )
    again = services.verification_reverify(
        actor=official_a, previous=verification, planned_on=tomorrow
    )
    assert again.previous == verification and again.school == school_a
    complete(again, county_members)
    services.verification_approve(actor=county_members["education"], verification=again)
    school_a.refresh_from_db()
    assert school_a.readiness == "passed"


def test_an_approval_is_verified_again_only_once(
    verification, county_members, official_a, tomorrow
):
    complete(verification, county_members, fail=("05",))
    services.verification_approve(
        actor=county_members["education"],
        verification=verification,
        reverify_due=timezone.localdate() + dt.timedelta(days=7),
    )
    services.verification_reverify(actor=official_a, previous=verification, planned_on=tomorrow)
    with pytest.raises(ValidationError):
        services.verification_reverify(
            actor=official_a, previous=verification, planned_on=tomorrow
        )
