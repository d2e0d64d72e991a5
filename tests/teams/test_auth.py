import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from teams.models import Delivery
from tests.teams.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_login_with_the_form_lands_on_home(client, consultant):
    response = client.post(reverse("login"), {"username": consultant.username, "password": "pass-1234"})
    assert response.status_code == 302 and response.url == reverse("teams:home")


def test_wrong_password_explains_in_chinese_and_keeps_the_username(client, consultant):
    response = client.post(reverse("login"), {"username": consultant.username, "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "用户名或密码错误" in html
    assert f'value="{consultant.username}"' in html


def test_five_failed_logins_lock_the_account_even_with_the_right_password(client, consultant):
    for _ in range(5):
        client.post(reverse("login"), {"username": consultant.username, "password": "wrong"})
    response = client.post(reverse("login"), {"username": consultant.username, "password": "pass-1234"})
    assert response.status_code == 429
    assert "账号已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lock_expires_after_the_cool_off(client, consultant):
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        for _ in range(5):
            client.post(reverse("login"), {"username": consultant.username, "password": "wrong"})
        clock.shift(dt.timedelta(minutes=16))
        response = client.post(reverse("login"), {"username": consultant.username, "password": "pass-1234"})
    assert response.status_code == 302


def test_session_ends_after_two_idle_hours_but_not_while_active(client, consultant):
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        client.post(reverse("login"), {"username": consultant.username, "password": "pass-1234"})
        for _ in range(3):  # active all morning: an hour and a half between clicks
            clock.shift(dt.timedelta(minutes=90))
            assert client.get(reverse("teams:home")).status_code == 200
        clock.shift(dt.timedelta(hours=2, minutes=1))
        response = client.get(reverse("teams:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_logout_is_post_and_ends_the_session(login, consultant):
    client = login(consultant)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("teams:home")).status_code == 302


def test_password_reset_sends_a_link_through_the_outbox(client, consultant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": consultant.email})
    assert response.status_code == 302
    delivery = Delivery.objects.get(address=consultant.email)
    assert delivery.sent_at is not None
    assert len(mail.outbox) == 1
    assert "/reset/" in mail.outbox[0].body


def test_password_reset_answers_the_same_for_an_unknown_address(client, consultant):
    known = client.post(reverse("password_reset"), {"email": consultant.email})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert len(mail.outbox) == 0  # nothing is sent while the request runs: the worker sends it
    assert not Delivery.objects.filter(address="nobody@example.com").exists()


def test_one_address_trying_many_accounts_is_stopped(client, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    users = [UserFactory(username=f"staff{i}") for i in range(4)]
    for user in users[:3]:  # one wrong password each: no account reaches its own limit
        client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    response = client.post(reverse("login"), {"username": users[3].username, "password": "pass-1234"})
    assert response.status_code == 200
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_behind_the_proxy_the_lock_out_is_the_callers_not_everyones(client, consultant, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for _ in range(5):
        client.post(
            reverse("login"),
            {"username": consultant.username, "password": "wrong"},
            HTTP_X_FORWARDED_FOR="203.0.113.7",
            **proxy,
        )
    attacker = client.post(
        reverse("login"),
        {"username": consultant.username, "password": "pass-1234"},
        HTTP_X_FORWARDED_FOR="203.0.113.7",
        **proxy,
    )
    assert attacker.status_code == 429
    colleague = client.post(
        reverse("login"),
        {"username": consultant.username, "password": "pass-1234"},
        HTTP_X_FORWARDED_FOR="198.51.100.20",
        **proxy,
    )
    assert colleague.status_code == 302


def test_a_session_ends_twelve_hours_after_sign_in_however_active(client, consultant):
    with time_machine.travel(dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC), tick=False) as clock:
        client.post(reverse("login"), {"username": consultant.username, "password": "pass-1234"})
        for _ in range(7):  # a click every 90 minutes: never idle, 10.5 hours
            clock.shift(dt.timedelta(minutes=90))
            assert client.get(reverse("teams:home")).status_code == 200
        clock.shift(dt.timedelta(minutes=91))  # just over 12 hours after sign-in
        response = client.get(reverse("teams:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_password_change_page_in_the_product_look(login, consultant):
    html = login(consultant).get(reverse("password_change")).content.decode()
    assert "修改密码" in html and "navbar" in html
