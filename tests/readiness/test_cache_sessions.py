"""The shared cache in Redis keeps its client, and pages read their sessions from it:
a session ended is ended in every worker."""

from __future__ import annotations

import pytest


@pytest.mark.redis
def test_the_cache_keeps_its_redis_client_and_round_trips():
    from django.core.cache import caches

    from readiness.cache import RedisCache

    cache = caches["default"]
    assert isinstance(cache, RedisCache)
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client() is client  # one server: one client, read and write
    cache.set("layout-test", {"n": 1}, 30)
    assert cache.get("layout-test") == {"n": 1}
    cache.delete("layout-test")
    assert cache.get("layout-test") is None


@pytest.mark.redis
def test_a_page_reads_its_session_from_the_cache_and_a_logout_ends_it(client, official_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(official_a)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/schools/").status_code == 200
    assert not [q for q in queries if "django_session" in q["sql"]]
    cookie = client.cookies["sessionid"].value
    client.post("/logout/")
    client.cookies["sessionid"] = cookie  # the ended session's cookie, sent again
    assert client.get("/schools/").status_code == 302


@pytest.mark.redis
def test_a_session_outlives_a_lost_cache(client, official_a):
    """Written to the database too: Redis restarted empty, the user is still logged in."""
    from django.core.cache import cache

    client.force_login(official_a)
    cache.clear()
    assert client.get("/schools/").status_code == 200
