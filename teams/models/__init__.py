from teams.models.calendar import CalendarDay
from teams.models.notifications import Delivery, Notification
from teams.models.staff import Team, User

__all__ = ["CalendarDay", "Delivery", "Notification", "Team", "User"]
