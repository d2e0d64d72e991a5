"""The signed-in user reaches views as the user itself, verified by its second factor or not
(teams/middleware.py CachedOTPMiddleware sets it up at once rather than behind two lazy proxies)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from teams.models import User

pytestmark = pytest.mark.django_db


def _verify_with(client, device):
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def test_a_signed_in_request_carries_the_user_itself(client, consultant):
    client.force_login(consultant)
    request = client.get(reverse("teams:home")).wsgi_request
    assert type(request.user) is User
    assert request.user.pk == consultant.pk
    assert request.user.is_verified() is False


def test_the_session_s_confirmed_device_verifies_the_user(client, gm):
    client.force_login(gm)
    _verify_with(client, TOTPDevice.objects.create(user=gm, name="phone", confirmed=True))
    request = client.get(reverse("teams:home")).wsgi_request
    assert request.user.is_verified() is True
    assert request.user.otp_device.name == "phone"


@pytest.mark.parametrize("whose", ["unconfirmed", "another person's"])
def test_a_device_that_is_not_the_user_s_confirmed_one_does_not_verify(client, gm, consultant, whose):
    owner, confirmed = (gm, False) if whose == "unconfirmed" else (consultant, True)
    client.force_login(gm)
    _verify_with(client, TOTPDevice.objects.create(user=owner, name="phone", confirmed=confirmed))
    request = client.get(reverse("teams:home")).wsgi_request
    assert request.user.is_verified() is False
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_nobody_signed_in_is_the_anonymous_user(client):
    request = client.get(reverse("login")).wsgi_request
    assert isinstance(request.user, AnonymousUser)
    assert request.user.is_verified() is False
