"""Team life in Chromium: a member adds an agenda item; the chair takes attendance and records minutes with an
action item; the owner sees it on their home page."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import ActionItem, Meeting, MeetingAttendance
from teams.roles import Role
from tests.browser.helpers import go
from tests.meetings.factories import MeetingScheduleFactory
from tests.teams.factories import TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user):
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pass-1234")
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(live_server.url + reverse("teams:home"))


def test_agenda_attendance_minutes_and_action_item_on_the_owners_home(page, live_server):
    team = TeamFactory(name="静安一组")
    chair = UserFactory(role=Role.CONSULTANT, team=team, full_name="张伟", username="zhangwei")
    team.leader = chair
    team.save(update_fields=["leader"])
    member = UserFactory(role=Role.DESIGNER, team=team, full_name="刘洋", username="liuyang")
    MeetingScheduleFactory(team=team)
    now = timezone.now()
    meeting = Meeting.objects.create(
        team=team,
        date=timezone.localdate(now) + dt.timedelta(days=1),
        starts_at=now + dt.timedelta(days=1),
        agenda_cutoff_at=now + dt.timedelta(hours=12),
        remind_at=now + dt.timedelta(hours=23),
        chair=chair,
        rotation_turn=chair,
        place="3楼会议室",
    )
    detail = live_server.url + reverse("meetings:meeting_detail", args=[meeting.pk])

    # A member adds an agenda item (htmx, no reload).
    log_in(page, live_server, member)
    go(page, "例会")
    page.goto(detail)
    page.get_by_test_id("agenda-input").fill("瓷砖到货延误，影响泥木进度")
    page.get_by_test_id("agenda-add").click()
    expect(page.get_by_test_id("agenda-items")).to_contain_text("瓷砖到货延误")
    expect(page.get_by_test_id("agenda-input")).to_have_value("")

    # The chair takes attendance in a few taps, then writes minutes with an action item.
    log_in(page, live_server, chair)
    page.goto(detail)
    expect(page.get_by_test_id("chair")).to_have_text("张伟")
    page.get_by_test_id("take-attendance").click()
    roll = page.get_by_test_id(f"roll-{member.username}")
    roll.get_by_text("迟到").click()
    roll.get_by_placeholder("原因（迟到、缺席、请假）").fill("地铁故障")
    page.get_by_test_id("save-attendance").click()
    expect(page.locator(".alert-success")).to_contain_text("考勤已保存")
    expect(page.get_by_test_id("attendance")).to_contain_text("迟到")

    page.get_by_label("会议纪要").fill("1. 材料延误由项目经理每日跟进。\n2. 本周完成两处量房。")
    page.get_by_test_id("save-minutes").click()
    expect(page.locator(".alert-success")).to_contain_text("会议纪要已保存")

    page.get_by_label("行动项").fill("联系材料商确认到货日期")
    page.get_by_label("负责人").select_option(label="刘洋（设计师）")
    page.get_by_label("截止日期").fill((timezone.localdate() + dt.timedelta(days=2)).isoformat())
    page.get_by_test_id("add-action").click()
    expect(page.get_by_test_id("action-items")).to_contain_text("联系材料商确认到货日期")

    # The owner sees it on their home page and closes it there.
    log_in(page, live_server, member)
    panel = page.get_by_test_id("my-action-items")
    expect(panel).to_contain_text("联系材料商确认到货日期")
    panel.get_by_role("button", name="完成").click()
    expect(page.locator(".alert-success")).to_contain_text("行动项已完成")

    meeting.refresh_from_db()
    assert meeting.held and "材料延误" in meeting.minutes
    assert MeetingAttendance.objects.get(meeting=meeting, member=member).reason == "地铁故障"
    assert ActionItem.objects.get().done_at is not None
