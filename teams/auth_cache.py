"""The signed-in user read from the shared cache instead of the database on every request (issue 14).

``CachedModelBackend`` is Django's ModelBackend whose ``get_user`` (called by AuthenticationMiddleware for
every signed-in request) keeps the user row in the cache for ``USER_CACHE_SECONDS``. Only with a cache every
process shares (Redis: ``REDIS_URL``); 0 = always from the database. A user saved or deleted (a role, a team,
a password, ``is_active``) is dropped from the cache at once and again after the commit (``forget_user``);
``User.objects…update()`` and ``bulk_update()`` drop the users they change (teams/models/staff.py
UserQuerySet); raw SQL is bounded by the short lifetime. With Redis down the cache reads as a miss
(config/resilience.py): the database answers.

One round trip (``teams.sessions``): a signed-in request reads its session, its user, its second-factor device
and its unread count with one ``MGET`` instead of four ``GET``s. The session store learns, per session, which
of these entries its data names (``remember_shell_keys``) and reads them next time together with the session;
what it read is kept for the rest of that request only (``prefetched``), each value taken once by the code
that would otherwise read the cache (``read``), dropped when that code's entry is forgotten, and never looked
up under any key but the one the session names at the time. A guess that no longer fits (another user signed
in on the session, another device) only costs the usual ``GET``.
"""

from contextvars import ContextVar

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction
from django_otp import DEVICE_ID_SESSION_KEY


def _key(user_id) -> str:
    return f"teams:user:v1:{user_id}"


def unread_key(user_id) -> str:
    """The bell's count (teams.services.unread_count)."""
    return f"teams:unread:v1:{user_id}"


# --- What this request's session store read with the session (teams.sessions) ------------------------------

_MISS = object()
_prefetched: ContextVar[dict | None] = ContextVar("teams_auth_cache_prefetched", default=None)
# Session key → the cache keys its data named last time (only keys, never values). Per process, bounded.
_SHELL_KEYS: dict[str, tuple[str, ...]] = {}
_SHELL_KEYS_MAX = 5000


def shell_keys(session_key: str | None) -> tuple[str, ...]:
    """The cache entries to read with this session: those its data named on its last request here."""
    return _SHELL_KEYS.get(session_key, ()) if session_key else ()


def remember_shell_keys(session_key: str | None, data: dict) -> None:
    """Note which cache entries the session's data names: its user's row, its device, the unread count."""
    if not session_key:
        return
    keys = []
    user_id = data.get(SESSION_KEY)
    if user_id is not None and settings.USER_CACHE_SECONDS:
        keys.append(_key(user_id))
        device = data.get(DEVICE_ID_SESSION_KEY)
        if device:
            keys.append(_device_key(device))
    if user_id is not None and settings.UNREAD_COUNT_CACHE_SECONDS:
        keys.append(unread_key(user_id))
    keys = tuple(keys)
    if _SHELL_KEYS.get(session_key) == keys:
        return
    if len(_SHELL_KEYS) >= _SHELL_KEYS_MAX:
        _SHELL_KEYS.clear()
    if keys:
        _SHELL_KEYS[session_key] = keys
    else:
        _SHELL_KEYS.pop(session_key, None)


def prefetched(found: dict, keys) -> None:
    """Keep, for this request, what was read for ``keys`` (absent from ``found``: not in the cache)."""
    _prefetched.set({key: found.get(key, _MISS) for key in keys})


def end_prefetched(**kwargs) -> None:
    """``request_started`` / ``request_finished`` receiver (teams.apps): nothing outlives its request."""
    _prefetched.set(None)


def _drop_prefetched(*keys) -> None:
    kept = _prefetched.get()
    if kept:
        for key in keys:
            kept.pop(key, None)


def read(key):
    """``cache.get(key)``, unless this request's session store already read it (then without a round trip)."""
    kept = _prefetched.get()
    if kept:
        value = kept.pop(key, None)
        if value is not None:
            return None if value is _MISS else value
    return cache.get(key)


def forget(*keys) -> None:
    """Cache entries that are stale: dropped now, and again after the commit (a request reading in between,
    before the commit, would have cached the old value)."""
    _drop_prefetched(*keys)
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def forget_user(user_id) -> None:
    if not settings.USER_CACHE_SECONDS:
        return
    forget(_key(user_id))


def forget_user_of(sender, instance, **kwargs) -> None:
    """Signal receiver (teams.apps): a user saved or deleted."""
    forget_user(instance.pk)


class CachedModelBackend(ModelBackend):
    def get_user(self, user_id):
        seconds = settings.USER_CACHE_SECONDS
        if not seconds:
            return super().get_user(user_id)
        key = _key(user_id)
        user = read(key)
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
    forget(_device_key(instance.persistent_id))


def cached_device(persistent_id: str, load):
    """The device ``load(persistent_id)`` returns, from the cache when there is a shared one. Only its id,
    user, name and confirmation are kept (never its secret): the instance comes back with its other fields
    deferred, so reading them (a token check) loads them from the database, and saving it writes only those
    four."""
    seconds = settings.USER_CACHE_SECONDS
    if not seconds:
        return load(persistent_id)
    key = _device_key(persistent_id)
    found = read(key)
    if found is not None:
        label, values = found
        from django.apps import apps

        return apps.get_model(label).from_db(None, list(_DEVICE_FIELDS), values)
    device = load(persistent_id)
    if device is not None:
        cache.set(key, (device._meta.label, [getattr(device, f) for f in _DEVICE_FIELDS]), seconds)
    return device
