"""What a page's query count holds before its own reads.

A logged-in page reads its session, then its user. Where the cache is Redis (CI,
production) the session is read from it (``cached_db``) and costs no query; with a
process's own memory for a cache (``make test`` without Redis) it is read from
the database. A count written ``SESSION + n`` holds in both."""

from __future__ import annotations

from django.conf import settings

SESSION = 0 if settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db" else 1
