"""The session engine with Redis (``SESSION_ENGINE`` when ``REDIS_URL`` is set): Django's cached_db sessions —
the database holds every session, the cache a copy — whose load reads, in the same round trip as the session,
the other cache entries a signed-in request needs: its user, its second-factor device, its unread count
(teams/auth_cache.py, "One round trip"). https://docs.djangoproject.com/en/5.2/topics/http/sessions/#using-cached-sessions
"""

from django.contrib.sessions.backends import cached_db

from teams import auth_cache


class SessionStore(cached_db.SessionStore):
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
