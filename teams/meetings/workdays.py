"""The company's working days: Monday–Friday, moved by Chinese public holidays.

The State Council moves working days around holidays every year (调休): a
holiday on a weekday is a day off, and a weekend day next to it becomes a
working day. ``CalendarDay`` rows (editable in the admin) record those
exceptions; every other day follows the week.
"""

import datetime as dt

from teams.models import CalendarDay

DEFAULT_WEEKDAYS = "12345"


def calendar_exceptions(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    """The calendar's exceptions between ``start`` and ``end`` (inclusive): date → working day?"""
    return dict(CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "is_working_day"))


def is_working_day(date: dt.date, *, weekdays: str = DEFAULT_WEEKDAYS, exceptions: dict | None = None) -> bool:
    """Whether ``date`` is a working day of the company (or of a team meeting on ``weekdays``)."""
    if exceptions is None:
        exceptions = calendar_exceptions(date, date)
    if date in exceptions:
        return exceptions[date]
    return str(date.isoweekday()) in weekdays


def working_days(start: dt.date, count: int, *, weekdays: str = DEFAULT_WEEKDAYS, horizon: int = 40) -> list[dt.date]:
    """The first ``count`` working days from ``start`` (inclusive), in one query."""
    exceptions = calendar_exceptions(start, start + dt.timedelta(days=horizon))
    days = []
    for offset in range(horizon + 1):
        day = start + dt.timedelta(days=offset)
        if is_working_day(day, weekdays=weekdays, exceptions=exceptions):
            days.append(day)
            if len(days) == count:
                break
    return days
