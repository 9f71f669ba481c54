"""The plan and drill pages keep what was typed when a value is wrong."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from plans.models import Drill, ReopeningPlan


def test_a_stage_with_an_impossible_date_is_named_and_kept(login, school_contact_a):
    response = login(school_contact_a).post(
        reverse("plan_mine"),
        {"considerations": "寄宿生分批", "grades": ["高三"], "return_on": ["2030-02-30"],
         "part": ["校门管理"], "person": ["王校长"], "phone": [""]},
    )  # fmt: skip
    body = response.content.decode()
    assert "第 1 个返校批次需要填写年级和有效日期" in body
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
