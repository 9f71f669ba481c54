"""The REST API follows the pages' rules; the one exception handler shapes its errors."""

from __future__ import annotations

from inspections.models import RectificationReport
from tests.inspections.factories import FindingFactory, RectificationReportFactory


def test_the_api_follows_the_same_rules(
    api_client, finding, school_contact_a, official_b, inspector_a
):
    api_client.force_authenticate(official_b)
    assert api_client.get("/api/v1/findings/").json()["count"] == 0
    api_client.force_authenticate(school_contact_a)
    assert api_client.get("/api/v1/findings/").json()["count"] == 1
    created = api_client.post(
        "/api/v1/rectification-reports/", {"finding": finding.pk, "text": "已整改"}, format="json"
    )
    assert created.status_code == 201
    report_id = created.json()["id"]
    assert api_client.post(f"/api/v1/rectification-reports/{report_id}/accept/").status_code == 403
    api_client.force_authenticate(inspector_a)
    assert (
        api_client.post(
            f"/api/v1/rectification-reports/{report_id}/reject/",
            {"reason": "照片不清"},
            format="json",
        ).json()["decision"]
        == "rejected"
    )


def test_a_finding_out_of_sight_is_not_found(api_client, finding, make_user, school_b):
    api_client.force_authenticate(make_user("school", school=school_b))
    response = api_client.post(
        "/api/v1/rectification-reports/", {"finding": finding.pk, "text": "x"}, format="json"
    )
    assert response.status_code == 404
    assert not RectificationReport.objects.exists()


def test_a_missing_field_is_a_400_beside_the_field(api_client, finding, school_contact_a):
    api_client.force_authenticate(school_contact_a)
    response = api_client.post(
        "/api/v1/rectification-reports/", {"finding": finding.pk}, format="json"
    )
    assert response.status_code == 400 and "text" in response.json()


def test_a_refusal_of_the_service_is_a_400(api_client, finding, school_contact_a):
    RectificationReportFactory(finding=finding)  # the finding now waits for review
    api_client.force_authenticate(school_contact_a)
    response = api_client.post(
        "/api/v1/rectification-reports/",
        {"finding": finding.pk, "text": "再次上报"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["只有未整改的问题才能上报整改。"]}


def test_a_report_decided_twice_is_a_400(api_client, finding, inspector_a):
    report = RectificationReportFactory(finding=finding)
    api_client.force_authenticate(inspector_a)
    assert api_client.post(f"/api/v1/rectification-reports/{report.pk}/accept/").status_code == 200
    response = api_client.post(f"/api/v1/rectification-reports/{report.pk}/accept/")
    assert response.status_code == 400 and "non_field_errors" in response.json()


def test_a_rejection_needs_a_reason(api_client, finding, inspector_a):
    report = RectificationReportFactory(finding=finding)
    api_client.force_authenticate(inspector_a)
    response = api_client.post(
        f"/api/v1/rectification-reports/{report.pk}/reject/", {"reason": ""}, format="json"
    )
    assert response.status_code == 400 and "reason" in response.json()


def test_reports_of_another_county_are_not_listed(api_client, official_b, finding):
    RectificationReportFactory(finding=finding)
    RectificationReportFactory(finding=FindingFactory())
    api_client.force_authenticate(official_b)
    assert api_client.get("/api/v1/rectification-reports/").json()["count"] == 0
