"""The verification workflow: assignment, answers, sign-off, approval, results."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from readiness.models import School
from tests.factories import SchoolFactory
from verification import selectors, services
from verification.models import DepartmentSignoff, Response, Verification

from .fixtures import answer_all, attach_required_evidence, complete, confirm_all, jpeg_bytes

# --- assignment ---------------------------------------------------------------------


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


# --- answers ------------------------------------------------------------------------------


def first_item(verification):
    return selectors.checklist(verification=verification).rows[0].item


def test_only_items_that_apply_are_listed(verification, school_a):
    codes = [row.item.code for row in selectors.checklist(verification=verification).rows]
    assert "02" not in codes  # boarding schools only
    assert "03" not in codes  # universities only
    assert len(codes) == 8


def test_boarding_items_apply_to_a_boarding_school(
    official_a, county_team, county_members, county_a, template, tomorrow
):
    school = SchoolFactory(county=county_a, boarding=True)
    [v] = services.verification_assign(
        actor=official_a, team=county_team, schools=[school], planned_on=tomorrow
    )
    assert "02" in [row.item.code for row in selectors.checklist(verification=v).rows]


def test_a_member_answers_and_the_verification_starts(verification, county_members):
    item = first_item(verification)
    response = services.response_save(
        actor=county_members["health"],
        verification=verification,
        item_id=item.pk,
        answer="pass",
        note="已查看",
    )
    assert (response.answer, response.note, response.revision) == ("pass", "已查看", 1)
    verification.refresh_from_db()
    assert verification.status == "in_progress"


def test_someone_outside_the_team_cannot_answer(verification, county_team_b, official_a):
    other = county_team_b.members.first().user
    for user in (other, official_a):
        with pytest.raises(PermissionDenied):
            services.response_save(
                actor=user,
                verification=verification,
                item_id=first_item(verification).pk,
                answer="pass",
            )
    assert not Response.objects.exists()


def test_an_item_that_does_not_apply_is_refused(verification, county_members, template):
    boarding_item = template.items.get(code="02")
    with pytest.raises(ValidationError, match="不适用"):
        services.response_save(
            actor=county_members["hr"],
            verification=verification,
            item_id=boarding_item.pk,
            answer="pass",
        )


def test_an_item_of_another_template_is_refused(verification, county_members, departments):
    from .fixtures import make_template

    other = make_template(departments, name="另一细则")
    with pytest.raises(ValidationError):
        services.response_save(
            actor=county_members["hr"],
            verification=verification,
            item_id=other.items.first().pk,
            answer="pass",
        )


def test_an_unknown_answer_is_refused(verification, county_members):
    with pytest.raises(ValidationError):
        services.response_save(
            actor=county_members["hr"],
            verification=verification,
            item_id=first_item(verification).pk,
            answer="maybe",
        )


def test_a_stale_edit_is_refused_and_carries_the_newer_answer(verification, county_members):
    item = first_item(verification)
    services.response_save(
        actor=county_members["health"],
        verification=verification,
        item_id=item.pk,
        answer="pass",
        revision=0,
    )
    services.response_save(
        actor=county_members["hr"],
        verification=verification,
        item_id=item.pk,
        answer="fail",
        note="缺少留观区",
        revision=1,
    )
    with pytest.raises(services.StaleAnswer) as stale:
        services.response_save(
            actor=county_members["health"],
            verification=verification,
            item_id=item.pk,
            answer="pass",
            revision=1,
        )
    assert (
        stale.value.current.answer,
        stale.value.current.note,
        stale.value.current.revision,
    ) == ("fail", "缺少留观区", 2)
    assert Response.objects.get().answer == "fail"


def test_a_first_answer_against_an_answer_given_meanwhile_is_stale(verification, county_members):
    item = first_item(verification)
    services.response_save(
        actor=county_members["hr"],
        verification=verification,
        item_id=item.pk,
        answer="fail",
        revision=0,
    )
    with pytest.raises(services.StaleAnswer):
        services.response_save(
            actor=county_members["health"],
            verification=verification,
            item_id=item.pk,
            answer="pass",
            revision=0,
        )


def test_every_change_of_an_answer_is_kept_with_who(verification, county_members):
    item = first_item(verification)
    services.response_save(
        actor=county_members["health"], verification=verification, item_id=item.pk, answer="pass"
    )
    services.response_save(
        actor=county_members["hr"], verification=verification, item_id=item.pk, answer="fail"
    )
    history = list(
        Response.history.order_by("history_date").values_list("answer", "history_user__username")
    )
    assert history == [("pass", "lanshan-health"), ("fail", "lanshan-hr")]


# --- evidence --------------------------------------------------------------------------------


def test_a_photo_is_stored_under_a_generated_name(verification, county_members):
    item = first_item(verification)
    services.response_save(
        actor=county_members["health"], verification=verification, item_id=item.pk, answer="pass"
    )
    evidence = services.evidence_add(
        actor=county_members["health"],
        verification=verification,
        item_id=item.pk,
        name="../../门口.jpg",
        data=jpeg_bytes(),
    )
    assert evidence.content_type == "image/jpeg" and evidence.original_name == "门口.jpg"
    assert "门口" not in evidence.file.name and evidence.file.name.endswith(".jpg")


@pytest.mark.parametrize(
    "data",
    [
        b"<html><script>alert(1)</script></html>",
        b"MZ\x90\x00" + b"\x00" * 100,
        b"\xff\xd8\xff\xe0 truncated jpeg",
    ],
)
def test_evidence_that_is_not_a_photo_or_pdf_is_refused(verification, county_members, data):
    item = first_item(verification)
    services.response_save(
        actor=county_members["health"], verification=verification, item_id=item.pk, answer="pass"
    )
    with pytest.raises(ValidationError, match="照片"):
        services.evidence_add(
            actor=county_members["health"],
            verification=verification,
            item_id=item.pk,
            name="photo.jpg",
            data=data,
        )


def test_a_pdf_is_accepted_as_evidence(verification, county_members):
    item = first_item(verification)
    services.response_save(
        actor=county_members["health"], verification=verification, item_id=item.pk, answer="pass"
    )
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    evidence = services.evidence_add(
        actor=county_members["health"],
        verification=verification,
        item_id=item.pk,
        name="台账.pdf",
        data=pdf,
    )
    assert evidence.content_type == "application/pdf"


def test_evidence_over_10_mb_is_refused(verification, county_members, monkeypatch):
    item = first_item(verification)
    services.response_save(
        actor=county_members["health"], verification=verification, item_id=item.pk, answer="pass"
    )
    big = jpeg_bytes() + b"\x00" * (10 * 1024 * 1024)
    with pytest.raises(ValidationError, match="10 MB"):
        services.evidence_add(
            actor=county_members["health"],
            verification=verification,
            item_id=item.pk,
            name="big.jpg",
            data=big,
        )


# --- sign-off, submission, approval ----------------------------------------------------------


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
        actor=county_members["hr"], verification=verification, item_id=item.pk, answer="fail"
    )
    assert not DepartmentSignoff.objects.filter(department__code="health").exists()
    assert DepartmentSignoff.objects.filter(department__code="market").exists()


def test_submission_waits_for_every_department(verification, county_members):
    answer_all(verification, county_members)
    attach_required_evidence(verification, county_members)
    services.department_confirm(actor=county_members["market"], verification=verification)
    with pytest.raises(ValidationError, match="卫健"):
        services.verification_submit(actor=county_members["hr"], verification=verification)


def test_answers_after_submission_are_refused(verification, county_members):
    complete(verification, county_members)
    with pytest.raises(ValidationError, match="已提交"):
        services.response_save(
            actor=county_members["hr"],
            verification=verification,
            item_id=first_item(verification).pk,
            answer="fail",
        )


def test_only_the_leader_approves(verification, county_members, official_a):
    complete(verification, county_members)
    for user in (county_members["health"], official_a):
        with pytest.raises(PermissionDenied):
            services.verification_approve(actor=user, verification=verification)


def test_approval_with_every_item_passing_makes_the_school_ready(
    verification, county_members, school_a
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


def test_failing_ordinary_items_make_it_conditional_with_a_due_date(verification, county_members):
    complete(verification, county_members, fail=("05", "06"))
    v = services.verification_approve(actor=county_members["education"], verification=verification)
    assert v.result == "conditional"
    assert v.reverify_due == timezone.localdate() + dt.timedelta(days=7)


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
        actor=county_members["market"],
        verification=verification,
        item_id=first_item(verification).pk,
        answer="pass",
        note="补充",
    )


def test_an_unsubmitted_verification_cannot_be_approved(verification, county_members):
    answer_all(verification, county_members)
    with pytest.raises(ValidationError):
        services.verification_approve(actor=county_members["education"], verification=verification)


def test_a_reverification_links_to_the_one_before(
    verification, county_members, official_a, tomorrow, school_a
):
    complete(verification, county_members, fail=("05",))
    services.verification_approve(actor=county_members["education"], verification=verification)
    again = services.verification_reverify(
        actor=official_a, previous=verification, planned_on=tomorrow
    )
    assert again.previous == verification and again.school == school_a
    complete(again, county_members)
    services.verification_approve(actor=county_members["education"], verification=again)
    school_a.refresh_from_db()
    assert school_a.readiness == "passed"


def test_verifications_keep_the_version_they_started_with(verification, template, county_members):
    draft = services.template_new_draft(template=template)
    draft.items.filter(code="05").update(text="已修改的要求")
    services.template_publish(template=draft)
    template.refresh_from_db()
    assert template.status == "retired"
    codes = {row.item.template_id for row in selectors.checklist(verification=verification).rows}
    assert codes == {template.pk}


def test_a_published_template_cannot_be_published_again_and_one_draft_at_a_time(template):
    with pytest.raises(ValidationError):
        services.template_publish(template=template)
    services.template_new_draft(template=template)
    with pytest.raises(ValidationError):
        services.template_new_draft(template=template)


def test_a_leader_who_left_the_team_cannot_approve(verification, county_members, county_team):
    complete(verification, county_members)
    county_team.members.filter(user=county_members["education"]).delete()
    with pytest.raises(PermissionDenied):
        services.verification_approve(actor=county_members["education"], verification=verification)
