"""The field app's work through the API: planning, the draw (a proposal, then its
confirmation), recording, findings with photos, notices — with the refusals of
the pages, and planned visits as secret as on the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from inspections.models import Finding, FindingPhoto, RectificationNotice, Visit
from tests.inspections.factories import jpeg_bytes
from tests.readiness.factories import SchoolFactory

TOMORROW = (timezone.localdate() + dt.timedelta(days=1)).isoformat()


@pytest.fixture
def as_inspector(api_client, inspector_a):
    api_client.force_authenticate(inspector_a)
    return api_client


def every_place(areas, aspects, **override):
    checks = [{"key_area": code, "result": "ok"} for code in areas]
    checks += [{"aspect": code, "result": "ok"} for code in aspects]
    for row in checks:
        if row.get("key_area") in override or row.get("aspect") in override:
            row.update(override[row.get("key_area") or row.get("aspect")])
    return checks


def test_a_squad_plans_by_codes_and_the_pages_refusals_hold(
    as_inspector, squad_a, school_a, school_b
):
    planned = as_inspector.post("/api/v1/visits/plan/", {"squad": squad_a.pk, "schools": [school_a.code],
                                "planned_on": TOMORROW}, format="json")  # fmt: skip
    assert planned.status_code == 201 and planned.json()[0]["school_code"] == school_a.code
    again = as_inspector.post("/api/v1/visits/plan/", {"squad": squad_a.pk, "schools": [school_a.code],
                              "planned_on": TOMORROW}, format="json")  # fmt: skip
    assert again.status_code == 400 and "已安排" in str(again.json())
    outside = as_inspector.post("/api/v1/visits/plan/", {"squad": squad_a.pk, "schools": [school_b.code],
                                "planned_on": TOMORROW}, format="json")  # fmt: skip
    assert outside.status_code == 400 and "不在本督查组负责的县区" in str(outside.json())
    past = as_inspector.post("/api/v1/visits/plan/", {"squad": squad_a.pk, "schools": [school_a.code],
                             "planned_on": "2020-01-01"}, format="json")  # fmt: skip
    assert past.status_code == 400
    assert Visit.objects.count() == 1


def test_another_squads_plans_are_neither_made_nor_seen(
    api_client, squad_a, squad_b, school_a, planned_visit, official_a
):
    api_client.force_authenticate(squad_b.leader)
    response = api_client.post("/api/v1/visits/plan/", {"squad": squad_a.pk, "schools": [school_a.code],
                               "planned_on": TOMORROW}, format="json")  # fmt: skip
    assert response.status_code == 404
    assert (
        api_client.post(
            f"/api/v1/visits/{planned_visit.pk}/record/", {}, format="json"
        ).status_code
        == 404
    )
    api_client.force_authenticate(official_a)  # not on any squad
    assert api_client.post("/api/v1/visits/plan/", {}, format="json").status_code == 403
    assert Visit.objects.count() == 1


def test_a_draw_is_proposed_then_confirmed_once(
    as_inspector, api_client, squad_a, county_a, inspector_a
):
    schools = [SchoolFactory(county=county_a) for _ in range(5)]
    proposal = as_inspector.post("/api/v1/visits/draw/", {"squad": squad_a.pk, "count": 3,
                                 "planned_on": TOMORROW}, format="json").json()  # fmt: skip
    assert len(proposal["schools"]) == 3 and not Visit.objects.exists()
    assert {s["code"] for s in proposal["schools"]} <= {s.code for s in schools}
    other = squad_a.members.exclude(pk=inspector_a.pk).get()
    api_client.force_authenticate(
        other
    )  # another member cannot confirm a proposal made to someone else
    assert (
        api_client.post(
            "/api/v1/visits/draw/confirm/", {"token": proposal["token"]}, format="json"
        ).status_code
        == 400
    )
    api_client.force_authenticate(inspector_a)
    confirmed = api_client.post(
        "/api/v1/visits/draw/confirm/", {"token": proposal["token"]}, format="json"
    )
    assert confirmed.status_code == 201
    assert sorted(v["school_code"] for v in confirmed.json()) == sorted(
        s["code"] for s in proposal["schools"]
    )
    twice = api_client.post(
        "/api/v1/visits/draw/confirm/", {"token": proposal["token"]}, format="json"
    )
    assert twice.status_code == 400 and Visit.objects.count() == 3


def test_a_visit_is_recorded_with_every_place_and_findings_and_a_notice_follow(
    as_inspector, planned_visit, inspector_a, areas, aspects
):
    url = f"/api/v1/visits/{planned_visit.pk}/"
    early = as_inspector.post(url + "findings/", {"description": "x", "requirement": "y", "severity": "minor",
                              "key_area": "gate"}, format="multipart")  # fmt: skip
    assert early.status_code == 400 and "先登记督查" in str(early.json())
    half = as_inspector.post(url + "record/", {"visited_at": timezone.now().isoformat(), "present": [inspector_a.pk],
                             "checks": every_place(areas, [])}, format="json")  # fmt: skip
    assert half.status_code == 400 and "线上学业指导" in str(
        half.json()
    )  # an aspect without a result
    unexplained = as_inspector.post(url + "record/", {"visited_at": timezone.now().isoformat(),
        "present": [inspector_a.pk], "checks": every_place(areas, aspects, canteen={"result": "skipped"})},
        format="json")  # fmt: skip
    assert unexplained.status_code == 400 and "食堂" in str(unexplained.json())
    planned_visit.refresh_from_db()
    assert planned_visit.status == "planned"
    recorded = as_inspector.post(url + "record/", {"visited_at": timezone.now().isoformat(),
        "present": [inspector_a.pk], "checks": every_place(areas, aspects), "summary": "食堂留样不全"},
        format="json")  # fmt: skip
    assert recorded.status_code == 200 and recorded.json()["status"] == "recorded"

    bad_photo = as_inspector.post(url + "findings/", {
        "description": "食堂留样缺两天", "requirement": "补齐留样记录", "severity": "major", "key_area": "canteen",
        "photos": [SimpleUploadedFile("a.jpg", jpeg_bytes()), SimpleUploadedFile("b.jpg", b"not a photo")]},
        format="multipart")  # fmt: skip
    assert bad_photo.status_code == 400 and "b.jpg" in str(bad_photo.json())
    assert not Finding.objects.exists() and not FindingPhoto.objects.exists()
    added = as_inspector.post(url + "findings/", {
        "description": "食堂留样缺两天", "requirement": "补齐留样记录", "severity": "major", "key_area": "canteen",
        "photos": [SimpleUploadedFile("a.jpg", jpeg_bytes())]}, format="multipart")  # fmt: skip
    assert added.status_code == 201
    finding = Finding.objects.get()
    # The default deadline of a major finding: seven days (the city's setting).
    assert finding.deadline == timezone.localdate() + dt.timedelta(days=7)
    assert finding.photos.count() == 1
    notice = as_inspector.post(url + "notices/", {"findings": [finding.pk]}, format="json")
    assert notice.status_code == 201 and notice.json()["version"] == 1
    stored = RectificationNotice.objects.get()
    assert stored.pdf and stored.sha256 == notice.json()["sha256"]
    assert as_inspector.get(f"/api/v1/notices/{stored.pk}/pdf/").status_code == 200


def test_only_the_squad_records_even_a_visible_visit(
    api_client, recorded_visit, official_a, squad_b
):
    # A recorded visit is public in its county, but only its squad writes on it.
    for user in (official_a, squad_b.leader):
        api_client.force_authenticate(user)
        response = api_client.post(
            f"/api/v1/visits/{recorded_visit.pk}/notices/", {"findings": [1]}, format="json"
        )
        assert response.status_code in (403, 404)
    assert not RectificationNotice.objects.exists()
