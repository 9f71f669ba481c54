"""Evidence is judged by its content: a PDF must be one a reader can open."""

from __future__ import annotations

from io import BytesIO

import pytest
from PIL import Image

from readiness.uploads import is_pdf, sniff_evidence, thumbnail
from tests.readiness.factories import pdf_bytes

DRESSED_UP = b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n%%EOF\n"


def test_a_real_pdf_is_accepted():
    assert sniff_evidence(pdf_bytes()) == ("application/pdf", "pdf")


def test_html_dressed_as_a_pdf_is_refused():
    assert not is_pdf(DRESSED_UP)
    assert sniff_evidence(DRESSED_UP) is None


def test_a_pdf_cut_short_is_refused():
    data = pdf_bytes()
    assert not is_pdf(data[: len(data) // 2])


def test_a_pdf_without_pages_is_refused():
    assert not is_pdf(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")


# --- thumbnails ----------------------------------------------------------------------


def _image(size, *, mode="RGB", color=(200, 30, 30), fmt="JPEG", exif=None) -> bytes:
    out = BytesIO()
    image = Image.new(mode, size, color)
    image.save(out, format=fmt, **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


def _opened(small) -> Image.Image:
    image = Image.open(BytesIO(small.read()))
    image.load()
    return image


@pytest.mark.parametrize(
    ("size", "fmt", "expected"),
    [
        ((1200, 800), "PNG", (480, 320)),  # 1200 / 2.5 = 480, 800 / 2.5 = 320
        ((4000, 3000), "JPEG", (480, 360)),  # a 12-megapixel phone photo
        ((300, 900), "WEBP", (160, 480)),  # the long side decides
        ((200, 100), "JPEG", (200, 100)),  # a small photo is not enlarged
    ],
)
def test_a_thumbnail_is_a_jpeg_of_at_most_480_pixels_on_its_long_side(size, fmt, expected):
    small = thumbnail(_image(size, fmt=fmt))
    image = _opened(small)
    assert image.format == "JPEG" and image.size == expected
    assert small.name.endswith(".jpg")


def test_a_thumbnail_stands_upright_and_says_nothing_of_where_it_was_taken():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned: rotate 90° clockwise to view
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (35.0, 3.0, 0.0)  # latitude of the school
    photo = _image((600, 300), exif=exif.tobytes())
    assert Image.open(BytesIO(photo)).getexif().get(0x0112) == 6

    image = _opened(thumbnail(photo))
    assert image.size == (240, 480)  # upright (300 × 600), then 600 → 480: × 0.8
    assert dict(image.getexif()) == {}
    assert "exif" not in image.info


def test_a_transparent_png_is_laid_on_white():
    small = thumbnail(_image((100, 100), mode="RGBA", color=(0, 0, 0, 0), fmt="PNG"))
    assert _opened(small).convert("RGB").getpixel((50, 50)) == (255, 255, 255)


@pytest.mark.parametrize(
    "data",
    [pdf_bytes(), DRESSED_UP, b"\xff\xd8\xff\xe0 truncated jpeg", _image((8, 8), fmt="GIF")],
)
def test_no_thumbnail_for_what_is_not_an_accepted_photo(data):
    assert thumbnail(data) is None
