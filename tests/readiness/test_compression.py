"""Pages and JSON go out compressed to a browser that takes gzip, and read the same."""

from __future__ import annotations

import gzip

from django.urls import reverse

from tests.readiness.factories import SchoolFactory


def test_a_page_and_the_api_are_sent_compressed(login, official_a, school_a, county_a):
    # A body compressed is sent only when shorter than the body, padding included:
    # a dozen schools make the list long enough that it always is.
    SchoolFactory.create_batch(12, county=county_a)
    client = login(official_a)
    url = reverse("school_detail", args=[school_a.pk])
    plain = client.get(url)
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in plain and packed["Content-Encoding"] == "gzip"
    page = gzip.decompress(packed.content).decode()
    assert school_a.name in page and len(packed.content) < len(plain.content) / 2
    api = client.get("/api/v1/schools/", HTTP_ACCEPT_ENCODING="gzip")
    assert api["Content-Encoding"] == "gzip"
    assert school_a.code in gzip.decompress(api.content).decode()


def test_a_spreadsheet_goes_as_it_is(login, official_a, school_a):
    # An xlsx is a ZIP already: compressing it again would cost time for nothing.
    export = login(official_a).get(reverse("school_export"), HTTP_ACCEPT_ENCODING="gzip")
    assert export.status_code == 200 and "Content-Encoding" not in export
    assert export.content[:2] == b"PK"
