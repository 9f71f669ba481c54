"""A limit on searches of the ledger, per user, for the page and the API alike."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class PersonSearchThrottle(SimpleRateThrottle):
    """Counts only requests that search (``q``); browsing and filtering are free.

    Works on a Django request as well as a DRF one: it reads only the user, the
    query string and the client address."""

    scope = "person_search"

    def get_rate(self) -> str:
        return settings.PERSON_SEARCH_RATE  # read per call, so that tests may change it

    def get_cache_key(self, request, view) -> str | None:
        if not (request.GET.get("q") or "").strip():
            return None
        ident = request.user.pk if request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
