"""Photos of findings and of rectification reports show as thumbnails made once and
kept; the notice prints the thumbnail, not the 10 MB original."""

from __future__ import annotations

from io import BytesIO

from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from inspections import services
from tests.inspections.factories import FindingPhotoFactory
from tests.readiness.factories import pdf_bytes


def photo_bytes(size=(1600, 1200)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(out, format="JPEG", quality=95)
    return out.getvalue()


def served(response) -> Image.Image:
    image = Image.open(BytesIO(b"".join(response.streaming_content)))
    image.load()
    return image


def test_a_finding_photo_is_made_into_a_thumbnail_at_upload(
    login, finding, inspector_a, school_contact_a, official_b
):
    photo = services.finding_photo_add(
        actor=inspector_a, finding=finding, name="门口.jpg", data=photo_bytes()
    )
    assert photo.thumbnail.name.startswith("thumbnails/")

    client = login(school_contact_a)
    small = client.get(photo.get_thumbnail_url())
    assert small.status_code == 200 and small["Content-Type"] == "image/jpeg"
    assert served(small).size == (480, 360)  # 1600 × 1200 scaled by 0.3
    assert small["Cache-Control"] == "private, max-age=86400"
    assert served(client.get(photo.get_absolute_url())).size == (1600, 1200)
    # Another county sees neither.
    assert login(official_b).get(photo.get_thumbnail_url()).status_code == 404


def test_a_photo_stored_before_thumbnails_gets_one_on_first_view_and_keeps_it(
    login, finding, school_contact_a, settings
):
    photo = FindingPhotoFactory(finding=finding)  # stored without a thumbnail
    assert not photo.thumbnail
    client = login(school_contact_a)
    assert client.get(photo.get_thumbnail_url()).status_code == 200
    photo.refresh_from_db()
    made = photo.thumbnail.name
    assert made.startswith("thumbnails/")

    assert client.get(photo.get_thumbnail_url()).status_code == 200
    photo.refresh_from_db()
    assert photo.thumbnail.name == made
    stored = list((settings.MEDIA_ROOT / "thumbnails").rglob("*.jpg"))
    assert len(stored) == 1


def test_a_report_shows_its_photo_as_a_thumbnail_and_its_pdf_by_name(
    login, finding, school_contact_a
):
    report = services.report_submit(
        actor=school_contact_a,
        finding=finding,
        text="已安排专人值守",
        files=[("值守.jpg", photo_bytes()), ("登记表.pdf", pdf_bytes())],
    )
    photo, pdf = report.evidence.order_by("pk")
    assert photo.thumbnail and not pdf.thumbnail

    client = login(school_contact_a)
    assert client.get(pdf.get_thumbnail_url()).status_code == 404
    page = client.get(reverse("finding_detail", args=[finding.pk])).content.decode()
    assert f'href="{photo.get_absolute_url()}"' in page
    assert f'<img src="{photo.get_thumbnail_url()}"' in page
    assert f'href="{pdf.get_absolute_url()}"' in page
    assert pdf.get_thumbnail_url() not in page


def test_the_notice_prints_the_thumbnail_not_the_original(finding, inspector_a, recorded_visit):
    photo = services.finding_photo_add(
        actor=inspector_a, finding=finding, name="门口.jpg", data=photo_bytes((3000, 2000))
    )
    # The printer scales a photo to its 200 dpi either way; what the thumbnail saves is
    # decoding the original. With the original gone, the photo is still printed.
    photo.file.delete(save=False)
    notice = services.notice_issue(
        actor=inspector_a, visit=recorded_visit, finding_ids=[finding.pk]
    )
    with notice.pdf.open("rb") as handle:
        images = [image for page in PdfReader(handle).pages for image in page.images]
    assert len(images) == 1
    width, height = images[0].image.size
    assert width / height == 1.5  # the photo's own 3:2
