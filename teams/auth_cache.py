"""The signed-in user read from the shared cache instead of the database on every request (issue 14).

``CachedModelBackend`` is Django's ModelBackend whose ``get_user`` (called by AuthenticationMiddleware for
every signed-in request) keeps the user row in the cache for ``USER_CACHE_SECONDS``. Only with a cache every
process shares (Redis: ``REDIS_URL``); 0 = always from the database. A user saved or deleted (a role, a team,
a password, ``is_active``) is dropped from the cache at once and again after the commit (``forget_user``);
``User.objects…update()`` and ``bulk_update()`` drop the users they change (teams/models/staff.py
UserQuerySet); raw SQL is bounded by the short lifetime. With Redis down the cache reads as a miss
(config/resilience.py): the database answers.
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


# --- The session's second-factor device (django-otp reads it on every signed-in request) --------------------

_DEVICE_FIELDS = ("id", "user_id", "name", "confirmed")


def _device_key(persistent_id: str) -> str:
    return f"teams:otp_device:v1:{persistent_id}"


def forget_device_of(sender, instance, **kwargs) -> None:
    """Signal receiver (teams.apps): a TOTP or recovery-code device saved (each verification saves it) or
    deleted."""
    if not settings.USER_CACHE_SECONDS:
        return
    key = _device_key(instance.persistent_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def cached_device(persistent_id: str, load):
    """The device ``load(persistent_id)`` returns, from the cache when there is a shared one. Only its id,
    user, name and confirmation are kept (never its secret): the instance comes back with its other fields
    deferred, so reading them (a token check) loads them from the database, and saving it writes only those
    four."""
    seconds = settings.USER_CACHE_SECONDS
    if not seconds:
        return load(persistent_id)
    key = _device_key(persistent_id)
    found = cache.get(key)
    if found is not None:
        label, values = found
        from django.apps import apps

        return apps.get_model(label).from_db(None, list(_DEVICE_FIELDS), values)
    device = load(persistent_id)
    if device is not None:
        cache.set(key, (device._meta.label, [getattr(device, f) for f in _DEVICE_FIELDS]), seconds)
    return device
