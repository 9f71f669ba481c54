"""Request checks that hold for every page and API route."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import redirect
from django.utils.translation import gettext as _


class RejectNulBytes:
    """A NUL character in a query or form value answers 400.

    No field of the portal holds one, and PostgreSQL refuses them in text, so a
    filter or search carrying one would otherwise end in a server error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request.GET) or (
            request.method == "POST"
            and request.content_type
            in ("application/x-www-form-urlencoded", "multipart/form-data")
            and _has_nul(request.POST)
        ):
            message = _("A value of the request holds a NUL character.")
            if request.path.startswith("/api/"):  # the API answers JSON, as documented
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message)
        return self.get_response(request)


def _has_nul(params) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in params.lists())


# Bodies worth compressing: text and JSON. Photos, PDFs, spreadsheets and ZIPs are
# compressed already; gzipping them again costs a worker's time for nothing.
COMPRESSIBLE = ("text/", "application/json", "application/javascript", "image/svg+xml")


class TextGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware (with its random padding against BREACH), for text and
    JSON bodies only."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if not response.get("Content-Type", "").startswith(COMPRESSIBLE):
            return response
        return super().process_response(request, response)


class PasswordChangeRequired:
    """A user whose password someone else chose (an initial or a reset one) is
    sent to change it before any other page; an API call answers 403."""

    ALLOWED = frozenset({"password_change", "logout", "set_language", "password_set", "healthz"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.must_change_password:
            return None
        if request.resolver_match.url_name in self.ALLOWED:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": _("Change your initial password in the portal first.")}, status=403
            )
        return redirect("password_change")
