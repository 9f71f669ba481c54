"""The workflow's buttons on the checklist page: confirm, submit, approve, return."""

from __future__ import annotations

from django.urls import reverse

from .fixtures import answer_all, attach_required_evidence, complete


def detail(v):
    return reverse("verification_detail", args=[v.pk])


def test_the_whole_workflow_through_the_pages(
    login, verification, county_members, school_a, verification_alone
):
    answer_all(verification, county_members)
    attach_required_evidence(verification, county_members)
    for code, member in county_members.items():
        response = login(member).post(reverse("verification_confirm", args=[verification.pk]))
        assert response.status_code == 302, code
    login(county_members["sport"]).post(reverse("verification_submit", args=[verification.pk]))
    leader = login(county_members["education"])
    assert "组长审核" in leader.get(detail(verification)).content.decode()
    leader.post(reverse("verification_approve", args=[verification.pk]))
    verification.refresh_from_db()
    school_a.refresh_from_db()
    assert (verification.status, verification.result, school_a.readiness) == (
        "approved",
        "passed",
        "passed",
    )


def test_a_member_who_is_not_the_leader_gets_403_on_approve(login, verification, county_members):
    complete(verification, county_members)
    assert (
        login(county_members["hr"])
        .post(reverse("verification_approve", args=[verification.pk]))
        .status_code
        == 403
    )


def test_returning_needs_a_reason(login, verification, county_members):
    complete(verification, county_members)
    client = login(county_members["education"])
    response = client.post(
        reverse("verification_return", args=[verification.pk]), {"reason": ""}, follow=True
    )
    assert "请填写退回原因" in response.content.decode()
    verification.refresh_from_db()
    assert verification.status == "submitted"
