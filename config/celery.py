"""The Celery app and the beat schedule (all times Asia/Shanghai).

Broker: Redis when REDIS_URL is set; otherwise a folder on disk
(``filesystem://``), which needs no server and which the worker and its
embedded beat (``celery worker -B``) share — the embedded default of `make run`.

Tasks are thin and idempotent: the database, not the broker, makes a job
exactly-once (rows claimed with a conditional update). Publishing is bounded so
that a user's request never hangs when Redis is down or hung; see ``enqueue``.
"""

import logging
import os

from celery import Celery, signals
from celery.schedules import crontab
from django.conf import settings
from django.db import transaction

from config.resilience import CircuitBreaker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

logger = logging.getLogger(__name__)

app = Celery("kefu")
app.config_from_object("django.conf:settings", namespace="CELERY")


def _configure(conf) -> None:
    # One set of transport options for both brokers: each transport reads its own keys and ignores the others'.
    # The publishing bounds below are then in force whatever broker the process talks to, not only the one it
    # was started with (a process started on the folder broker and pointed at a hung Redis waited for ever).
    folder = settings.CELERY_FILESYSTEM_DIR
    conf.broker_transport_options = {
        # Redis. https://docs.celeryq.dev/en/stable/getting-started/backends-and-brokers/redis.html#caveats
        # Longer than any countdown we use, so delayed tasks are not redelivered twice.
        "visibility_timeout": 3600,
        # A broker that accepts connections but never answers costs at most a second
        # (5 s per publish held a major incident's page for 15.6 s).
        "socket_connect_timeout": 1,
        "socket_timeout": 1,
        # Every transport: connecting gives up after one retry (kombu reads these for any broker).
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
        # The folder broker (filesystem://). kombu's default for every folder is relative to the working
        # directory (``control/`` would land in the checkout); all of them live under VAR_DIR so `make run`
        # leaves `git status` clean.
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        "control_folder": str(folder / "control"),
        "store_processed": False,
    }
    if conf.broker_url.startswith("filesystem://"):
        for sub in ("queue", "processed", "control"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
    conf.broker_connection_timeout = 1
    # The worker reconnects for ever after losing the broker, and at start-up.
    conf.broker_connection_retry = True
    conf.broker_connection_retry_on_startup = True
    conf.broker_connection_max_retries = None
    # On a lost connection, tasks that cannot be acknowledged any more stop and are redelivered
    # (the tasks are idempotent); the default of Celery 6.
    conf.worker_cancel_long_running_tasks_on_connection_loss = True
    conf.task_publish_retry_policy = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
    conf.task_ignore_result = True
    conf.result_backend = None
    # Acknowledge after the task ran, so a worker that dies mid-task hands it back.
    conf.task_acks_late = True
    conf.task_reject_on_worker_lost = True
    conf.worker_prefetch_multiplier = 1
    conf.task_soft_time_limit = 300
    conf.task_time_limit = 360
    conf.timezone = settings.TIME_ZONE
    conf.enable_utc = True
    conf.beat_schedule_filename = str(settings.VAR_DIR / "celerybeat-schedule")
    conf.beat_schedule = BEAT_SCHEDULE


# One place for every periodic job. Each scan is idempotent: running it twice
# (two beats, a retry) sends nothing twice. Each derives what is due from rows in the
# database, never from beat's memory of what it ran: with the schedule file lost or
# beat down for a while, the next run does what was missed.
BEAT_SCHEDULE = {
    # Every minute: e-mail / webhook deliveries that were not sent (broker was down, SMTP failed).
    "deliver-pending-notifications": {
        "task": "teams.tasks.deliver_pending",
        "schedule": 60.0,
    },
    # Every minute: background jobs (big exports, reports) whose task never reached a worker (teams/jobs.py).
    "teams-run-queued-jobs": {
        "task": "teams.tasks.run_queued_jobs",
        "schedule": 60.0,
    },
    # 03:30 every night: anonymise expired lost leads and strangers' calls, delete old access-log entries.
    "privacy-retention-sweep": {
        "task": "teams.tasks.retention_sweep",
        "schedule": crontab(hour=3, minute=30),
    },
    # Every hour at :15, 08:00–18:00: remind the deputy GMs of clients' personal-information requests that
    # are due within 3 working days, and once more when overdue (each once).
    "clients-remind-privacy-requests": {
        "task": "clients.tasks.remind_privacy_requests",
        "schedule": crontab(hour="8-18", minute=15),
    },
    # 03:10 every day: forget notifications read more than 180 days ago.
    "purge-old-notifications": {
        "task": "teams.tasks.purge_old_notifications",
        "schedule": crontab(hour=3, minute=10),
    },
    # 00:05 every day, and again at 12:05 in case the first run was missed: create today's and the
    # next meeting day's daily meetings with their chairs (idempotent; no duplicates).
    "plan-meetings": {
        "task": "meetings.tasks.plan_meetings",
        "schedule": crontab(hour="0,12", minute=5),
    },
    # Every minute: send the agenda of meetings whose cut-off (default 18:00 the day before) has passed.
    "send-meeting-agendas": {
        "task": "meetings.tasks.send_meeting_agendas",
        "schedule": 60.0,
    },
    # Every minute: remind members of meetings starting within their lead time (default 15 minutes).
    "send-meeting-reminders": {
        "task": "meetings.tasks.send_meeting_reminders",
        "schedule": 60.0,
    },
    # Every hour 08:00–18:00: remind owners of follow-up visits due today or earlier, once each; a run
    # missed at 08:00 is made up within the hour (clients).
    "clients-remind-due-visits": {
        "task": "clients.tasks.remind_due_visits",
        "schedule": crontab(hour="8-18", minute=0),
    },
    # 09:00 every day: escalate visits overdue by CLIENT_VISIT_ESCALATE_DAYS to the deputy GM (clients).
    "clients-escalate-overdue-visits": {
        "task": "clients.tasks.escalate_overdue_visits",
        "schedule": crontab(hour=9, minute=0),
    },
    # Every hour 08:00–18:00: payment stages — fixed dates reached become due, overdue stages remind the
    # consultant, then after RECEIVABLE_ESCALATE_DAYS the deputy GM, each once (clients).
    "clients-scan-payment-stages": {
        "task": "clients.tasks.scan_payment_stages",
        "schedule": crontab(hour="8-18", minute=5),
    },
    # 07:30 every day: the retention (质保金) of projects whose warranty ended becomes due (projects).
    "projects-warranty-payment-stages": {
        "task": "projects.tasks.warranty_payment_stages",
        "schedule": crontab(hour=7, minute=30),
    },
    # Every minute: complaints past their acknowledgement / resolution deadline (remind, then escalate).
    "complaint-deadlines": {
        "task": "complaints.tasks.complaint_deadlines_scan",
        "schedule": 60.0,
    },
    # Every minute: forwarded calls not acknowledged in time (remind, then escalate).
    "call-forwards": {
        "task": "reception.tasks.call_forwards_scan",
        "schedule": 60.0,
    },
    # Every hour 08:00–18:00: last week's complaint summary to the deputy GM, sent once (so on Monday
    # at 08:00), and any week a missed run left unsent (complaints).
    "complaint-weekly-summary": {
        "task": "complaints.tasks.weekly_summary_send",
        "schedule": crontab(hour="8-18", minute=0),
    },
    # 00:20 every day: this month's target cards for whoever has none yet (on the 1st: everyone) (performance).
    "performance-create-month-cards": {
        "task": "performance.tasks.create_month_cards",
        "schedule": crontab(hour=0, minute=20),
    },
    # Minute 0 of every hour: any missing report draft of a past month, per team (on the 1st at 00:00:
    # last month's). From the rows, so a run missed on the 1st is made up an hour later (performance).
    "performance-generate-monthly-reports": {
        "task": "performance.tasks.generate_monthly_reports",
        "schedule": crontab(minute=0),
    },
    # Minute 5 of every hour: send approved reports, and drafts past the send day (default the 5th, 10:00).
    "performance-send-due-reports": {
        "task": "performance.tasks.send_due_reports",
        "schedule": crontab(minute=5),
    },
    # 04:10 every night (after the 03:30 retention sweep): the dashboards' daily rollups recounted from the
    # facts; drifted cells repaired and recorded (performance.FactRecount, shown on the dashboard) (performance).
    "performance-recount-rollups": {
        "task": "performance.tasks.recount_rollups",
        "schedule": crontab(hour=4, minute=10),
    },
    # Every 4 minutes: the company's and each team's dashboards recomputed into the cache (kept 10 minutes),
    # so the deputy GM never waits for a cold computation at company scale (performance).
    "performance-warm-dashboards": {
        "task": "performance.tasks.warm_dashboards",
        "schedule": 240.0,
    },
    # Every hour 08:00–18:00: drawing tasks due tomorrow or today remind their assistant designer (once
    # each); a run missed at 08:00 is made up the same day (projects).
    "projects-remind-drawing-deadlines": {
        "task": "projects.tasks.remind_drawing_deadlines",
        "schedule": crontab(hour="8-18", minute=0),
    },
    # Every hour at :20: overdue maintenance reminds the PM and consultant, a day later the deputy GM (once each).
    "projects-escalate-overdue-maintenance": {
        "task": "projects.tasks.escalate_overdue_maintenance",
        "schedule": crontab(minute=20),
    },
}

_configure(app.conf)
app.autodiscover_tasks()


@signals.worker_init.connect
def _worker_without_gossip(sender, **kwargs):
    """Every worker, however started, runs without gossip, mingle and the event heartbeat.

    They are for monitoring clusters we do not have, and on a broker restart the gossip
    step's channel is closed after its connection is gone (kombu #582): "Error on restarting
    Gossip", or the whole worker dying with ``AttributeError('NoneType' object has no
    attribute 'hostname')``. Same as ``--without-gossip --without-mingle --without-heartbeat``.
    """
    sender.options.update(without_gossip=True, without_mingle=True, without_heartbeat=True)


# After one failed publish, publishing is skipped for this long: the rows wait for the
# periodic scan, and a request pays for at most one broker timeout however many tasks it queues.
broker_breaker = CircuitBreaker("Broker", open_seconds=30)


def enqueue(task, *args, **kwargs) -> bool:
    """Send ``task`` to the broker; return False instead of raising when it is down.

    Callers keep the work in the database, and a periodic scan picks up what
    could not be queued, so a broken broker delays a message but loses nothing.
    """
    # Run in-process (tests, CELERY_TASK_ALWAYS_EAGER), a task's own error says nothing of the broker.
    eager = app.conf.task_always_eager
    if not eager and not broker_breaker.allows():
        return False
    try:
        # One attempt: the scan is the retry.
        task.apply_async(args=args, kwargs=kwargs, retry=False)
    except Exception:  # kombu raises several unrelated types for a dead broker
        logger.warning("Broker unavailable; %s will be picked up by the periodic scan.", task.name, exc_info=True)
        if not eager:
            broker_breaker.failed()
        return False
    return True


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Queue ``task`` once the surrounding transaction has committed."""
    transaction.on_commit(lambda: enqueue(task, *args, **kwargs))
