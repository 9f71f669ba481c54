"""The installable app: manifest, service worker, offline page, logout clearing."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from PIL import Image


def test_the_manifest_names_the_app_and_its_icons(client, db):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert (data["name"], data["short_name"], data["display"]) == (
        "学校开学条件核验",
        "复课",
        "standalone",
    )
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert sizes == {"192x192", "512x512"}
    for icon in data["icons"]:
        name = icon["src"].removeprefix(settings.STATIC_URL)
        with Image.open(finders.find(name)) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]


def test_the_service_worker_is_served_from_the_root_uncached(client, db):
    response = client.get("/sw.js")
    body = response.content.decode()
    assert response["Content-Type"].startswith("application/javascript")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    # What it holds for offline use, by the names the static storage gives them.
    for path in ("css/portal.css", "js/offline.js", "js/checklist.js"):
        assert f'"{static(path)}"' in body
    assert '"/offline/"' in body


def test_every_page_links_the_manifest_and_the_worker(login, official_a):
    page = login(official_a).get("/").content.decode()
    assert 'rel="manifest" href="/manifest.webmanifest"' in page
    assert f'data-user="{official_a.pk}" data-sw="/sw.js"' in page


def test_logging_out_tells_the_browser_to_clear_its_copies(login, official_a):
    response = login(official_a).post("/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_the_offline_page_carries_no_ones_name(login, official_a):
    """The service worker keeps one copy of it for whoever uses the browser next."""
    page = login(official_a).get("/offline/").content.decode()
    assert official_a.full_name not in page and "data-user" not in page
