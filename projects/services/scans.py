"""Scheduled scans: each item is claimed with a conditional update, so running twice sends once."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from projects.models import (
    DrawingTask,
    MaintenanceRequest,
)
from teams.editing import claim
from teams.messages import Message
from teams.models import NotificationKind
from teams.selectors import deputy_gms
from teams.services import notify


def drawing_reminders_send(*, now: datetime | None = None) -> int:
    """Remind assignees the day before a drawing's deadline and on the day; each once."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    plans = [
        ("reminded_before_at", today + timedelta(days=1), gettext_noop("Drawing due tomorrow: %(title)s")),
        ("reminded_due_at", today, gettext_noop("Drawing due today: %(title)s")),
    ]
    for field, deadline, title in plans:
        due = DrawingTask.objects.filter(deadline=deadline, delivered_at=None, **{field: None}).select_related(
            "assignee", "project"
        )
        for task in due:
            with transaction.atomic():
                if not claim(task, field, now):
                    continue
                notify(
                    kind=NotificationKind.PROJECT,
                    recipients=[task.assignee],
                    title=Message(title, title=task.title),
                    body=str(task.project),
                    url=task.project.get_absolute_url() + "#drawings",
                )
                sent += 1
    return sent


def maintenance_escalate(*, now: datetime | None = None) -> int:
    """Overdue maintenance: remind the PM and consultant, then a day later the deputy GM; each once."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    overdue = MaintenanceRequest.objects.filter(status=MaintenanceRequest.Status.OPEN, promised_on__lt=today)
    for request in overdue.filter(reminded_at=None).select_related("project__team__leader", "project__project_manager"):
        with transaction.atomic():
            if not claim(request, "reminded_at", now):
                continue
            project = request.project
            notify(
                kind=NotificationKind.PROJECT,
                recipients=[project.team.responsible(preferred=project.project_manager), project.team.responsible()],
                title=Message(
                    "Maintenance overdue at %(name)s (promised %(date)s)", name=project.name, date=request.promised_on
                ),
                body=request.description,
                url=project.get_absolute_url() + "#maintenance",
                team_channel=project.team,
            )
            sent += 1
    escalate = overdue.filter(escalated_at=None, promised_on__lt=today - timedelta(days=1))
    gms = list(deputy_gms())
    for request in escalate.select_related("project"):
        with transaction.atomic():
            if not claim(request, "escalated_at", now):
                continue
            notify(
                kind=NotificationKind.PROJECT,
                recipients=gms,
                title=Message(
                    "Escalation: maintenance overdue at %(name)s (promised %(date)s)",
                    name=request.project.name,
                    date=request.promised_on,
                ),
                body=request.description,
                url=request.project.get_absolute_url() + "#maintenance",
            )
            sent += 1
    return sent
