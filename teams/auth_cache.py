"""The signed-in user read from the shared cache instead of the database on every request (issue 14).

``CachedModelBackend`` is Django's ModelBackend whose ``get_user`` (called by AuthenticationMiddleware for
every signed-in request) keeps the user row in the cache for ``USER_CACHE_SECONDS``. Only with a cache every
process shares (Redis: ``REDIS_URL``); 0 = always from the database. A user saved or deleted (a role, a team,
a password, ``is_active``) is dropped from the cache at once and again after the commit (``forget_user``);
a write that bypasses ``save()`` calls ``forget_user`` itself, and the short lifetime bounds whatever was
missed. With Redis down the cache reads as a miss (config/resilience.py): the database answers.
"""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction


def _key(user_id) -> str:
    return f"teams:user:v1:{user_id}"


def forget_user(user_id) -> None:
    if not settings.USER_CACHE_SECONDS:
        return
    key = _key(user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def forget_user_of(sender, instance, **kwargs) -> None:
    """Signal receiver (teams.apps): a user saved or deleted."""
    forget_user(instance.pk)


class CachedModelBackend(ModelBackend):
    def get_user(self, user_id):
        seconds = settings.USER_CACHE_SECONDS
        if not seconds:
            return super().get_user(user_id)
        key = _key(user_id)
        user = cache.get(key)
        if user is None:
            user = super().get_user(user_id)
            if user is None:
                return None
            cache.set(key, user, seconds)
        return user if self.user_can_authenticate(user) else None
