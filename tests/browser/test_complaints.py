"""The complaint journey in Chromium: a clerk logs a call, finds the client by phone and
registers a complaint; the consultant sees the notification, acknowledges and resolves
with a cause; the deputy GM sees it in the weekly summary."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from complaints.models import Complaint
from complaints.services import week_start_of, weekly_summary_send
from tests.clients.factories import ClientFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pass-1234")
    page.click("[data-testid=login-submit]")
    expect(page.locator("[data-testid=logout]")).to_be_attached()


def log_out(page):
    page.context.clear_cookies()


def test_call_to_complaint_to_resolution_to_weekly_summary(page, live_server, front_desk, consultant, gm, team):
    client = ClientFactory(team=team, consultant=consultant, name="王美丽", phone="13812345678")

    # The clerk logs the call and finds the client by part of the phone number.
    log_in(page, live_server, front_desk)
    page.goto(f"{live_server.url}/reception/calls/new/")
    page.fill("[data-testid=lookup-q]", "5678")
    pick = page.locator("[data-testid=lookup-pick]").first
    expect(pick).to_contain_text("王美丽")
    expect(pick).to_contain_text("138****5678")
    pick.click()
    expect(page.locator("[data-testid=lookup-chosen]")).to_contain_text("王美丽")
    page.fill("input[name=phone]", "13812345678")
    page.fill("input[name=purpose]", "投诉卫生间墙砖空鼓")
    page.click("[data-testid=save-call-complaint]")

    # The complaint form comes pre-filled from the call.
    expect(page.locator("h1")).to_contain_text("投诉登记表")
    expect(page.locator("input[name=caller_name]")).to_have_value("王美丽")
    page.select_option("select[name=category]", "quality")
    page.fill("textarea[name=description]", "卫生间墙砖空鼓，敲击有空响")
    page.fill("textarea[name=demand]", "返工重贴")
    page.click("[data-testid=register-submit]")
    expect(page.locator("[data-testid=state]")).to_have_text("已登记")
    complaint = Complaint.objects.get()
    assert complaint.call is not None and complaint.client == client
    log_out(page)

    # The consultant sees the notification, acknowledges, then resolves with a cause.
    log_in(page, live_server, consultant)
    page.goto(f"{live_server.url}/notifications/")
    note = page.get_by_text(re.compile(f"新投诉 #{complaint.pk}"))
    expect(note).to_be_visible()
    note.locator("xpath=ancestor::li").get_by_role("button", name="查看").click()
    expect(page).to_have_url(re.compile(f"/complaints/{complaint.pk}/$"))
    page.fill("#transition-form textarea[name=comment]", "已致电客户")
    page.click("[data-testid=action-acknowledge]")
    expect(page.locator("[data-testid=state]")).to_have_text("已受理")
    form = page.locator("[data-testid=resolve-form]")
    form.locator("textarea[name=resolution]").fill("安排泥瓦工返工重贴")
    form.locator("select[name=cause_category]").select_option("workmanship")
    form.locator("textarea[name=cause_analysis]").fill("砂浆不饱满")
    form.locator("[data-testid=action-resolve]").click()
    expect(page.locator("[data-testid=state]")).to_have_text("已解决")
    expect(page.locator("[data-testid=resolution]")).to_contain_text("砂浆不饱满")
    expect(page.locator("[data-testid=timeline]")).to_contain_text("已致电客户")
    log_out(page)

    # Monday's summary (here: this week's, produced now) reaches the deputy GM.
    weekly_summary_send(week_start=week_start_of(timezone.localdate()))
    log_in(page, live_server, gm)
    page.goto(f"{live_server.url}/complaints/summary/")
    page.locator("[data-testid=weekly-list] a").first.click()
    expect(page.locator("[data-testid=summary-total]")).to_have_text("1")
    expect(page.locator("[data-testid=summary-teams]")).to_contain_text(team.name)
