"""The verification record (PDF) and the results export (xlsx)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader

from .factories import DepartmentSignoffFactory, VerificationFactory
from .fixtures import approved


def test_the_pdf_of_an_approved_verification_speaks_chinese(
    login, verification, county_members, official_a
):
    approved(verification, county_members, fail=("05",))
    response = login(official_a).get(reverse("verification_pdf", args=[verification.pk]))
    assert response.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    for fragment in (
        "学校开学条件核验记录",
        "兰山区城关镇中心小学",
        "核验要求第5条",
        "有条件具备",
        "兰山区核验组教育组员",
    ):
        assert fragment in text, fragment


def test_the_pdf_of_a_draft_does_not_exist(login, verification, official_a):
    assert (
        login(official_a).get(reverse("verification_pdf", args=[verification.pk])).status_code
        == 404
    )


def test_the_pdf_of_another_county_is_refused(login, verification, county_members, official_b):
    approved(verification, county_members)
    assert (
        login(official_b).get(reverse("verification_pdf", args=[verification.pk])).status_code
        == 404
    )


def test_the_export_lists_results_within_scope(
    login, verification, county_members, official_a, official_b
):
    approved(verification, county_members)
    sheet = openpyxl.load_workbook(
        io.BytesIO(login(official_a).get(reverse("verification_export")).content)
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("学校代码", "学校名称", "县区")
    assert rows[1][1] == "兰山区城关镇中心小学" and rows[1][6] == "具备开学条件"
    other = openpyxl.load_workbook(
        io.BytesIO(login(official_b).get(reverse("verification_export")).content)
    ).active
    assert other.max_row == 1


@pytest.mark.parametrize("count", [1, 8])
def test_the_export_query_count_does_not_grow(
    login, city_staff, departments, django_assert_num_queries, count
):
    verifications = VerificationFactory.create_batch(count)
    for verification in verifications:
        DepartmentSignoffFactory(verification=verification, department=departments["health"])
    client = login(city_staff)
    # session, user, verifications, their sign-offs
    with django_assert_num_queries(4):
        response = client.get(reverse("verification_export"))
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert len(rows) == 1 + count and {row[8] for row in rows[1:]} == {1}
    assert {row[1] for row in rows[1:]} == {v.school.name for v in verifications}


def test_the_record_carries_the_dates_and_the_evidence_photos(
    login, verification, county_members, official_a
):
    """Item 04 needs evidence: its photo (the fixture's red JPEG) is drawn in the PDF."""
    from django.utils import timezone

    approved(verification, county_members)
    verification.refresh_from_db()
    response = login(official_a).get(reverse("verification_pdf", args=[verification.pk]))
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(p.extract_text() for p in reader.pages)
    done = timezone.localtime(verification.submitted_at)
    assert f"核验完成 {done.year}年{done.month}月{done.day}日" in text
    assert "佐证照片" in text and "条目 04" in text
    assert text.count("条目 04") == 1  # one figure
    images = {image.name for page in reader.pages for image in page.images}
    assert len(images) == 1  # one picture embedded (the page may draw it through a mask too)
