"""The plan and drill pages keep what was typed when a value is wrong, and a\nrefusal changes nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from plans import services
from plans.models import Drill, ReopeningPlan, Term
from tests.readiness.factories import SchoolFactory, pdf_bytes

IN_A_WEEK = timezone.localdate() + dt.timedelta(days=7)
IN_TEN_DAYS = timezone.localdate() + dt.timedelta(days=10)


def test_a_stage_with_an_impossible_date_is_named_and_kept(login, school_contact_a):
    response = login(school_contact_a).post(
        reverse("plan_mine"),
        {"considerations": "寄宿生分批", "grades": ["高三"], "return_on": ["2030-02-30"],
         "part": ["校门管理"], "person": ["王校长"], "phone": [""]},
    )  # fmt: skip
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="stage-1-error">请填写年级和有效日期。' in body  # beside the row
    assert 'value="2030-02-30"' in body and "寄宿生分批" in body and 'value="王校长"' in body
    assert not ReopeningPlan.objects.exists()


def test_a_drill_with_an_unknown_school_keeps_the_form(login, official_a, school_a):
    today = timezone.localdate().isoformat()
    response = login(official_a).post(
        reverse("drills"),
        {"kind": "training", "title": "全员培训", "on_date": today, "host": school_a.code,
         "attendees": f"{school_a.code}，9999999999"},
    )  # fmt: skip
    assert response.status_code == 400
    body = response.content.decode()
    assert "9999999999" in body and 'value="全员培训"' in body
    assert not Drill.objects.exists()


def test_a_drill_in_the_future_is_refused(login, official_a, school_a):
    response = login(official_a).post(
        reverse("drills"),
        {"kind": "drill", "title": "演练", "on_date": "2099-01-01", "host": school_a.code},
    )
    assert response.status_code == 400
    assert "演练结束后再登记" in response.content.decode()
    assert not Drill.objects.exists()


def test_returning_a_plan_without_a_reason_keeps_the_page(login, official_a, school_a):
    from .factories import ReopeningPlanFactory

    plan = ReopeningPlanFactory(school=school_a, status="submitted")
    response = login(official_a).post(
        reverse("plan_decide", args=[plan.pk]), {"decision": "return"}
    )
    assert response.status_code == 400
    plan.refresh_from_db()
    assert plan.status == "submitted"


def test_an_html_page_dressed_as_a_pdf_is_no_emergency_plan(login, school_contact_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    dressed = b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n"
    response = login(school_contact_a).post(
        reverse("plan_mine"),
        {
            "considerations": "寄宿生分批",
            "emergency_plan": SimpleUploadedFile("预案.pdf", dressed),
        },
    )
    body = response.content.decode()
    assert "应急预案必须是不超过 10 MB 的 PDF 文件" in body
    assert "寄宿生分批" in body  # what was typed is kept
    assert not ReopeningPlan.objects.exists()


PLAN_TYPED = {
    "factors": ["risk", "origin"],
    "considerations": "寄宿生分批返校",
    "grades": ["高三", "高二"],
    "return_on": [IN_A_WEEK.isoformat(), IN_TEN_DAYS.isoformat()],
}


def _returned_plan(school):
    from .factories import PlanPartFactory, PlanStageFactory, ReopeningPlanFactory

    plan = ReopeningPlanFactory(
        school=school, status="returned", return_reason="应急预案未明确隔离场所"
    )
    plan.emergency_plan.save("old.pdf", ContentFile(pdf_bytes()))
    PlanStageFactory(plan=plan, grades="初三")
    PlanPartFactory(plan=plan)
    return plan


def test_save_and_submit_with_a_part_missing_changes_nothing(login, school_contact_a, school_a):
    """The returned plan was neither emptied nor turned back into a draft: the
    submission is refused as a whole and the page shows what was typed."""
    plan = _returned_plan(school_a)
    response = login(school_contact_a).post(reverse("plan_mine"), {**PLAN_TYPED, "submit": "1"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "预案还缺少：各项工作的责任人。" in body
    assert 'value="高二"' in body and "寄宿生分批返校" in body
    assert 'value="origin" checked' in body
    assert "退回原因：</strong> 应急预案未明确隔离场所" in body
    plan.refresh_from_db()
    assert (plan.status, plan.considerations) == ("returned", "高三先返校")
    assert list(plan.stages.values_list("grades", flat=True)) == ["初三"]
    assert plan.parts.count() == 1


def test_saving_a_returned_plan_keeps_it_returned_with_its_reason(
    login, school_contact_a, school_a
):
    plan = _returned_plan(school_a)
    client = login(school_contact_a)
    client.post(reverse("plan_mine"), {**PLAN_TYPED, "part": ["校门"], "person": ["李老师"]})
    plan.refresh_from_db()
    assert (plan.status, plan.return_reason) == ("returned", "应急预案未明确隔离场所")
    assert plan.stages.count() == 2
    body = client.get(reverse("plan_mine")).content.decode()
    assert "退回原因：</strong> 应急预案未明确隔离场所" in body


def test_a_resubmitted_plan_shows_its_last_reason_until_approved_then_history_keeps_it(
    login, school_contact_a, school_a, official_a
):
    plan = _returned_plan(school_a)
    client = login(school_contact_a)
    response = client.post(
        reverse("plan_mine"), {**PLAN_TYPED, "part": ["校门"], "person": ["李老师"], "submit": "1"}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "submitted"
    detail = login(official_a).get(reverse("plan_detail", args=[plan.pk])).content.decode()
    assert "上次退回原因： 应急预案未明确隔离场所" in detail
    login(official_a).post(reverse("plan_decide", args=[plan.pk]), {"decision": "approve"})
    detail = login(official_a).get(reverse("plan_detail", args=[plan.pk])).content.decode()
    assert "上次退回原因" not in detail
    history = detail.split('id="plan-history"')[1]
    assert "已退回：应急预案未明确隔离场所" in history
    assert history.index("已退回") < history.index("已提交") < history.index("已审核")


def test_a_pdf_accepted_once_is_kept_when_another_field_is_refused(
    login, school_contact_a, school_a
):
    client = login(school_contact_a)
    first = client.post(
        reverse("plan_mine"),
        {
            **PLAN_TYPED,
            "submit": "1",
            "emergency_plan": SimpleUploadedFile("预案.pdf", pdf_bytes()),
        },
    )
    assert first.status_code == 400  # no part with its person yet
    body = first.content.decode()
    assert "已附：预案.pdf" in body
    token = re.search(r'name="emergency_plan_held" value="([^"]+)"', body).group(1)
    assert not ReopeningPlan.objects.exists()
    second = client.post(
        reverse("plan_mine"),
        {**PLAN_TYPED, "part": ["校门"], "person": ["李老师"], "submit": "1",
         "emergency_plan_held": token},
    )  # fmt: skip
    assert second.status_code == 302
    plan = ReopeningPlan.objects.get()
    assert plan.status == "submitted"
    assert plan.emergency_plan.read() == pdf_bytes()


def test_a_held_pdf_is_its_uploader_s_only(login, school_contact_a, school_a, make_user):
    client = login(school_contact_a)
    body = client.post(
        reverse("plan_mine"),
        {
            **PLAN_TYPED,
            "submit": "1",
            "emergency_plan": SimpleUploadedFile("预案.pdf", pdf_bytes()),
        },
    ).content.decode()
    token = re.search(r'name="emergency_plan_held" value="([^"]+)"', body).group(1)
    other = make_user("school", school=SchoolFactory(county=school_a.county))
    login(other).post(
        reverse("plan_mine"),
        {**PLAN_TYPED, "part": ["校门"], "person": ["李老师"], "emergency_plan_held": token},
    )
    assert not ReopeningPlan.objects.get(school=other.school).emergency_plan


def test_a_non_pdf_is_named_beside_its_field(login, school_contact_a):
    response = login(school_contact_a).post(
        reverse("plan_mine"),
        {**PLAN_TYPED, "emergency_plan": SimpleUploadedFile("预案.docx", b"PK\x03\x04 word")},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="emergency_plan-error">应急预案必须是不超过 10 MB 的 PDF 文件' in body
    assert 'aria-invalid="true" aria-describedby="emergency_plan-error"' in body
    assert 'value="高二"' in body
    assert not ReopeningPlan.objects.exists()


def test_a_return_date_in_the_past_is_refused_beside_its_row(login, school_contact_a):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = login(school_contact_a).post(
        reverse("plan_mine"),
        {**PLAN_TYPED, "return_on": [IN_A_WEEK.isoformat(), yesterday.isoformat()]},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert f'id="stage-2-error">返校日期 {yesterday.isoformat()} 已经过去。' in body
    assert "stage-1-error" not in body
    assert not ReopeningPlan.objects.exists()


def test_no_return_date_before_the_term_the_city_set(
    login, school_contact_a, school_a, city_staff
):
    response = login(city_staff).post(reverse("plan_term"), {"starts_on": IN_TEN_DAYS})
    assert response.status_code == 302
    body = login(school_contact_a).post(reverse("plan_mine"), PLAN_TYPED).content.decode()
    start = IN_TEN_DAYS.isoformat()
    assert f"返校日期 {IN_A_WEEK.isoformat()} 早于开学日期（{start}）。" in body
    assert not ReopeningPlan.objects.exists()
    with pytest.raises(ValidationError):  # the service holds the rule for the API too
        services.plan_save(
            actor=school_contact_a, school=school_a, factors=[], considerations="",
            stages=[("高三", IN_A_WEEK)], parts=[],
        )  # fmt: skip


def test_the_term_is_set_by_the_city_bureau_only(login, official_a, city_staff):
    assert (
        login(official_a).post(reverse("plan_term"), {"starts_on": IN_A_WEEK}).status_code == 403
    )
    response = login(city_staff).post(reverse("plan_term"), {"starts_on": "not a day"})
    assert response.status_code == 400
    assert "请填写开学日期。" in response.content.decode()
    assert not Term.objects.exists()
