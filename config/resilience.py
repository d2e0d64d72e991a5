"""Parts that may fail without taking a request down with them: the cache and the broker.

Redis is an accelerator here, never the record: the database holds every row that
matters (sessions included), so when Redis is down or hangs the cache reads as a
miss and publishing a task is skipped (a periodic scan sends what it left behind).
A ``CircuitBreaker`` keeps one failure from being paid again on every call: after
it, the part is not tried for a while, so a page waits for at most one timeout.
"""

import functools
import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class CircuitBreaker:
    """Closed until a failure; then open (calls skipped) for ``open_seconds``."""

    def __init__(self, name: str, open_seconds: float):
        self.name = name
        self.open_seconds = open_seconds
        self._open_until = 0.0
        self._lock = threading.Lock()

    def allows(self) -> bool:
        return time.monotonic() >= self._open_until

    def failed(self) -> None:
        with self._lock:
            self._open_until = time.monotonic() + self.open_seconds
        logger.warning("%s unavailable; not tried again for %s s.", self.name, self.open_seconds)

    def reset(self) -> None:
        with self._lock:
            self._open_until = 0.0


def _fail_soft(miss):
    """Run the cache call unless the breaker is open; on a Redis error log it and return ``miss(args)``."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if not self.breaker.allows():
                return miss(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except RedisError:
                logger.exception("Cache error in %s; treated as a miss.", method.__name__)
                self.breaker.failed()
                return miss(*args, **kwargs)

        return wrapper

    return decorate


def _raise_missing(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found (cache unavailable)")


class SharedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis client wrapper keeping one ``redis.Redis`` per connection pool. Django builds a new one for
    every cache call, and redis-py's constructor fills a table of ~170 response callbacks each time: a good
    part of the signed-in shell's cost (issue 14). A ``redis.Redis`` over a connection pool may be shared by
    threads (redis-py's ``Redis`` docstring: only ``single_connection_client=True`` is not thread safe): the pool
    hands each command a connection of its own."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class FailSoftRedisCache(RedisCache):
    """Django's RedisCache that answers "not cached" instead of raising when Redis is down.

    Give it short timeouts in ``OPTIONS`` (``socket_connect_timeout``, ``socket_timeout``,
    passed to redis-py's connection pool) so a hung Redis costs a fraction of a second.
    https://docs.djangoproject.com/en/5.2/topics/cache/#redis
    """

    # Django makes a cache object per thread; the breaker is per server, shared by all of them.
    _breakers: dict[str, CircuitBreaker] = {}

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
        self.breaker = self._breakers.setdefault(
            str(server), CircuitBreaker("Cache", open_seconds=params.get("BREAKER_SECONDS", 30))
        )

    def validate_key(self, key):
        """Redis takes any key: no per-character scan for what memcached would refuse (BaseCache's warnings)."""

    @_fail_soft(lambda key, value, timeout=DEFAULT_TIMEOUT, version=None: False)
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().add(key, value, timeout, version)

    @_fail_soft(lambda key, default=None, version=None: default)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version)

    @_fail_soft(lambda key, value, timeout=DEFAULT_TIMEOUT, version=None: None)
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set(key, value, timeout, version)

    @_fail_soft(lambda key, timeout=DEFAULT_TIMEOUT, version=None: False)
    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return super().touch(key, timeout, version)

    @_fail_soft(lambda key, version=None: False)
    def delete(self, key, version=None):
        return super().delete(key, version)

    @_fail_soft(lambda keys, version=None: {})
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @_fail_soft(lambda key, version=None: False)
    def has_key(self, key, version=None):
        return super().has_key(key, version)

    @_fail_soft(_raise_missing)
    def incr(self, key, delta=1, version=None):
        return super().incr(key, delta, version)

    @_fail_soft(lambda data, timeout=DEFAULT_TIMEOUT, version=None: list(data))
    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set_many(data, timeout, version)

    @_fail_soft(lambda keys, version=None: None)
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version)

    @_fail_soft(lambda: False)
    def clear(self):
        return super().clear()


def redis_cache_settings(url: str) -> dict:
    """The ``CACHES["default"]`` for Redis at ``url``: fails soft, half a second at most per outage."""
    return {
        "BACKEND": "config.resilience.FailSoftRedisCache",
        "LOCATION": url,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        "BREAKER_SECONDS": 30,
    }
