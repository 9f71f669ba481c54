"""Findings of a visit: place, severity, requirement, deadline and photos."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from inspections import services
from inspections.models import Finding
from tests.inspections.factories import jpeg_bytes
from tests.readiness.factories import pdf_bytes


def add(client, visit, **data):
    return client.post(reverse("finding_add", args=[visit.pk]), data)


def test_a_finding_gets_the_default_deadline_of_its_severity(recorded_visit, inspector_a, areas):
    finding = services.finding_add(
        actor=inspector_a,
        visit=recorded_visit,
        description="测温点无人值守",
        severity="major",
        requirement="安排专人值守并登记",
        key_area=areas["gate"],
    )
    assert finding.deadline == timezone.localdate() + dt.timedelta(days=7)
    assert finding.history.latest().history_user.username == "sqa-leader"


def test_a_deadline_in_the_past_is_refused(recorded_visit, inspector_a, areas):
    with pytest.raises(ValidationError):
        services.finding_add(
            actor=inspector_a,
            visit=recorded_visit,
            description="x",
            severity="minor",
            requirement="y",
            key_area=areas["gate"],
            deadline=timezone.localdate() - dt.timedelta(days=1),
        )


def test_evidence_that_is_not_an_image_or_pdf_is_refused(finding, inspector_a):
    with pytest.raises(ValidationError):
        services.finding_photo_add(
            actor=inspector_a, finding=finding, name="x.jpg", data=b"<script>"
        )
    photo = services.finding_photo_add(
        actor=inspector_a, finding=finding, name="x.jpg", data=jpeg_bytes()
    )
    assert photo.content_type == "image/jpeg"


def test_a_pdf_is_no_photo_of_a_finding(finding, inspector_a):
    pdf = pdf_bytes()
    with pytest.raises(ValidationError):
        services.finding_photo_add(actor=inspector_a, finding=finding, name="a.pdf", data=pdf)


def test_the_page_adds_a_finding_with_its_photo(login, recorded_visit, inspector_a, aspects):
    response = add(
        login(inspector_a),
        recorded_visit,
        description="线上指导记录缺失",
        requirement="补齐记录",
        severity="critical",
        place=f"aspect-{aspects['online'].pk}",
        deadline=(timezone.localdate() + dt.timedelta(days=2)).isoformat(),
        photos=[
            SimpleUploadedFile("a.jpg", jpeg_bytes()),
            SimpleUploadedFile("b.jpg", jpeg_bytes()),
        ],
    )
    assert response.status_code == 302
    finding = Finding.objects.get()
    assert (finding.aspect, finding.key_area, finding.severity) == (
        aspects["online"],
        None,
        "critical",
    )
    assert finding.deadline == timezone.localdate() + dt.timedelta(days=2)
    assert finding.photos.count() == 2
    assert (finding.visit, finding.description, finding.requirement, finding.status) == (
        recorded_visit,
        "线上指导记录缺失",
        "补齐记录",
        "open",
    )


def test_a_bad_photo_saves_no_finding(login, recorded_visit, inspector_a, areas):
    response = add(
        login(inspector_a),
        recorded_visit,
        description="问题",
        requirement="要求",
        severity="minor",
        place=f"area-{areas['gate'].pk}",
        photos=[SimpleUploadedFile("x.jpg", b"<script>")],
    )
    assert response.status_code == 200
    assert response.context["finding_form"].errors["photos"] == [
        "不是不超过 10 MB 的照片（JPEG、PNG 或 WebP）：x.jpg。"
    ]
    assert not Finding.objects.exists()


def test_the_good_photos_are_kept_when_one_is_refused(login, recorded_visit, inspector_a, areas):
    """The bad photo is named beside the field; the good one is held, so the second
    try (without choosing it again) records the finding with it."""
    client = login(inspector_a)
    data = {
        "description": "测温点无人值守", "requirement": "安排专人值守", "severity": "major",
        "place": f"area-{areas['gate'].pk}",
    }  # fmt: skip
    refused = add(
        client,
        recorded_visit,
        **data,
        photos=[
            SimpleUploadedFile("门口.jpg", jpeg_bytes()),
            SimpleUploadedFile("表.pdf", b"%PDF-"),
        ],
    )
    body = refused.content.decode()
    assert "表.pdf" in body and "测温点无人值守" in body
    assert 'id="photos-held"' in body and "门口.jpg" in body
    token = re.search(r'name="photos_held" value="([^"]+)"', body).group(1)
    assert not Finding.objects.exists()
    accepted = add(client, recorded_visit, **data, photos_held=[token])
    assert accepted.status_code == 302
    finding = Finding.objects.get()
    assert [p.file.read() for p in finding.photos.all()] == [jpeg_bytes()]


def test_a_missing_description_is_refused_and_the_rest_is_kept(
    login, recorded_visit, inspector_a, areas
):
    response = add(
        login(inspector_a),
        recorded_visit,
        description="  ",
        requirement="安排专人值守",
        severity="critical",
        place=f"area-{areas['canteen'].pk}",
    )
    form = response.context["finding_form"]
    assert form.errors["description"] == ["请填写问题描述和整改要求。"]
    body = response.content.decode()
    assert "安排专人值守</textarea>" in body
    assert f'<option value="area-{areas["canteen"].pk}" selected>' in body
    assert '<option value="critical" selected>' in body
    assert not Finding.objects.exists()


def test_a_malformed_deadline_is_refused_beside_the_field(
    login, recorded_visit, inspector_a, areas
):
    response = add(
        login(inspector_a),
        recorded_visit,
        description="问题",
        requirement="要求",
        severity="minor",
        place=f"area-{areas['gate'].pk}",
        deadline="2030-13-01",
    )
    assert response.context["finding_form"].has_error("deadline", code="invalid")
    assert 'value="2030-13-01"' in response.content.decode()
    assert not Finding.objects.exists()


@pytest.mark.parametrize("place", ["", "area-999999", "school-1", "area-abc"])
def test_an_unknown_place_asks_for_an_area_or_aspect(
    login, recorded_visit, inspector_a, areas, place
):
    response = add(
        login(inspector_a),
        recorded_visit,
        description="问题",
        requirement="要求",
        severity="minor",
        place=place,
    )
    assert response.context["finding_form"].errors["place"] == ["请选择一个重点区域或重要方面。"]
    assert not Finding.objects.exists()


def test_only_the_squad_adds_findings(login, recorded_visit, squad_b, areas):
    response = add(
        login(squad_b.leader),
        recorded_visit,
        description="问题",
        requirement="要求",
        severity="minor",
        place=f"area-{areas['gate'].pk}",
    )
    assert response.status_code == 403
    assert not Finding.objects.exists()
