"""The shared cache in Redis keeps its client; sessions stay in the database, so that
a page answers while Redis is down."""

from __future__ import annotations

import pytest
from django.test import override_settings


@pytest.mark.redis
def test_the_cache_keeps_its_redis_client_and_round_trips():
    from django.core.cache import caches

    from readiness.cache import RedisCache

    cache = caches["default"]
    assert isinstance(cache, RedisCache)
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client() is client  # one server: one client, read and write
    cache.set("cache-test", {"n": 1}, 30)
    assert cache.get("cache-test") == {"n": 1}
    cache.delete("cache-test")
    assert cache.get("cache-test") is None


def test_a_page_answers_while_the_cache_is_down(client, official_a):
    """The sessions are the database's: with nothing listening where the cache should
    be, a logged-in page still opens (sessions read from the cache would fail it)."""
    down = {
        "default": {
            "BACKEND": "readiness.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    client.force_login(official_a)
    with override_settings(CACHES=down):  # Django's test signal resets the caches
        response = client.get("/schools/")
    assert response.status_code == 200
