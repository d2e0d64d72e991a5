import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from projects import tasks
from teams.models import Notification
from tests.projects.factories import DrawingTaskFactory, MaintenanceRequestFactory

pytestmark = pytest.mark.django_db
SHANGHAI_8AM = dt.datetime(2026, 5, 11, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def test_drawing_reminder_task_runs_twice_sends_once(project, assistant):
    DrawingTaskFactory(project=project, assignee=assistant, deadline=dt.date(2026, 5, 12))
    with time_machine.travel(SHANGHAI_8AM):
        assert tasks.remind_drawing_deadlines.delay().get() == 1
        assert tasks.remind_drawing_deadlines.delay().get() == 0
    assert Notification.objects.filter(recipient=assistant).count() == 1


def test_maintenance_task_runs_twice_escalates_once(project, pm, gm):
    MaintenanceRequestFactory(project=project, promised_on=dt.date(2026, 5, 8), created_by=pm)
    with time_machine.travel(SHANGHAI_8AM):
        assert tasks.escalate_overdue_maintenance.delay().get() == 2  # reminder + escalation
        assert tasks.escalate_overdue_maintenance.delay().get() == 0
    assert Notification.objects.filter(recipient=gm).count() == 1


def test_management_commands_run_the_same_scans(project, assistant, capsys):
    DrawingTaskFactory(project=project, assignee=assistant, deadline=timezone.localdate())
    call_command("remind_drawings")
    call_command("remind_drawings")
    call_command("escalate_maintenance")
    out = capsys.readouterr().out
    assert "1 reminders sent" in out and "0 reminders sent" in out
    assert Notification.objects.filter(recipient=assistant).count() == 1
