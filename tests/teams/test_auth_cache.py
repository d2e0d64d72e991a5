"""The signed-in user read through the shared cache (teams/auth_cache.py): no user query on a page once
cached, and every change to the account seen on the next request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from teams.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def user_cached(settings):
    settings.USER_CACHE_SECONDS = 60


def _user_queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    return response, [q for q in ctx.captured_queries if 'FROM "teams_user"' in q["sql"]]


def _sign_in(client, user):
    """Through the login form, as people do (the session then names the cached backend)."""
    user.set_password("pass-1234")
    user.save()
    assert client.post(reverse("login"), {"username": user.username, "password": "pass-1234"}).status_code == 302


def test_a_signed_in_page_reads_no_user_row_once_cached(client, consultant, user_cached):
    _sign_in(client, consultant)
    url = reverse("teams:notifications")
    client.get(url)
    response, queries = _user_queries(client, url)
    assert response.status_code == 200 and queries == []


def test_a_deactivated_account_is_signed_out_on_its_next_request(client, consultant, user_cached):
    _sign_in(client, consultant)
    url = reverse("teams:notifications")
    assert client.get(url).status_code == 200
    consultant.is_active = False
    consultant.save()
    assert client.get(url).status_code == 302  # to the sign-in page


def test_a_new_role_and_a_new_language_are_seen_on_the_next_request(client, consultant, user_cached):
    from teams.models import User

    _sign_in(client, consultant)
    assert client.get(reverse("teams:notifications")).status_code == 200
    consultant.role = Role.FRONT_DESK
    consultant.team = None
    consultant.save()
    assert client.get(reverse("clients:list")).status_code == 403
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert User.objects.get(pk=consultant.pk).language == "en"
    client.get("/")  # cached again (language en) …
    from django.core.cache import cache

    from teams.auth_cache import _key

    assert cache.get(_key(consultant.pk)).language == "en"


def test_without_a_shared_cache_the_user_comes_from_the_database(client, consultant, settings):
    settings.USER_CACHE_SECONDS = 0
    _sign_in(client, consultant)
    url = reverse("teams:notifications")
    client.get(url)
    response, queries = _user_queries(client, url)
    assert response.status_code == 200 and len(queries) == 1


def _verified(client, user):
    """A session verified by the user's TOTP device, as after the second-factor page."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="手机", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def test_the_sessions_device_is_read_once_kept_without_its_secret_and_dropped_when_removed(
    client, consultant, user_cached, settings
):
    from django.core.cache import cache

    from teams.auth_cache import _device_key

    settings.TWO_FACTOR_ENFORCE = True  # the consultant's role needs a second factor
    _sign_in(client, consultant)
    device = _verified(client, consultant)
    url = reverse("teams:notifications")
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    assert not [q for q in ctx.captured_queries if "otp_totp_totpdevice" in q["sql"]]
    label, values = cache.get(_device_key(device.persistent_id))
    assert label == "otp_totp.TOTPDevice" and device.key not in [str(v) for v in values]
    device.delete()
    assert client.get(url).status_code == 302  # no device any more: sent to the second-factor pages


@pytest.mark.parametrize("write", ["update", "bulk_update"])
def test_a_write_without_save_is_seen_on_the_next_request(client, consultant, user_cached, write):
    """``QuerySet.update()`` sends no post_save: the user queryset drops the changed users itself."""
    from teams.models import User

    _sign_in(client, consultant)
    url = reverse("teams:notifications")
    assert client.get(url).status_code == 200
    if write == "update":
        User.objects.filter(pk=consultant.pk).update(is_active=False)
    else:
        consultant.is_active = False
        User.objects.bulk_update([consultant], ["is_active"])
    assert client.get(url).status_code == 302  # to the sign-in page


def test_a_sign_out_while_redis_is_down_does_not_come_back_with_redis(client, consultant, settings, time_machine):
    """The database row goes at once; the cached copy of the session (teams/sessions.py) cannot be deleted with
    the cache down, and lives only SESSION_CACHE_SECONDS — not the session's two weeks."""
    from django.core.cache import caches

    settings.SESSION_ENGINE = "teams.sessions"
    time_machine.move_to(timezone.now(), tick=False)
    _sign_in(client, consultant)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get(reverse("teams:home")).status_code == 200
    cache = caches[settings.SESSION_CACHE_ALIAS]
    real_delete = cache.delete
    cache.delete = lambda *args, **kwargs: False  # Redis down: config/resilience.py swallows the error
    try:
        client.post(reverse("logout"))
    finally:
        cache.delete = real_delete
    assert cache.get(f"django.contrib.sessions.cached_db{cookie}") is not None  # the copy is still there
    time_machine.shift(settings.SESSION_CACHE_SECONDS + 1)
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie  # the old cookie, kept by the browser or a thief
    response = client.get(reverse("teams:home"))
    assert response.status_code == 302 and reverse("login") in response.url
