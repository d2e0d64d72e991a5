"""Journeys of the performance app in Chromium: the deputy GM's dashboard and
drill-down, a consultant approving a card, the deputy GM approving and sending
a report."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from performance import services
from performance.metrics import Period
from performance.models import MonthlyReport, TargetCard
from tests.complaints.factories import ComplaintFactory
from tests.performance.helpers import make_card

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pass-1234")
    page.click("[data-testid=login-submit]")
    expect(page.locator("[data-testid=logout]")).to_be_attached()


def test_gm_changes_period_and_drills_into_overdue_complaints(page, live_server, gm, team):
    last_month = Period.month_of(timezone.localdate()).previous()
    registered = timezone.make_aware(dt.datetime.combine(last_month.start + dt.timedelta(days=2), dt.time(9)))
    late = ComplaintFactory(team=team, client__team=team, registered_at=registered, caller_name="逾期客户")
    log_in(page, live_server, gm)
    page.goto(f"{live_server.url}/performance/")
    expect(page.locator("h1")).to_contain_text("看板")
    page.select_option("select[name=month]", last_month.key)
    page.wait_for_url(f"**month={last_month.key}**")
    figure = page.locator("[data-testid=fig-complaints_overdue]")
    expect(figure).to_have_text("1")
    figure.click()
    expect(page.locator("[data-testid=drill-table]")).to_contain_text(f"#{late.pk} 逾期客户")
    expect(page.locator("[data-testid=drill-table] tbody tr")).to_have_count(1)
    # The same complaint counts in its quarter: switch the picker to quarters, pick that quarter, drill again.
    quarter = Period.quarter_of(last_month.start)
    page.goto(f"{live_server.url}/performance/")
    page.click("[data-testid=kind-quarter]")
    page.wait_for_url("**quarter=**")
    page.select_option("select[name=quarter]", quarter.key)
    page.wait_for_url(f"**quarter={quarter.key}**")
    figure = page.locator("[data-testid=fig-complaints_overdue]")
    expect(figure).to_have_text("1")
    figure.click()
    page.wait_for_url(f"**quarter={quarter.key}**")
    expect(page.locator("[data-testid=drill-table]")).to_contain_text(f"#{late.pk} 逾期客户")


def test_consultant_approves_a_card(page, live_server, consultant, designer):
    # Last month's card: self-assessment opens only after a month's last working day.
    card = make_card(designer, month=Period.month_of(timezone.localdate()).previous().start)
    services.card_confirm(card=card, user=designer, version=card.version)
    services.card_self_assess(card=card, user=designer, version=card.version, text="本月完成良好", manual={})
    log_in(page, live_server, consultant)
    page.goto(f"{live_server.url}/performance/cards/{card.pk}/")
    page.fill("textarea[name=comment]", "目标完成较好,继续保持。")
    page.click("[data-testid=review-card]")
    expect(page.locator("[data-testid=card-state]")).to_have_text("顾问已审核")
    assert TargetCard.objects.get(pk=card.pk).state == TargetCard.State.REVIEWED


def test_gm_approves_and_sends_a_report(page, live_server, gm, team, consultant, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = services.report_generate(team=team, month=Period.month_of(timezone.localdate()).previous().start)
    log_in(page, live_server, gm)
    page.goto(f"{live_server.url}/performance/reports/{report.pk}/")
    page.click("[data-testid=approve-report]")
    expect(page.locator("[data-testid=report-state]")).to_contain_text("已发送")
    report.refresh_from_db()
    assert report.state == MonthlyReport.State.SENT and not report.sent_unapproved
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [settings.HQ_REPORT_EMAIL]
    expect(page.get_by_role("link", name="PDF")).to_be_visible()
