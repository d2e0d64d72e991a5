"""The deputy GM signs in with two-factor sign-in enforced: password, enrolment by the key, recovery codes,
then, signed in again, the code from the app."""

import base64
import re

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from teams.roles import Role
from tests.teams.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code(secret: str, step_offset: int = 0) -> str:
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    totp = TOTP(key, step=30, t0=0, digits=6, drift=step_offset)
    return f"{totp.token():06d}"


def log_in(page, base_url, username):
    page.goto(f"{base_url}/login/")
    page.get_by_label(re.compile("用户名|Username")).fill(username)
    page.get_by_label(re.compile("密码|Password")).fill("pass-1234")
    page.get_by_test_id("login-submit").click()


def test_gm_enrols_then_signs_in_with_the_code(page, live_server, settings):
    settings.TWO_FACTOR_ENFORCE = True
    UserFactory(username="gm2fa", role=Role.DEPUTY_GM, team=None, full_name="王建国")
    log_in(page, live_server.url, "gm2fa")
    expect(page).to_have_url(re.compile(r"/account/two-factor/enrol/"))
    expect(page.get_by_test_id("two-factor-qr")).to_be_visible()
    secret = page.get_by_test_id("two-factor-secret").inner_text()
    # Any other page sends back to the enrolment.
    page.goto(f"{live_server.url}/clients/")
    expect(page).to_have_url(re.compile(r"/account/two-factor/enrol/"))
    page.get_by_label(re.compile("验证码|Code")).fill(code(secret))
    page.get_by_test_id("two-factor-submit").click()
    expect(page.get_by_test_id("recovery-codes").locator("code")).to_have_count(10)
    page.get_by_role("link", name=re.compile("我已保存|I have kept")).click()
    # Back to the page first asked for.
    expect(page).to_have_url(re.compile(r"/clients/$"))
    page.goto(f"{live_server.url}/")
    expect(page.locator("h1")).to_contain_text("王建国，您好")

    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("logout").click()
    log_in(page, live_server.url, "gm2fa")
    expect(page).to_have_url(re.compile(r"/account/two-factor/verify/"))
    page.get_by_label(re.compile("验证码|Code")).fill(code(secret, step_offset=1))  # the next code: not yet used
    page.get_by_test_id("two-factor-submit").click()
    expect(page.locator("h1")).to_contain_text("王建国，您好")
