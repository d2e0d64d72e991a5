from teams.models.calendar import CalendarDay
from teams.models.notifications import Delivery, Heartbeat, Notification
from teams.models.staff import Team, User

__all__ = ["CalendarDay", "Delivery", "Heartbeat", "Notification", "Team", "User"]
