"""Thin periodic tasks of the daily meeting (beat entries in config/celery.py)."""

from celery import shared_task
from django.utils import timezone

from meetings import services


@shared_task
def plan_meetings() -> int:
    """Create today's and the next meeting day's occurrences (with their chairs)."""
    return services.meetings_plan()


@shared_task
def send_meeting_agendas() -> int:
    """At each team's agenda cut-off, send the agenda to every member (once per meeting)."""
    now = timezone.now()
    return sum(services.meeting_agenda_send(meeting_id=pk, now=now) for pk in services.meetings_due_for_agenda(now=now))


@shared_task
def send_meeting_reminders() -> int:
    """Shortly before each meeting, remind every member (once; never after it started)."""
    now = timezone.now()
    return sum(
        services.meeting_reminder_send(meeting_id=pk, now=now) for pk in services.meetings_due_for_reminder(now=now)
    )
