from teams.models.meetings import (
    ActionItem,
    AgendaItem,
    CalendarDay,
    ChairSwap,
    Meeting,
    MeetingAttendance,
    MeetingSchedule,
    MemberLeave,
    Training,
    TrainingAttendance,
)
from teams.models.notifications import Delivery, Heartbeat, Notification
from teams.models.staff import Team, User

__all__ = [
    "ActionItem",
    "AgendaItem",
    "CalendarDay",
    "ChairSwap",
    "MeetingSchedule",
    "MemberLeave",
    "Delivery",
    "Heartbeat",
    "Meeting",
    "MeetingAttendance",
    "Notification",
    "Team",
    "Training",
    "TrainingAttendance",
    "User",
]
