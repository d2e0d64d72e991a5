"""Metrics over team life: meetings held and attended, action items closed, trainings held
and attended."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meetings.models import ActionItem, Meeting, MeetingAttendance, Training, TrainingAttendance
from performance.metrics.base import Metric
from performance.metrics.conditions import _and, _const, _dates, _times

TEAM_METRICS = [
    # Team life
    Metric(
        "meetings_held",
        _("Meetings held"),
        "count",
        Meeting,
        "count",
        _and(_dates("date"), _const(held=True)),
        "team",
        None,
        _("Daily meetings held in the period."),
    ),
    Metric(
        "meeting_attendance",
        _("Meeting attendance"),
        "pct",
        MeetingAttendance,
        "ratio",
        _and(_dates("meeting__date"), _const(meeting__held=True)),
        "meeting__team",
        "member",
        _("Of the attendance records of meetings held in the period, the share present or late."),
        hit=_const(status__in=[MeetingAttendance.Status.PRESENT, MeetingAttendance.Status.LATE]),
    ),
    Metric(
        "action_items_closed",
        _("Action items closed"),
        "count",
        ActionItem,
        "count",
        _times("done_at"),
        "meeting__team",
        "owner",
        _("Meeting action items marked done in the period."),
    ),
    Metric(
        "trainings_held",
        _("Trainings held"),
        "count",
        Training,
        "count",
        _dates("date"),
        "team",
        None,
        _("Training sessions in the period; a team's figure counts its own sessions and the company-wide ones."),
        # The same sessions the monthly report lists (performance.selectors.report_data).
        team_q=lambda team_id: Q(team_id=team_id) | Q(team__isnull=True),
    ),
    Metric(
        "trainings_attended",
        _("Trainings attended"),
        "count",
        TrainingAttendance,
        "count",
        _and(_dates("training__date"), _const(attended=True)),
        "member__team",
        "member",
        _("Training sessions in the period attended."),
    ),
]
