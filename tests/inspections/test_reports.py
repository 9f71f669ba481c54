"""The rectification loop: the school reports, the squad accepts or rejects."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inspections import services
from inspections.models import Finding, RectificationReport
from tests.inspections.factories import RectificationReportFactory, jpeg_bytes
from tests.readiness.factories import SchoolFactory


def test_the_school_reports_and_the_squad_closes(
    recorded_visit, school_contact_a, inspector_a, areas
):
    finding = services.finding_add(
        actor=inspector_a,
        visit=recorded_visit,
        description="测温点无人值守",
        severity="major",
        requirement="安排专人值守并登记",
        key_area=areas["gate"],
    )
    report = services.report_submit(
        actor=school_contact_a,
        finding=finding,
        text="已安排专人值守",
        files=[("a.jpg", jpeg_bytes())],
    )
    finding.refresh_from_db()
    assert finding.status == "reported" and report.evidence.count() == 1
    services.report_accept(actor=inspector_a, report=report)
    finding.refresh_from_db()
    assert finding.status == "closed"
    reasons = [h.history_change_reason for h in finding.history.order_by("history_date")]
    assert reasons == ["found on the visit", "rectification reported", "rectification accepted"]


def test_a_rejection_needs_a_reason_and_reopens_the_finding(finding, inspector_a):
    report = RectificationReportFactory(finding=finding)
    with pytest.raises(ValidationError):
        services.report_reject(actor=inspector_a, report=report, reason=" ")
    services.report_reject(actor=inspector_a, report=report, reason="照片不能证明")
    finding.refresh_from_db()
    assert finding.status == "open"
    assert RectificationReport.objects.get().reason == "照片不能证明"


def test_a_school_cannot_change_or_close_a_finding(login, finding, school_contact_a):
    client = login(school_contact_a)
    report = services.report_submit(actor=school_contact_a, finding=finding, text="已整改")
    with pytest.raises(PermissionDenied):
        services.report_accept(actor=school_contact_a, report=report)
    assert (
        client.post(reverse("report_decide", args=[report.pk]), {"decision": "accept"}).status_code
        == 403
    )
    assert Finding.objects.get().status == "reported"


def test_another_school_cannot_report(finding, county_a, make_user):
    other = make_user("school", school=SchoolFactory(county=county_a))
    with pytest.raises(PermissionDenied):
        services.report_submit(actor=other, finding=finding, text="x")


def test_the_page_reports_with_evidence(login, finding, school_contact_a):
    response = login(school_contact_a).post(
        reverse("report_submit", args=[finding.pk]),
        {"text": "已安排专人值守", "files": [SimpleUploadedFile("a.jpg", jpeg_bytes())]},
    )
    assert response.status_code == 302
    report = RectificationReport.objects.get()
    assert report.text == "已安排专人值守" and report.evidence.count() == 1


def test_a_report_without_text_asks_for_it(login, finding, school_contact_a):
    response = login(school_contact_a).post(
        reverse("report_submit", args=[finding.pk]), {"text": " "}
    )
    assert response.context["report_form"].errors["text"] == ["请填写整改情况。"]
    assert "请填写整改情况。" in response.content.decode()
    assert not RectificationReport.objects.exists()


def test_bad_evidence_is_refused_and_the_text_kept(login, finding, school_contact_a):
    response = login(school_contact_a).post(
        reverse("report_submit", args=[finding.pk]),
        {"text": "已整改完毕", "files": [SimpleUploadedFile("a.jpg", b"<script>")]},
    )
    assert response.context["report_form"].non_field_errors()
    assert "已整改完毕</textarea>" in response.content.decode()
    assert not RectificationReport.objects.exists()


def test_only_the_findings_school_reports_from_the_page(login, finding, official_a, official_b):
    assert (
        login(official_a)
        .post(reverse("report_submit", args=[finding.pk]), {"text": "x"})
        .status_code
        == 403
    )
    assert (
        login(official_b)
        .post(reverse("report_submit", args=[finding.pk]), {"text": "x"})
        .status_code
        == 404
    )


def test_the_page_rejects_with_a_reason(login, finding, inspector_a):
    report = RectificationReportFactory(finding=finding)
    response = login(inspector_a).post(
        reverse("report_decide", args=[report.pk]), {"decision": "reject", "reason": "照片不清"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.decision, report.reason) == ("rejected", "照片不清")


def test_a_rejection_without_a_reason_is_refused_beside_the_field(login, finding, inspector_a):
    report = RectificationReportFactory(finding=finding)
    response = login(inspector_a).post(
        reverse("report_decide", args=[report.pk]), {"decision": "reject", "reason": ""}
    )
    assert response.context["decision_form"].errors["reason"] == ["请填写驳回原因。"]
    assert "请填写驳回原因。" in response.content.decode()
    report.refresh_from_db()
    assert report.decision == "pending"


def test_a_report_decided_twice_says_so(login, finding, inspector_a):
    report = RectificationReportFactory(finding=finding)
    client = login(inspector_a)
    client.post(reverse("report_decide", args=[report.pk]), {"decision": "accept"})
    response = client.post(
        reverse("report_decide", args=[report.pk]), {"decision": "reject", "reason": "x"}
    )
    assert response.context["decision_form"].non_field_errors()
    report.refresh_from_db()
    assert report.decision == "accepted"


def test_another_county_cannot_reach_a_report(login, finding, official_b):
    report = RectificationReportFactory(finding=finding)
    response = login(official_b).post(
        reverse("report_decide", args=[report.pk]), {"decision": "accept"}
    )
    assert response.status_code == 404


def test_the_finding_s_history_is_in_chinese_words(login, finding, inspector_a, school_contact_a):
    report = RectificationReportFactory(finding=finding)
    services.report_reject(actor=inspector_a, report=report, reason="照片不清晰")
    body = login(inspector_a).get(reverse("finding_detail", args=[finding.pk])).content.decode()
    history = body.split('class="history"')[1]
    assert "整改未通过验收：照片不清晰" in history
    assert "rectification" not in history and "未整改" in body and "打开" not in history
