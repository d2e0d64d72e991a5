from teams.models.calendar import CalendarDay
from teams.models.history import HistoryTexts
from teams.models.jobs import Job
from teams.models.notifications import (
    PERSONAL_CHANNELS,
    ChannelOptOut,
    Delivery,
    Heartbeat,
    Notification,
    NotificationKind,
    RobotPost,
)
from teams.models.staff import StaffChange, Team, User
from teams.models.submissions import Submission
from teams.models.wecom import WeComLinkRequest

__all__ = [
    "PERSONAL_CHANNELS",
    "CalendarDay",
    "ChannelOptOut",
    "Delivery",
    "Heartbeat",
    "HistoryTexts",
    "Job",
    "Notification",
    "NotificationKind",
    "RobotPost",
    "StaffChange",
    "Submission",
    "Team",
    "User",
    "WeComLinkRequest",
]
