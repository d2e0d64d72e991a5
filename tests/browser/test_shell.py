"""Each role logs in through the real form, sees its home page in Chinese, switches to English, logs out."""

import re

import pytest
from playwright.sync_api import expect

from teams.roles import TEAM_ROLES, Role
from tests.teams.factories import TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url, username):
    page.goto(f"{base_url}/login/")
    page.get_by_label(re.compile("用户名|Username")).fill(username)
    page.get_by_label(re.compile("密码|Password")).fill("pass-1234")
    page.get_by_test_id("login-submit").click()


def test_every_role_home_in_chinese_then_english_then_logout(page, live_server):
    team = TeamFactory(name="静安一组")
    users = [
        UserFactory(
            username=f"u_{role.value}", role=role, team=team if role in TEAM_ROLES else None, full_name=f"测试{i}"
        )
        for i, role in enumerate(Role)
    ]
    for user in users:
        log_in(page, live_server.url, user.username)
        expect(page.locator("h1")).to_contain_text(f"{user.full_name}，您好")
        expect(page.get_by_test_id("panel-notifications")).to_contain_text("未读通知")
        expect(page.locator("nav")).to_contain_text(user.get_role_display())  # role name, translated

        page.get_by_test_id("lang-en").first.click()
        expect(page.locator("h1")).to_contain_text(f"Good day, {user.full_name}")
        page.get_by_test_id("lang-zh").first.click()
        expect(page.locator("h1")).to_contain_text("您好")

        page.get_by_test_id("user-menu").click()
        page.get_by_test_id("logout").click()
        expect(page).to_have_url(re.compile(r"/login/$"))
        page.goto(f"{live_server.url}/")
        expect(page).to_have_url(re.compile(r"/login/\?next=/$"))


def test_phone_sized_window_has_a_menu_and_a_bell(page, live_server):
    UserFactory(username="pm_phone", role=Role.PROJECT_MANAGER, full_name="杨强")
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, "pm_phone")
    expect(page.locator(".navbar-toggler")).to_be_visible()
    page.locator(".navbar-toggler").click()
    expect(page.get_by_role("link", name=re.compile("我的工作"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
