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


def _fail_with_note(verification, county_members):
    from verification import services
    from verification.models import ChecklistItem

    item = ChecklistItem.objects.get(template=verification.template, code="05")
    owner = county_members[item.department.code]
    answer_all(verification, county_members, fail=("05",))
    services.response_save(
        actor=owner, verification=verification, item_id=item.pk, answer="fail",
        note="留观室未配备体温计",
    )  # fmt: skip
    return item


def test_the_leader_sees_what_failed_and_is_asked_for_the_date(
    login, verification, county_members, school_a, verification_alone
):
    import datetime as dt

    from django.utils import timezone

    from verification import services

    item = _fail_with_note(verification, county_members)
    attach_required_evidence(verification, county_members)
    for member in county_members.values():
        services.department_confirm(actor=member, verification=verification)
    services.verification_submit(actor=county_members["education"], verification=verification)
    leader = login(county_members["education"])
    panel = leader.get(detail(verification)).content.decode().split('id="approval-summary"')[1]
    assert "按各项作答，结果为：" in panel and "有条件具备" in panel
    assert "1 项未通过" in panel and "一票否决" not in panel.split("</p>")[1]
    assert f"{item.code}</span> {item.text}" in panel and "留观室未配备体温计" in panel
    refused = leader.post(reverse("verification_approve", args=[verification.pk]))
    assert 'id="id_reverify_due_error">有条目未通过：请填写复核日期。' in refused.content.decode()
    verification.refresh_from_db()
    assert verification.status == "submitted"
    due = timezone.localdate() + dt.timedelta(days=9)
    leader.post(reverse("verification_approve", args=[verification.pk]), {"reverify_due": due})
    verification.refresh_from_db()
    assert (verification.status, verification.reverify_due) == ("approved", due)


def test_the_school_sees_what_to_fix_with_the_date_and_the_record(
    login, verification, county_members, school_a, school_contact_a, verification_alone
):
    import datetime as dt

    from django.utils import timezone

    from verification import services

    item = _fail_with_note(verification, county_members)
    attach_required_evidence(verification, county_members)
    for member in county_members.values():
        services.department_confirm(actor=member, verification=verification)
    services.verification_submit(actor=county_members["education"], verification=verification)
    due = timezone.localdate() + dt.timedelta(days=9)
    services.verification_approve(
        actor=county_members["education"], verification=verification, reverify_due=due
    )
    body = login(school_contact_a).get(detail(verification)).content.decode()
    card = body.split('id="result"')[1].split("</section>")[0]
    assert "结论：有条件具备" in card
    assert f"复核期限： {due.isoformat()}" in card
    assert "1 项未通过，需整改：" in card and "留观室未配备体温计" in card and item.text in card
    assert reverse("verification_pdf", args=[verification.pk]) in card
