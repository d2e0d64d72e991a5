"""The scheduled jobs: management commands, and a real Celery worker over Redis."""

import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from meetings import services
from meetings.models import Meeting
from meetings.tasks import send_meeting_reminders
from teams.models import Notification
from teams.roles import Role
from tests.meetings.factories import MeetingScheduleFactory
from tests.teams.factories import UserFactory

SH = ZoneInfo("Asia/Shanghai")
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_commands_plan_and_remind_once(team, consultant, designer):
    MeetingScheduleFactory(team=team)
    with time_machine.travel(dt.datetime(2026, 9, 21, 0, 5, tzinfo=SH), tick=False):
        call_command("plan_meetings")
        call_command("plan_meetings")
    assert Meeting.objects.filter(team=team).count() == 2
    with time_machine.travel(dt.datetime(2026, 9, 21, 8, 20, tzinfo=SH), tick=False):
        call_command("send_meeting_agendas")  # the cut-off was yesterday 18:00
        call_command("send_meeting_reminders")
        call_command("send_meeting_reminders")
    assert Notification.objects.filter(recipient=designer, title__contains="08:30").count() == 1
    assert Notification.objects.filter(recipient=designer, title__contains="2026-09-21").count() == 1


def _redis_or_fail(url: str | None) -> None:
    """Skip without Redis on a laptop; in CI (CI set) a missing broker is a failure."""
    reason = ""
    if not url:
        reason = "REDIS_URL is not set"
    else:
        import redis

        try:
            redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        except Exception as exc:
            reason = f"Redis at {url} is unreachable: {exc}"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_worker_executes_the_reminder_task_over_redis(team):
    """End to end: publish to Redis, a separate Celery worker process runs the task, the notification exists."""
    url = os.environ.get("REDIS_URL")
    _redis_or_fail(url)
    if connection.vendor != "postgresql":
        if os.environ.get("CI"):
            pytest.fail("The broker test needs PostgreSQL (the worker process shares the test database).")
        pytest.skip("needs PostgreSQL")
    member = UserFactory(role=Role.DESIGNER, team=team, full_name="刘洋")
    MeetingScheduleFactory(team=team)
    now = timezone.now()
    meeting = Meeting.objects.create(
        team=team,
        date=timezone.localdate(now),
        starts_at=now + dt.timedelta(minutes=10),
        remind_at=now - dt.timedelta(minutes=1),
        agenda_cutoff_at=now - dt.timedelta(hours=12),
        agenda_sent_at=now,
    )
    db = connection.settings_dict
    queue = f"teamlife-test-{uuid.uuid4().hex[:8]}"  # nobody else's worker takes our task
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": url,
    }
    if db.get("PASSWORD"):
        env["DATABASE_URL"] = env["DATABASE_URL"].replace(f"{db['USER']}@", f"{db['USER']}:{db['PASSWORD']}@")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "-Q", queue,
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    from config.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        send_meeting_reminders.apply_async(queue=queue)
        deadline = time.monotonic() + 12
        while time.monotonic() < deadline and not Notification.objects.filter(recipient=member).exists():
            time.sleep(0.25)
    finally:
        app.conf.task_always_eager = eager
        worker.terminate()
        output = worker.communicate(timeout=10)[0].decode(errors="replace")
    note = Notification.objects.filter(recipient=member).first()
    assert note is not None, f"the worker did not send the reminder; its log:\n{output}"
    assert note.url.endswith(f"/meetings/{meeting.pk}/")
    meeting.refresh_from_db()
    assert meeting.reminder_sent_at is not None
    # The worker sent it once: running the scan again here sends nothing.
    assert services.meeting_reminder_send(meeting_id=meeting.pk) is False


def test_tasks_are_registered_for_the_beat_and_do_not_shadow_teams_tasks():
    from config.celery import BEAT_SCHEDULE, app
    from teams import tasks

    app.loader.import_default_modules()
    for entry in ("plan-meetings", "send-meeting-agendas", "send-meeting-reminders"):
        assert BEAT_SCHEDULE[entry]["task"] in app.tasks
    assert tasks.services.__name__ == "teams.services"  # the star import exports only the tasks
