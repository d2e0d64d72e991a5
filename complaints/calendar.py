"""The working calendar: deadlines "in working hours" (09:00–18:00, Monday to Friday).

Configured by ``WORKING_DAY_START``, ``WORKING_DAY_END`` and ``WORKING_WEEKDAYS``
in settings, and moved by the company's holiday calendar (``teams.CalendarDay``:
public holidays off, make-up working days 调休 on), edited in the admin.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from teams.meetings.workdays import calendar_exceptions


def _hm(value: str) -> dt.time:
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))


def is_working_day(day: dt.date, exceptions: dict[dt.date, bool] | None = None) -> bool:
    """A weekday of ``WORKING_WEEKDAYS``, unless the holiday calendar says otherwise."""
    if exceptions is None:
        exceptions = calendar_exceptions(day, day)
    if day in exceptions:
        return exceptions[day]
    return day.weekday() in settings.WORKING_WEEKDAYS


def working_minutes_per_day() -> int:
    start, end = _hm(settings.WORKING_DAY_START), _hm(settings.WORKING_DAY_END)
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def add_working_minutes(start: dt.datetime, minutes: int, exceptions: dict[dt.date, bool] | None = None) -> dt.datetime:
    """The moment ``minutes`` of working time after ``start`` (aware, any zone).

    ``exceptions`` (the holiday calendar) may be passed by a caller that computes
    many deadlines, so the calendar is read once.
    """
    tz = timezone.get_default_timezone()
    day_start, day_end = _hm(settings.WORKING_DAY_START), _hm(settings.WORKING_DAY_END)
    current = timezone.localtime(start, tz)
    remaining = dt.timedelta(minutes=minutes)
    if exceptions is None:
        # One query for the holidays of the coming weeks (a deadline rarely reaches further).
        exceptions = calendar_exceptions(current.date(), current.date() + dt.timedelta(days=60))
    for _ in range(3660):  # ten years of days: a misconfigured calendar must not loop forever
        day = current.date()
        opens = timezone.make_aware(dt.datetime.combine(day, day_start), tz)
        closes = timezone.make_aware(dt.datetime.combine(day, day_end), tz)
        if not is_working_day(day, exceptions) or current >= closes:
            current = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), day_start), tz)
            continue
        current = max(current, opens)
        available = closes - current
        if remaining <= available:
            return current + remaining
        remaining -= available
        current = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), day_start), tz)
    raise ValueError("The working calendar has no working days.")


def add_minutes(start: dt.datetime, minutes: int, *, working_hours: bool, exceptions=None) -> dt.datetime:
    if working_hours:
        return add_working_minutes(start, minutes, exceptions)
    return start + dt.timedelta(minutes=minutes)
