from teams.models.meetings import Meeting, MeetingAttendance, Training, TrainingAttendance
from teams.models.notifications import Delivery, Notification
from teams.models.staff import Team, User

__all__ = [
    "Delivery",
    "Meeting",
    "MeetingAttendance",
    "Notification",
    "Team",
    "Training",
    "TrainingAttendance",
    "User",
]
