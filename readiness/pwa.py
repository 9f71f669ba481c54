"""The portal as an installable web app that keeps working without signal.

``manifest`` names the app and its icons; ``service_worker`` is served from the
site's root so that its scope is every page: it answers the static files from the
phone and, when the network is gone, the pages the user took offline
(``static/js/offline.js`` stores them and queues the changes typed meanwhile).
``LogoutView`` clears all of it from the browser.
"""

from __future__ import annotations

import hashlib

from django.contrib.auth import views as auth_views
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from .access import scope_of

# What every page offline needs; fetched when the service worker is installed.
PRECACHE = [
    "css/portal.css",
    "js/portal.js",
    "js/offline.js",
    "js/checklist.js",
    "js/visit.js",
    "icons/icon-192.png",
    "icons/icon-512.png",
]


def offline_urls(user, page_url: str, school) -> list[str]:
    """What a page takes offline: the page itself, and the school's card when the
    user may see it (the "take offline" button's list)."""
    urls = [page_url]
    if scope_of(user).sees_school(school):
        urls.append(reverse("school_detail", args=[school.pk]))
    return urls


@require_GET
@cache_control(max_age=86400)
def manifest(request: HttpRequest) -> JsonResponse:
    icons = [
        {"src": static(f"icons/icon-{size}.png"), "sizes": f"{size}x{size}",
         "type": "image/png", "purpose": "any maskable"}
        for size in (192, 512)
    ]  # fmt: skip
    data = {
        "name": _("School reopening readiness"),
        "short_name": _("Reopening"),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#f4f6f8",
        "theme_color": "#0b5cab",
        "icons": icons,
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@require_GET
@never_cache  # a new version of the portal reaches the phones at their next visit
def service_worker(request: HttpRequest) -> HttpResponse:
    precache = [static(path) for path in PRECACHE] + [reverse("offline")]
    # Static names carry their content's hash (the manifest storage): a new file is
    # a new name, hence a new version and a fresh cache.
    version = hashlib.sha256("\n".join(precache).encode()).hexdigest()[:12]
    context = {"precache": precache, "version": version, "static_prefix": static("")}
    return render(request, "readiness/sw.js", context, content_type="application/javascript")


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """Shown for a page that was not taken offline when the network is gone: the
    copies on this phone are listed by the page's script. The service worker keeps
    one copy of it for whoever uses the browser next, so it carries no one's name."""
    return render(request, "readiness/offline.html", {"user": AnonymousUser()})


class LogoutView(auth_views.LogoutView):
    """Logging out removes the copies and the queue from this browser: the pages the
    user took offline (planned visits are secret) and anything stored for them. The
    page's script asks first when changes are still waiting to be sent."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response
