"""The sign-off rules, each refusal with its exact message, and the checklist's order:
known answers worked from the fixture template (items 01–10; 02 is for boarding
schools and 03 for universities, so school A's items are 01 and 04–10)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from verification import selectors, services
from verification.models import (
    ChecklistItem,
    ChecklistSection,
    DepartmentSignoff,
    Evidence,
    Response,
)

from .factories import DepartmentFactory, TeamMemberFactory
from .fixtures import answer_all, attach_required_evidence, complete, jpeg_bytes


def refused(message, call, **kwargs):
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    assert caught.value.messages == [message]


def test_a_department_without_items_has_nothing_to_confirm(verification, county_team):
    outsider = TeamMemberFactory(
        team=county_team, department=DepartmentFactory(code="traffic", name="交通")
    ).user
    refused(
        "本次核验没有属于您部门的条目。",
        services.department_confirm,
        actor=outsider,
        verification=verification,
    )
    assert not DepartmentSignoff.objects.exists()


def test_the_unanswered_items_are_named(verification, county_members):
    refused(
        "请先填写卫健的全部条目：01、06。",
        services.department_confirm,
        actor=county_members["health"],
        verification=verification,
    )
    services.response_save(
        actor=county_members["health"],
        verification=verification,
        item_id=ChecklistItem.objects.get(code="01").pk,
        answer="pass",
    )
    refused(
        "请先填写卫健的全部条目：06。",
        services.department_confirm,
        actor=county_members["health"],
        verification=verification,
    )


def test_the_items_missing_evidence_are_named(verification, county_members):
    ChecklistItem.objects.filter(code="09").update(evidence_required=True)
    answer_all(verification, county_members)
    refused(
        "以下条目需要上传佐证：04、09。",
        services.department_confirm,
        actor=county_members["sport"],
        verification=verification,
    )
    assert not DepartmentSignoff.objects.exists()


def test_an_item_answered_not_applicable_needs_no_evidence(verification, county_members):
    answer_all(verification, county_members)
    services.response_save(
        actor=county_members["sport"],
        verification=verification,
        item_id=ChecklistItem.objects.get(code="04").pk,
        answer="na",
    )
    services.department_confirm(actor=county_members["sport"], verification=verification)
    assert DepartmentSignoff.objects.get().department.code == "sport"


def test_submission_names_the_departments_still_waiting(verification, county_members):
    answer_all(verification, county_members)
    attach_required_evidence(verification, county_members)
    for code in ("education", "health", "market"):
        services.department_confirm(actor=county_members[code], verification=verification)
    refused(
        "以下部门尚未确认：人社、体育。",
        services.verification_submit,
        actor=county_members["education"],
        verification=verification,
    )
    verification.refresh_from_db()
    assert verification.status != "submitted"


def test_a_result_needs_every_applicable_item_answered(verification, county_members):
    refused(
        "所有适用条目都必须填写。",
        services.compute_result,
        sheet=selectors.checklist(verification=verification),
    )


@pytest.mark.parametrize("days", [0, -1])
def test_a_reverification_date_today_or_earlier_is_refused(days, verification, county_members):
    complete(verification, county_members, fail=("05",))
    refused(
        "复核期限必须晚于今天。",
        services.verification_approve,
        actor=county_members["education"],
        verification=verification,
        reverify_due=timezone.localdate() + dt.timedelta(days=days),
    )


def test_the_reverification_date_rule():
    today = dt.date(2026, 11, 29)
    with pytest.raises(ValidationError) as asked:  # asked for, never set silently
        services.reverify_due_for("conditional", None, today=today)
    assert asked.value.message_dict == {"reverify_due": ["有条目未通过：请填写复核日期。"]}
    with pytest.raises(ValidationError):
        services.reverify_due_for("conditional", today, today=today)
    assert services.reverify_due_for("conditional", dt.date(2026, 11, 30), today=today) == (
        dt.date(2026, 11, 30)
    )
    assert services.reverify_due_for("passed", dt.date(2026, 12, 20), today=today) is None
    assert services.reverify_due_for("failed", None, today=today) is None


def test_the_checklist_runs_by_section_order_then_item_order_then_code(
    verification, county_members
):
    ChecklistSection.objects.filter(code="gate").update(order=2)
    ChecklistSection.objects.filter(code="room").update(order=1)
    ChecklistItem.objects.update(order=1)
    ChecklistItem.objects.filter(code="10").update(order=0)
    ChecklistItem.objects.filter(code="09").update(code="055")  # code order ≠ creation order
    services.response_save(
        actor=county_members["health"],
        verification=verification,
        item_id=ChecklistItem.objects.get(code="06").pk,
        answer="fail",
    )
    sheet = selectors.checklist(verification=verification)
    assert sheet.verification == verification
    codes = ["10", "055", "06", "07", "08", "01", "04", "05"]
    assert [row.item.code for row in sheet.rows] == codes
    assert [(part.section.title, [r.item.code for r in part.rows]) for part in sheet.sections] == [
        ("教室", ["10", "055", "06", "07", "08"]),
        ("校门口", ["01", "04", "05"]),
    ]
    assert [
        (part.department.name, [r.item.code for r in part.rows]) for part in sheet.departments
    ] == [
        ("教育", ["10", "05"]),
        ("卫健", ["06", "01"]),
        ("市场监管", ["07"]),
        ("人社", ["08"]),
        ("体育", ["055", "04"]),
    ]
    answered = {row.item.code: row.response.answer for row in sheet.rows if row.response}
    assert answered == {"06": "fail"}
    assert (sheet.total, sheet.answered) == (8, 1)


def test_the_checklist_costs_four_queries_with_evidence_and_sign_offs(
    verification, county_members, django_assert_num_queries
):
    answer_all(verification, county_members)
    attach_required_evidence(verification, county_members)
    services.department_confirm(actor=county_members["sport"], verification=verification)
    selectors.forget_kept_items()  # the worker's first read of this version of the rules
    with django_assert_num_queries(4):
        sheet = selectors.checklist(verification=verification)
    with django_assert_num_queries(3):  # the items kept: answers, evidence, sign-offs
        assert selectors.checklist(verification=verification) == sheet
    with django_assert_num_queries(0):
        evidence = [
            (row.item.code, p.response.verification_id, p.response.answer)
            for row in sheet.rows
            for p in row.evidence
        ]
        confirmed = [p.signoff.confirmed_by.full_name for p in sheet.departments if p.signoff]
    assert evidence == [("04", verification.pk, "pass")]
    assert confirmed == ["兰山区核验组体育组员"]


# --- each department answers its own items -----------------------------------------


def test_a_member_cannot_answer_another_department_s_item(verification, county_members):
    item = ChecklistItem.objects.get(template=verification.template, code="01")  # health's
    refused(
        "条目 01 属于卫健，由该部门组员或组长作答。",
        services.response_save,
        actor=county_members["hr"],
        verification=verification,
        item_id=item.pk,
        answer="pass",
    )
    assert not Response.objects.exists()


def test_a_member_cannot_attach_evidence_to_another_department_s_item(
    verification, county_members
):
    item = ChecklistItem.objects.get(template=verification.template, code="04")
    owner = county_members[item.department.code]
    services.response_save(actor=owner, verification=verification, item_id=item.pk, answer="pass")
    other = next(
        u for code, u in county_members.items() if code not in (item.department.code, "education")
    )
    refused(
        f"条目 04 属于{item.department.name}，由该部门组员或组长作答。",
        services.evidence_add,
        actor=other,
        verification=verification,
        item_id=item.pk,
        name="photo.jpg",
        data=jpeg_bytes(),
    )
    assert not Evidence.objects.exists()


def test_the_leader_answers_any_item_and_it_is_recorded(verification, county_members):
    item = ChecklistItem.objects.get(template=verification.template, code="01")
    response = services.response_save(
        actor=county_members["education"],
        verification=verification,
        item_id=item.pk,
        answer="fail",
    )
    assert response.by_leader is True
    assert Response.history.get().by_leader is True
    answer_all(verification, county_members)  # health answers its other items (and 01 again)
    assert Response.objects.get(item=item).by_leader is False  # health's own answer now


def test_a_department_confirms_what_the_leader_answered_for_it(verification, county_members):
    answer_all(verification, county_members)
    attach_required_evidence(verification, county_members)
    item = ChecklistItem.objects.get(template=verification.template, code="01")
    services.response_save(
        actor=county_members["education"],
        verification=verification,
        item_id=item.pk,
        answer="fail",
    )
    signoff = services.department_confirm(
        actor=county_members["health"], verification=verification
    )
    assert signoff.department.code == "health"


def test_a_department_does_not_confirm_what_another_department_answered(
    verification, county_members
):
    """An answer given by another department's member before the rule existed."""
    answer_all(verification, county_members)
    attach_required_evidence(verification, county_members)
    Response.objects.filter(item__code="01").update(answered_by=county_members["hr"])
    refused(
        "以下条目不是卫健作答的：01。请由本部门组员作答后再确认。",
        services.department_confirm,
        actor=county_members["health"],
        verification=verification,
    )
    assert not DepartmentSignoff.objects.exists()


def test_the_checklist_offers_a_member_only_their_department_s_items(
    login, verification, county_members
):
    from django.urls import reverse

    # The forms as the server renders them (without scripts); the light page gives
    # the same in each item's data-form, checked below.
    url = reverse("verification_detail", args=[verification.pk]) + "?forms=all"
    health_item = ChecklistItem.objects.get(template=verification.template, code="01")
    light = reverse("verification_detail", args=[verification.pk])
    for member, editable in (("hr", "0"), ("health", "1")):
        body = login(county_members[member]).get(light).content.decode()
        assert f'data-form="{health_item.pk} 0 - {editable}"' in body

    def fieldset_of(body: str, item) -> str:
        block = body.split(f'id="item-{item.pk}"')[1]
        return block.split("<fieldset", 1)[1].split(">", 1)[0]

    assert "disabled" in fieldset_of(
        login(county_members["hr"]).get(url).content.decode(), health_item
    )
    assert "disabled" not in fieldset_of(
        login(county_members["health"]).get(url).content.decode(), health_item
    )
    services.response_save(
        actor=county_members["education"],
        verification=verification,
        item_id=health_item.pk,
        answer="pass",
    )
    body = login(county_members["education"]).get(url).content.decode()
    assert "disabled" not in fieldset_of(body, health_item)
    assert "（组长代部门作答）" in body


def test_an_unanswered_checklist_reads_no_evidence_and_the_api_names_no_one(
    verification, county_members, django_assert_num_queries
):
    selectors.template_items(verification.template)  # kept
    with django_assert_num_queries(2):  # answers and sign-offs: evidence needs an answer
        sheet = selectors.checklist(verification=verification)
    assert sheet.answered == 0 and sheet.total == 8
    answer_all(verification, county_members)
    with django_assert_num_queries(3) as queries:
        selectors.checklist(verification=verification, authors=False)
    assert not any("readiness_user" in q["sql"] for q in queries.captured_queries)
    with django_assert_num_queries(3) as queries:
        named = selectors.checklist(verification=verification)
    assert any("readiness_user" in q["sql"] for q in queries.captured_queries)
    assert all(row.response.answered_by.username for row in named.rows)  # read with them
