import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone, translation

from clients import tasks
from clients.models import FollowUpVisit
from teams.models import Notification
from tests.clients.factories import ClientFactory, FollowUpVisitFactory

pytestmark = pytest.mark.django_db

MORNING = dt.datetime(2026, 11, 26, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@time_machine.travel(MORNING, tick=False)
def test_reminder_runs_twice_sends_once(consultant):
    due = FollowUpVisitFactory(client=ClientFactory(team=consultant.team), due_date=dt.date(2026, 11, 26))
    FollowUpVisitFactory(client=ClientFactory(team=consultant.team), due_date=dt.date(2026, 11, 27))
    FollowUpVisitFactory(
        client=ClientFactory(team=consultant.team), due_date=dt.date(2026, 11, 26), done_at=timezone.now()
    )
    assert tasks.remind_due_visits() == 1
    assert tasks.remind_due_visits() == 0
    assert Notification.objects.filter(recipient=consultant).count() == 1
    due.refresh_from_db()
    assert due.reminded_at is not None


@time_machine.travel(MORNING, tick=False)
def test_reminder_reads_in_each_readers_language(consultant):
    due = FollowUpVisitFactory(client=ClientFactory(team=consultant.team), due_date=dt.date(2026, 11, 26))
    with translation.override("en"):
        tasks.remind_due_visits()

    note = Notification.objects.get(recipient=consultant)
    with translation.override("zh-hans"):
        assert note.display_title == f"今日回访：{due.client} · {due.point}"
        assert note.display_body == "截止日期 2026-11-26。"
    with translation.override("en"):
        assert note.display_title == f"Follow-up visit due today: {due.client} · {due.point}"
        assert note.display_body == "Due 2026-11-26."


@time_machine.travel(MORNING, tick=False)
def test_escalation_after_n_days_runs_twice_sends_once(consultant, gm, settings):
    settings.CLIENT_VISIT_ESCALATE_DAYS = 3
    late = FollowUpVisitFactory(client=ClientFactory(team=consultant.team), due_date=dt.date(2026, 11, 23))
    FollowUpVisitFactory(client=ClientFactory(team=consultant.team), due_date=dt.date(2026, 11, 24))
    assert tasks.escalate_overdue_visits() == 1
    assert tasks.escalate_overdue_visits() == 0
    assert Notification.objects.filter(recipient=gm).count() == 1
    assert "3" in Notification.objects.get(recipient=gm).title
    late.refresh_from_db()
    assert late.escalated_at is not None


@time_machine.travel(MORNING, tick=False)
def test_management_commands_run_the_same_jobs(consultant, gm):
    FollowUpVisitFactory(client=ClientFactory(team=consultant.team), due_date=dt.date(2026, 11, 1))
    call_command("remind_due_visits")
    call_command("escalate_overdue_visits")
    call_command("remind_due_visits")
    visit = FollowUpVisit.objects.get()
    assert visit.reminded_at and visit.escalated_at
    assert Notification.objects.filter(recipient=consultant).count() == 2  # reminder + escalation copy
    assert Notification.objects.filter(recipient=gm).count() == 1
