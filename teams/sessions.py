"""The session engine with Redis (``SESSION_ENGINE`` when ``REDIS_URL`` is set): Django's cached_db sessions —
the database holds every session, the cache a copy — whose load reads, in the same round trip as the session,
the other cache entries a signed-in request needs: its user, its second-factor device, its unread count
(teams/auth_cache.py, "One round trip"). https://docs.djangoproject.com/en/5.2/topics/http/sessions/#using-cached-sessions

The cached copy lives at most ``SESSION_CACHE_SECONDS``, not the session's two weeks: a sign-out while Redis is
down deletes the database row but cannot delete the copy, which would otherwise sign the old cookie in again
once Redis is back. Bounded, the copy is gone by then or soon after; a live session costs one database read per
``SESSION_CACHE_SECONDS``.
"""

from django.conf import settings
from django.contrib.sessions.backends import cached_db

from teams import auth_cache


class _Capped:
    """The cache as the session store uses it, with every copy's lifetime capped."""

    def __init__(self, cache, seconds: int):
        self._cache, self._seconds = cache, seconds

    def set(self, key, value, timeout=None):
        return self._cache.set(key, value, min(timeout, self._seconds) if timeout else self._seconds)

    def __contains__(self, key):
        return key in self._cache

    def __getattr__(self, name):
        return getattr(self._cache, name)


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _Capped(self._cache, settings.SESSION_CACHE_SECONDS)

    def load(self):
        data = None
        extra = auth_cache.shell_keys(self.session_key)
        if extra:
            found = self._cache.get_many([self.cache_key, *extra])  # fails soft: {} with Redis down
            data = found.get(self.cache_key)
            auth_cache.prefetched(found, extra)
        if data is None:
            data = super().load()  # a miss: cached_db reads the database and fills the cache
        auth_cache.remember_shell_keys(self.session_key, data)
        return data
