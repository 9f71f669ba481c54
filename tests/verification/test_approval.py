"""Departments confirm, the team submits, the leader approves or returns."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from readiness.models import School
from verification import selectors, services
from verification.models import DepartmentSignoff

from .fixtures import answer_all, attach_required_evidence, complete, confirm_all, first_item


def test_a_department_confirms_only_when_its_items_are_answered(verification, county_members):
    with pytest.raises(ValidationError, match="01"):
        services.department_confirm(actor=county_members["health"], verification=verification)


def test_a_department_confirms_only_with_required_evidence(verification, county_members):
    answer_all(verification, county_members)
    owner = selectors.checklist(verification=verification).rows
    item4 = next(row.item for row in owner if row.item.code == "04")
    with pytest.raises(ValidationError, match="04"):
        services.department_confirm(
            actor=county_members[item4.department.code], verification=verification
        )


def test_a_department_part_is_confirmed_only_by_that_department(verification, county_members):
    answer_all(verification, county_members)
    attach_required_evidence(verification, county_members)
    signoff = services.department_confirm(
        actor=county_members["market"], verification=verification
    )
    assert signoff.department.code == "market"
    assert signoff.confirmed_by == county_members["market"]


def test_changing_an_answer_withdraws_its_departments_confirmation(verification, county_members):
    answer_all(verification, county_members)
    attach_required_evidence(verification, county_members)
    confirm_all(verification, county_members)
    item = first_item(verification)  # a health item
    services.response_save(
        actor=county_members["education"],
        verification=verification,
        item_id=item.pk,
        answer="fail",
    )
    assert not DepartmentSignoff.objects.filter(department__code="health").exists()
    assert DepartmentSignoff.objects.filter(department__code="market").exists()


def test_submission_waits_for_every_department(verification, county_members):
    answer_all(verification, county_members)
    attach_required_evidence(verification, county_members)
    services.department_confirm(actor=county_members["market"], verification=verification)
    with pytest.raises(ValidationError, match="卫健"):
        services.verification_submit(actor=county_members["hr"], verification=verification)


def test_only_the_leader_approves(verification, county_members, official_a):
    complete(verification, county_members)
    for user in (county_members["health"], official_a):
        with pytest.raises(PermissionDenied):
            services.verification_approve(actor=user, verification=verification)


def test_a_leader_who_left_the_team_cannot_approve(verification, county_members, county_team):
    complete(verification, county_members)
    county_team.members.filter(user=county_members["education"]).delete()
    with pytest.raises(PermissionDenied):
        services.verification_approve(actor=county_members["education"], verification=verification)


def test_an_unsubmitted_verification_cannot_be_approved(verification, county_members):
    answer_all(verification, county_members)
    with pytest.raises(ValidationError):
        services.verification_approve(actor=county_members["education"], verification=verification)


def test_approval_with_every_item_passing_makes_the_school_ready(
    verification, county_members, school_a, verification_alone
):
    complete(verification, county_members)
    v = services.verification_approve(actor=county_members["education"], verification=verification)
    assert (v.status, v.result, v.reverify_due) == ("approved", "passed", None)
    school_a.refresh_from_db()
    assert school_a.readiness == School.Readiness.PASSED


def test_a_failing_veto_item_among_passes_fails_the_school(verification, county_members, school_a):
    complete(verification, county_members, fail=("01",))
    v = services.verification_approve(actor=county_members["education"], verification=verification)
    assert v.result == "failed"
    school_a.refresh_from_db()
    assert school_a.readiness == "failed"


@pytest.mark.parametrize(
    ("failing", "result", "readiness"),
    [
        ((), "passed", "passed"),
        (("01",), "failed", "failed"),  # the veto item alone
        (("01", "05"), "failed", "failed"),  # the veto item and an ordinary one
        (("05",), "conditional", "conditional"),  # one ordinary item
        (("05", "06", "07"), "conditional", "conditional"),  # only ordinary items
    ],
)
def test_the_result_follows_the_veto_rule(
    verification, county_members, school_a, failing, result, readiness, verification_alone
):
    """Item 01 is the only veto item of the template: failed if it fails, whatever else
    fails; conditional if only ordinary items fail; passed if nothing fails."""
    complete(verification, county_members, fail=failing)
    v = services.verification_approve(
        actor=county_members["education"],
        verification=verification,
        reverify_due=timezone.localdate() + dt.timedelta(days=7),
    )
    assert v.result == result
    school_a.refresh_from_db()
    assert school_a.readiness == readiness


def test_failing_ordinary_items_make_it_conditional_with_the_date_the_leader_gives(
    verification, county_members
):
    complete(verification, county_members, fail=("05", "06"))
    with pytest.raises(ValidationError) as refused:  # not set silently
        services.verification_approve(actor=county_members["education"], verification=verification)
    assert refused.value.message_dict == {"reverify_due": ["有条目未通过：请填写复核日期。"]}
    verification.refresh_from_db()
    assert verification.status == "submitted"
    due = timezone.localdate() + dt.timedelta(days=10)
    v = services.verification_approve(
        actor=county_members["education"], verification=verification, reverify_due=due
    )
    assert (v.result, v.reverify_due) == ("conditional", due)


def test_a_conditional_due_date_in_the_past_is_refused(verification, county_members):
    complete(verification, county_members, fail=("05",))
    with pytest.raises(ValidationError):
        services.verification_approve(
            actor=county_members["education"],
            verification=verification,
            reverify_due=timezone.localdate(),
        )
    verification.refresh_from_db()
    assert verification.status == "submitted"


def test_the_leader_returns_with_a_reason_and_the_departments_confirm_again(
    verification, county_members
):
    complete(verification, county_members)
    with pytest.raises(ValidationError):
        services.verification_return(
            actor=county_members["education"], verification=verification, reason="  "
        )
    v = services.verification_return(
        actor=county_members["education"], verification=verification, reason="食堂照片不清晰"
    )
    assert (v.status, v.return_reason) == ("returned", "食堂照片不清晰")
    assert not DepartmentSignoff.objects.exists()
    services.response_save(
        actor=county_members["health"],
        verification=verification,
        item_id=first_item(verification).pk,
        answer="pass",
        note="补充",
    )
