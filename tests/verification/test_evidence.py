"""Evidence: photos and PDFs only, judged by their content, at most 10 MB."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.readiness.factories import pdf_bytes
from verification import services
from verification.models import Evidence

from .fixtures import first_item, jpeg_bytes


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
    pdf = pdf_bytes()
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


def test_a_decompression_bomb_is_refused_as_evidence(verification, county_members):
    out = BytesIO()
    Image.new("1", (20000, 20000)).save(out, format="PNG")
    item = verification.template.items.get(code="01")
    services.response_save(
        actor=county_members["health"], verification=verification, item_id=item.pk, answer="pass"
    )
    with pytest.raises(ValidationError):
        services.evidence_add(
            actor=county_members["health"],
            verification=verification,
            item_id=item.pk,
            name="bomb.png",
            data=out.getvalue(),
        )


def _answered(verification, member):
    item = first_item(verification)
    services.response_save(actor=member, verification=verification, item_id=item.pk, answer="pass")
    return item


def test_a_photo_gets_a_thumbnail_served_to_those_who_see_the_verification(
    login, verification, county_members, official_a, official_b
):
    member = county_members["health"]
    item = _answered(verification, member)
    out = BytesIO()
    Image.new("RGB", (900, 1200), (10, 160, 60)).save(out, format="PNG")
    evidence = services.evidence_add(
        actor=member,
        verification=verification,
        item_id=item.pk,
        name="消毒.png",
        data=out.getvalue(),
    )
    assert evidence.thumbnail.name.startswith("thumbnails/")
    response = login(official_a).get(evidence.get_thumbnail_url())
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    small = Image.open(BytesIO(b"".join(response.streaming_content)))
    assert (small.format, small.size) == ("JPEG", (360, 480))  # 900 × 1200 scaled by 0.4
    assert login(official_b).get(evidence.get_thumbnail_url()).status_code == 404
    assert login(official_b).get(evidence.get_absolute_url()).status_code == 404


def test_a_pdf_has_no_thumbnail_and_shows_by_its_name(
    login, verification, county_members, official_a
):
    member = county_members["health"]
    item = _answered(verification, member)
    evidence = services.evidence_add(
        actor=member, verification=verification, item_id=item.pk, name="台账.pdf", data=pdf_bytes()
    )
    assert not evidence.thumbnail
    assert login(official_a).get(evidence.get_thumbnail_url()).status_code == 404
    page = login(member).get(verification.get_absolute_url()).content.decode()
    assert f'href="{evidence.get_absolute_url()}"' in page and "台账.pdf" in page


def test_the_upload_answers_with_the_thumbnail_for_the_page_to_show(
    login, verification, county_members
):
    member = county_members["health"]
    item = _answered(verification, member)
    response = login(member).post(
        reverse("verification_evidence_upload", args=[verification.pk]),
        {"item": item.pk, "file": SimpleUploadedFile("门口.jpg", jpeg_bytes())},
        HTTP_ACCEPT="application/json",
    )
    evidence = Evidence.objects.get()
    assert response.json() == {
        "id": evidence.pk,
        "name": "门口.jpg",
        "url": f"/verification/evidence/{evidence.pk}/",
        "thumbnail": f"/verification/evidence/{evidence.pk}/thumbnail/",
    }
