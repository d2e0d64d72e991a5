"""The company's one work calendar: working days, working minutes, holidays and make-up days (调休).

The week is ``WORKING_WEEKDAYS`` (settings; Monday–Friday), a working day runs from ``WORKING_DAY_START`` to
``WORKING_DAY_END``. The State Council moves working days around public holidays every year: a holiday on a
weekday is a day off, and a weekend day next to it becomes a working day. ``CalendarDay`` rows record those
exceptions (admin 节假日与调休日历, or ``manage.py import_holidays YYYY`` from the ``chinesecalendar`` package);
every other day follows the week. Complaints, reception, meetings, projects and clients all count time here.

A caller that computes many dates reads the exceptions once (``calendar_exceptions``) and passes them in.
"""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from teams.models import CalendarDay

Exceptions = dict[dt.date, bool]


def _hm(value: str) -> dt.time:
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))


def company_weekdays() -> frozenset[int]:
    """The company's working week as ISO weekdays (1 = Monday … 7 = Sunday)."""
    return frozenset(d + 1 for d in settings.WORKING_WEEKDAYS)


def calendar_exceptions(start: dt.date | None = None, end: dt.date | None = None) -> Exceptions:
    """The calendar's exceptions between ``start`` and ``end`` (inclusive; all when not given): date → working?"""
    rows = CalendarDay.objects.all()
    if start is not None and end is not None:
        rows = rows.filter(date__range=(start, end))
    return dict(rows.values_list("date", "is_working_day"))


def is_working_day(
    day: dt.date, *, weekdays: str | Iterable[int] | None = None, exceptions: Exceptions | None = None
) -> bool:
    """Whether ``day`` is a working day of the company, or of a team meeting held on ``weekdays``
    (ISO weekday digits such as ``"12345"``); the holiday calendar moves both."""
    if exceptions is None:
        exceptions = calendar_exceptions(day, day)
    if day in exceptions:
        return exceptions[day]
    if weekdays is None:
        return day.isoweekday() in company_weekdays()
    return str(day.isoweekday()) in {str(d) for d in weekdays}


def working_days(
    start: dt.date, count: int, *, weekdays: str | Iterable[int] | None = None, horizon: int = 40
) -> list[dt.date]:
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


def working_minutes_per_day() -> int:
    start, end = _hm(settings.WORKING_DAY_START), _hm(settings.WORKING_DAY_END)
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def add_working_minutes(start: dt.datetime, minutes: int, exceptions: Exceptions | None = None) -> dt.datetime:
    """The moment ``minutes`` of working time after ``start`` (aware, any zone)."""
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
        if not is_working_day(day, exceptions=exceptions) or current >= closes:
            current = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), day_start), tz)
            continue
        current = max(current, opens)
        available = closes - current
        if remaining <= available:
            return current + remaining
        remaining -= available
        current = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), day_start), tz)
    raise ValueError("The working calendar has no working days.")


def add_minutes(
    start: dt.datetime, minutes: int, *, working_hours: bool, exceptions: Exceptions | None = None
) -> dt.datetime:
    """``minutes`` after ``start``: of working time, or around the clock."""
    if working_hours:
        return add_working_minutes(start, minutes, exceptions)
    return start + dt.timedelta(minutes=minutes)


def add_working_days(start: dt.date, days: int, exceptions: Exceptions | None = None) -> dt.date:
    """The ``days``-th working day after ``start`` (``start`` itself not counted)."""
    if exceptions is None:
        exceptions = calendar_exceptions(start, start + dt.timedelta(days=days * 2 + 60))
    day, counted = start, 0
    while counted < days:
        day += dt.timedelta(days=1)
        counted += is_working_day(day, exceptions=exceptions)
    return day


# --- Filling a year from the maintained chinesecalendar package ------------------------------------


def year_is_filled(year: int) -> bool:
    """Whether the calendar holds any row for ``year`` (every year has public holidays)."""
    return CalendarDay.objects.filter(date__year=year).exists()


def next_year_missing(today: dt.date) -> int | None:
    """From 1 December, next year when the calendar has no rows for it yet (the deputy GM is warned)."""
    if today.month == 12 and not year_is_filled(today.year + 1):
        return today.year + 1
    return None


def holidays_for_year(year: int) -> list[tuple[dt.date, bool, str]]:
    """(date, is working day, name) of every exception of ``year`` from ``chinesecalendar``.

    Holidays on weekdays are days off; weekend days that are working days are make-up days (调休上班).
    Raises ``NotImplementedError`` when the package does not know the year yet (update it).
    """
    import chinese_calendar

    names = {
        "New Year's Day": "元旦",
        "Spring Festival": "春节",
        "Tomb-sweeping Day": "清明节",
        "Labour Day": "劳动节",
        "Dragon Boat Festival": "端午节",
        "National Day": "国庆节",
        "Mid-autumn Festival": "中秋节",
        "Anti-Fascist 70th Day": "抗战胜利纪念日",
    }
    rows = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        on_holiday, holiday = chinese_calendar.get_holiday_detail(day)
        weekend = day.isoweekday() > 5
        name = names.get(str(holiday), str(holiday or ""))
        if on_holiday and not weekend:
            rows.append((day, False, name))
        elif not on_holiday and weekend:
            rows.append((day, True, f"{name}调休上班" if name else "调休上班"))
        elif on_holiday and weekend and holiday is not None:
            # A weekend day inside a holiday: recorded so the holiday reads as one block.
            rows.append((day, False, name))
        day += dt.timedelta(days=1)
    return rows


@transaction.atomic
def holidays_import(year: int) -> int:
    """Fill ``year`` from ``chinesecalendar``; rows typed in the admin for the same dates win. Returns rows added."""
    existing = set(CalendarDay.objects.filter(date__year=year).values_list("date", flat=True))
    new = [
        CalendarDay(date=day, is_working_day=working, name=name[:60])
        for day, working, name in holidays_for_year(year)
        if day not in existing
    ]
    CalendarDay.objects.bulk_create(new)
    return len(new)
