"""The client's page in Chromium at 375 px (WeChat's in-app browser width): the homeowner opens the link of the
demo project, sees today's phase and a photo the PM chose to show, signs off a phase with 2 stars and a comment;
the consultant finds the complaint it opened, and the deputy GM's dashboard shows the client rating."""

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from complaints.models import Complaint
from portal.demo import demo_raw
from portal.tokens import token_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo1234")
    page.click("[data-testid=login-submit]")
    expect(page.locator("[data-testid=logout]")).to_be_attached()


def test_client_signs_off_a_phase_with_two_stars(page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=StringIO())
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/p/{token_for(demo_raw(2026))}/")

    expect(page.locator("[data-testid=portal-current-phase]")).to_be_visible()
    photo = page.locator("[data-testid=portal-photo]").first
    photo.scroll_into_view_if_needed()
    expect(photo).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert photo.evaluate("img => img.complete && img.naturalWidth > 0")

    form = page.locator("form[data-testid^=portal-signoff-]").first
    phase = form.locator("xpath=ancestor::li[1]")
    phase.locator("summary").click()
    form.locator("label[title='2']").click()
    form.locator("textarea[name=comment]").fill("墙面有裂缝，不满意")
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=portal-message]")).to_contain_text("已确认验收")
    complaint = Complaint.objects.get(channel="client_page")
    assert "墙面有裂缝，不满意" in complaint.description

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "consultant1")
    page.goto(f"{live_server.url}/complaints/")
    row = page.locator("tr", has_text=f"#{complaint.pk}").first
    expect(row).to_be_visible()
    page.goto(f"{live_server.url}/complaints/{complaint.pk}/")
    expect(page.locator("body")).to_contain_text("墙面有裂缝，不满意")

    page.context.clear_cookies()
    log_in(page, live_server, "gm")
    page.goto(f"{live_server.url}/performance/")
    expect(page.locator("body")).to_contain_text("客户评分")
    rating = page.locator("a[href*='/figures/client_rating/']").first
    expect(rating).to_contain_text("2")
