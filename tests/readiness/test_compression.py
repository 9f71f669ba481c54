"""Pages and JSON go out compressed to a browser that takes gzip, and read the same."""

from __future__ import annotations

import gzip

from django.urls import reverse


def test_a_page_and_the_api_are_sent_compressed(login, official_a, school_a):
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
