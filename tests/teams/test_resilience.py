"""Nothing lost when a part fails: each delivery is sent once and recognisably the same when
resent, one that can never go out is shown to the deputy GM, a stopped background shows,
and scheduled work missed by beat is made up from the rows."""

import datetime as dt
import os
import smtplib
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from complaints import tasks as complaint_tasks
from complaints.models import WeeklySummary
from performance import services as performance_services
from performance import tasks as performance_tasks
from performance.models import MonthlyReport
from teams import services, tasks
from teams.models import Delivery, Heartbeat, Notification
from teams.roles import Role
from tests.teams.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")


def one_delivery(user, title="新投诉") -> Delivery:
    services.notify(recipients=[user], title=title)  # no commit callbacks run: only the row exists
    return Delivery.objects.get()


# --- Exactly once, and the same message when resent ---


def test_a_second_sender_of_the_same_row_sends_nothing(consultant, monkeypatch):
    """While one worker is sending, another (or the scan) taking the same row gets "skipped"."""
    delivery = one_delivery(consultant)
    inner = []
    real_send = services.SENDERS["email"]

    def send_and_race(row):
        inner.append(services.delivery_send(delivery_id=row.pk))  # a second worker, mid-send
        real_send(row)

    monkeypatch.setitem(services.SENDERS, "email", send_and_race)
    assert services.delivery_send(delivery_id=delivery.pk) == "sent"

    assert inner == ["skipped"]
    assert len(mail.outbox) == 1


def test_a_sender_that_died_before_marking_is_resent_after_the_claim_times_out_with_the_same_message_id(consultant):
    delivery = one_delivery(consultant)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        services.delivery_send(delivery_id=delivery.pk)
    first_id = mail.outbox[0].extra_headers["Message-ID"]
    # The worker died after the SMTP server took the message, before the row was marked sent.
    Delivery.objects.filter(pk=delivery.pk).update(sent_at=None)

    with time_machine.travel(start + dt.timedelta(minutes=2), tick=False):
        assert tasks.deliver_pending() == 0  # still claimed: not sent twice in a row
    with time_machine.travel(start + services.CLAIM_TIMEOUT + dt.timedelta(minutes=1), tick=False):
        assert tasks.deliver_pending() == 1

    assert len(mail.outbox) == 2
    assert mail.outbox[1].message()["Message-ID"] == first_id == delivery.message_id
    assert first_id.startswith(f"<delivery.{delivery.pk}.") and first_id.endswith("@testserver>")


def test_message_ids_differ_between_deliveries(consultant, designer):
    services.notify(recipients=[consultant, designer], title="两封")
    ids = {d.message_id for d in Delivery.objects.all()}
    assert len(ids) == 2


def test_monthly_report_email_has_a_message_id_stable_for_its_report(team, consultant, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(dt.datetime(2026, 12, 6, 10, 30, tzinfo=SH), tick=False):
        report = performance_services.report_generate(team=team, month=dt.date(2026, 11, 1))
        assert performance_services.report_send(report_id=report.pk) == "sent"
    assert mail.outbox[0].message()["Message-ID"] == f"<monthly-report.{report.pk}.202611@testserver>"


def test_sqlite_default_uses_wal_a_busy_timeout_and_immediate_transactions(tmp_path):
    """The embedded default (no DATABASE_URL), as `make run` starts it."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.local", VAR_DIR=str(tmp_path))
    code = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "cursor = connection.cursor(); cursor.execute('PRAGMA journal_mode'); print(cursor.fetchone()[0])\n"
        "options = connection.settings_dict['OPTIONS']; print(options['transaction_mode'], options['timeout'])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["wal", "IMMEDIATE", "20"]


# --- A delivery that can never go out is shown, not dropped ---


def test_refused_address_is_given_up_and_shown_to_the_deputy_gm_who_can_send_again(
    login, consultant, gm, monkeypatch, django_capture_on_commit_callbacks
):
    delivery = one_delivery(consultant, title="无法送达的提醒")

    def refuse(row):
        raise smtplib.SMTPRecipientsRefused({row.address: (550, b"no such user")})

    monkeypatch.setitem(services.SENDERS, "email", refuse)
    assert services.delivery_send(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.failed_at is not None and delivery.sent_at is None
    with time_machine.travel(dt.timedelta(hours=1)):
        assert services.deliveries_pending() == []  # given up: the scan leaves it alone

    home = login(gm).get(reverse("teams:home")).content.decode()
    assert "无法送达的提醒" in home and reverse("teams:failed_deliveries") in home
    listing = login(gm).get(reverse("teams:failed_deliveries")).content.decode()
    assert "无法送达的提醒" in listing and "no such user" in listing

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(gm).post(reverse("teams:delivery_retry", args=[delivery.pk]))
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.sent_at is not None and delivery.failed_at is None
    assert [m.subject for m in mail.outbox] == ["无法送达的提醒"]


def test_transient_failures_give_up_after_max_attempts(consultant, monkeypatch):
    delivery = one_delivery(consultant)
    Delivery.objects.filter(pk=delivery.pk).update(attempts=services.MAX_ATTEMPTS - 1)

    def down(row):
        raise OSError("SMTP down")

    monkeypatch.setitem(services.SENDERS, "email", down)
    assert services.delivery_send(delivery_id=delivery.pk) == "failed"
    assert Delivery.objects.failed().get() == delivery


def test_failed_deliveries_are_the_deputy_gms_only(login, consultant, front_desk):
    for user in (consultant, front_desk):
        assert login(user).get(reverse("teams:failed_deliveries")).status_code == 403
    assert "panel-failed_deliveries" not in login(consultant).get(reverse("teams:home")).content.decode()


def test_retry_is_post_only(login, gm, consultant):
    delivery = one_delivery(consultant)
    assert login(gm).get(reverse("teams:delivery_retry", args=[delivery.pk])).status_code == 405


# --- Heartbeat and the stopped-work banner ---


def test_delivery_scan_records_its_heartbeat(db):
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        tasks.deliver_pending()
    assert Heartbeat.objects.get(name=services.DELIVERY_SCAN).last_run_at == now


def test_banner_for_the_deputy_gm_and_superusers_when_background_work_stopped(login, gm, consultant):
    superuser = UserFactory(is_superuser=True, is_staff=True, role=Role.FRONT_DESK, team=None)
    services.heartbeat_record(name=services.DELIVERY_SCAN, now=timezone.now() - dt.timedelta(minutes=6))
    for user in (gm, superuser):
        assert 'id="background-stopped"' in login(user).get(reverse("teams:home")).content.decode()
    assert 'id="background-stopped"' not in login(consultant).get(reverse("teams:home")).content.decode()

    services.heartbeat_record(name=services.DELIVERY_SCAN)
    assert 'id="background-stopped"' not in login(gm).get(reverse("teams:home")).content.decode()


def test_banner_when_background_work_never_ran(login, gm):
    html = login(gm).get(reverse("teams:home")).content.decode()
    assert 'id="background-stopped"' in html and "后台任务" in html


# --- Missed scheduled runs are made up from the rows ---


def test_monthly_drafts_missed_by_beat_are_created_for_every_past_month(consultant, outsider):
    """The 1st-of-month run never happened (schedule file lost) for two months."""
    team, newcomer = consultant.team, outsider.team
    with time_machine.travel(dt.datetime(2026, 9, 1, 1, 0, tzinfo=SH), tick=False):
        performance_services.report_generate(team=team, month=dt.date(2026, 8, 1))

    with time_machine.travel(dt.datetime(2026, 11, 15, 14, 0, tzinfo=SH), tick=False):
        assert performance_tasks.generate_monthly_reports() == 3
        assert performance_tasks.generate_monthly_reports() == 0

    def months(t):
        return sorted(f"{m:%Y-%m}" for m in MonthlyReport.objects.filter(team=t).values_list("month", flat=True))

    assert months(team) == ["2026-08", "2026-09", "2026-10"]
    assert months(newcomer) == ["2026-10"]  # a team with no report yet starts with last month
    assert Notification.objects.filter(recipient=consultant).count() == 2
    # Once created late, a draft past its send day goes to headquarters at the next send run.
    due = performance_services.reports_due_for_sending(now=dt.datetime(2026, 11, 15, 15, 5, tzinfo=SH))
    assert set(due) == set(MonthlyReport.objects.values_list("pk", flat=True))


def test_inactive_team_gets_no_catch_up_draft(consultant):
    TeamFactory(name="已撤销组", is_active=False)
    with time_machine.travel(dt.datetime(2026, 11, 2, 1, 0, tzinfo=SH), tick=False):
        performance_tasks.generate_monthly_reports()
    assert list(MonthlyReport.objects.values_list("team__name", flat=True)) == [consultant.team.name]


def test_weekly_summaries_missed_by_beat_are_sent_for_every_week(gm):
    WeeklySummary.objects.create(week_start=dt.date(2026, 11, 2), sent_at=timezone.now())
    # Beat was down on Monday 9 and Monday 16; it runs again on Wednesday 25.
    with time_machine.travel(dt.datetime(2026, 11, 25, 9, 0, tzinfo=SH), tick=False):
        assert complaint_tasks.weekly_summary_send() == 2
        assert complaint_tasks.weekly_summary_send() == 0
    sent = WeeklySummary.objects.filter(sent_at__isnull=False).values_list("week_start", flat=True)
    assert sorted(sent) == [dt.date(2026, 11, 2), dt.date(2026, 11, 9), dt.date(2026, 11, 16)]


def test_banner_reads_the_heartbeat_once_a_minute_and_hears_a_new_run_at_once(login, gm):
    """The deputy GM's every page asks whether background work stopped: from the cache, not one query a page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.heartbeat_record(name=services.DELIVERY_SCAN, now=timezone.now() - dt.timedelta(minutes=6))
    client = login(gm)
    assert 'id="background-stopped"' in client.get(reverse("teams:home")).content.decode()
    with CaptureQueriesContext(connection) as ctx:
        assert 'id="background-stopped"' in client.get(reverse("teams:home")).content.decode()
    assert not [q for q in ctx.captured_queries if "teams_heartbeat" in q["sql"]]

    services.heartbeat_record(name=services.DELIVERY_SCAN)
    assert 'id="background-stopped"' not in client.get(reverse("teams:home")).content.decode()
    # /healthz reads the database, never the banner's copy.
    assert services.background_stopped() is None
