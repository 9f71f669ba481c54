"""The shared cache in Redis: Django's backend, keeping its Redis client.

Django's RedisCacheClient makes a new ``redis.Redis`` for every call, over its
kept connection pool; redis-py 8 fills some 170 response callbacks in each new
client, so that building it cost more than the round trip's own work (49 against
71 microseconds for a read, timed here). The backend's instance is per thread
(Django's caches are), and a client holds no connection of its own, only its
pool, which redis-py resets after a fork: each worker thread keeps one client per
cache server.
"""

from __future__ import annotations

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:  # as Django's _get_connection_pool, for this index
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
