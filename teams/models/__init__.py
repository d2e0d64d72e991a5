from teams.models.meetings import ActionItem, Meeting, MeetingAttendance, Training, TrainingAttendance
from teams.models.notifications import Delivery, Notification
from teams.models.staff import Team, User

__all__ = [
    "ActionItem",
    "Delivery",
    "Meeting",
    "MeetingAttendance",
    "Notification",
    "Team",
    "Training",
    "TrainingAttendance",
    "User",
]
