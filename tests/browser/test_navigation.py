"""The navigation fits: every role, both languages, laptop to wide desktop — nothing runs off the screen, and the
bell, the user menu and the language switch are always on it; menus open from the keyboard."""

import pytest
from playwright.sync_api import expect

from teams.roles import TEAM_ROLES, Role
from tests.browser.test_shell import log_in
from tests.teams.factories import TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [992, 1100, 1200, 1280, 1440, 1600, 1920]


def test_every_role_sees_the_whole_bar_at_every_desktop_width_in_both_languages(page, live_server):
    team = TeamFactory(name="静安一组")
    for i, role in enumerate(Role):
        user = UserFactory(
            username=f"nav_{role.value}", role=role, team=team if role in TEAM_ROLES else None, full_name=f"欧阳测试{i}"
        )
        page.set_viewport_size({"width": 1280, "height": 800})
        log_in(page, live_server.url, user.username)
        for language in ("zh", "en"):
            if language == "en":
                page.set_viewport_size({"width": 1280, "height": 800})
                page.get_by_test_id("lang-en").click()
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 0, f"{role} {language} {width}px: {overflow}px too wide"
                other = "zh" if language == "en" else "en"
                # Below 1200 px the sections fold into the menu button; the bell and the language stay on the bar.
                wanted = ["bell", f"lang-{other}", "user-menu"] if width >= 1200 else [f"lang-{other}-compact"]
                for testid in wanted:
                    box = page.get_by_test_id(testid).first.bounding_box()
                    assert box and box["x"] + box["width"] <= width, f"{role} {language} {width}px: {testid} cut"
                if width < 1200:
                    expect(page.locator(".navbar-toggler")).to_be_visible()
                    expect(page.locator("a.d-xl-none[href$='/notifications/']")).to_be_visible()
                # One row: the bar is no taller than a single line of links.
                assert page.locator(".app-navbar").bounding_box()["height"] < 70, f"{role} {language} {width}px"
        page.set_viewport_size({"width": 1280, "height": 800})
        page.get_by_test_id("lang-zh").click()
        page.get_by_test_id("user-menu").click()
        page.get_by_test_id("logout").click()


def test_the_deputy_gms_menus_open_from_the_keyboard_and_skip_link_leads_to_the_page(page, live_server):
    UserFactory(username="gm_keys", role=Role.DEPUTY_GM, team=None, full_name="王建国")
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, live_server.url, "gm_keys")
    page.goto(f"{live_server.url}/")  # a fresh page: the first Tab lands on the skip link
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    expect(page.locator(".skip-link")).to_be_in_viewport()
    assert page.locator(".skip-link").evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    page.keyboard.press("Tab")  # on to the bar: the focus stays visible on the dark background
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    menu = page.get_by_test_id("menu-performance")
    menu.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".app-navbar .dropdown-item", has_text="看板")).to_be_visible()


@pytest.mark.parametrize("width", [1440, 375])
def test_typing_in_the_search_box_drops_down_the_hits_and_opens_one(page, live_server, consultant, team, width):
    from tests.clients.factories import ClientFactory

    wanted = ClientFactory(team=team, consultant=consultant, name="欧阳娜娜", phone="13955554444")
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, live_server.url, consultant.username)
    page.goto(f"{live_server.url}/")
    if width < 1200:
        page.locator(".navbar-toggler").click()
    box = page.locator("#nav-search-q")
    box.click()
    box.press_sequentially("5555", delay=30)
    hit = page.locator("[data-testid=nav-search-results] [data-testid=search-hit]", has_text="欧阳娜娜")
    expect(hit).to_be_visible(timeout=4000)
    hit.click()
    expect(page).to_have_url(f"{live_server.url}/clients/{wanted.pk}/")
    page.goto(f"{live_server.url}/")
    if width < 1200:
        page.locator(".navbar-toggler").click()
    page.locator("#nav-search-q").click()
    page.locator("#nav-search-q").press_sequentially("ouyang", delay=30)
    expect(page.locator("[data-testid=nav-search-results]")).to_contain_text("欧阳娜娜", timeout=4000)
    page.locator("#nav-search-q").press("Escape")
    expect(page.locator("[data-testid=nav-search-results]")).to_be_hidden()
