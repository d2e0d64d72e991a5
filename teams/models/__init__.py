from teams.models.calendar import CalendarDay
from teams.models.history import HistoryTexts
from teams.models.jobs import Job
from teams.models.notifications import Delivery, Heartbeat, Notification, RobotPost
from teams.models.staff import StaffChange, Team, User
from teams.models.submissions import Submission

__all__ = [
    "CalendarDay",
    "Delivery",
    "Heartbeat",
    "HistoryTexts",
    "Job",
    "Notification",
    "RobotPost",
    "StaffChange",
    "Submission",
    "Team",
    "User",
]
