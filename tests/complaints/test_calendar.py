import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from complaints.calendar import add_minutes, add_working_minutes
from teams.models import CalendarDay

SH = ZoneInfo("Asia/Shanghai")

# The holiday calendar (teams.CalendarDay) is read from the database.
pytestmark = pytest.mark.django_db


def at(*args):
    return dt.datetime(*args, tzinfo=SH)


@pytest.mark.parametrize(
    ("start", "minutes", "expected"),
    [
        (at(2026, 11, 23, 10, 0), 30, at(2026, 11, 23, 10, 30)),  # Monday, inside the day
        (at(2026, 11, 23, 17, 50), 30, at(2026, 11, 24, 9, 20)),  # runs over into Tuesday morning
        (at(2026, 11, 27, 17, 45), 30, at(2026, 11, 30, 9, 15)),  # Friday evening → Monday
        (at(2026, 11, 28, 12, 0), 30, at(2026, 11, 30, 9, 30)),  # Saturday → Monday
        (at(2026, 11, 23, 7, 0), 30, at(2026, 11, 23, 9, 30)),  # before opening
        (at(2026, 11, 23, 19, 0), 10, at(2026, 11, 24, 9, 10)),  # after closing
        (at(2026, 11, 25, 10, 0), 3 * 540, at(2026, 11, 30, 10, 0)),  # three working days from Wednesday
        (at(2026, 11, 23, 9, 0), 540, at(2026, 11, 23, 18, 0)),  # exactly one working day
    ],
)
def test_working_minutes_skip_nights_and_weekends(start, minutes, expected):
    assert add_working_minutes(start, minutes) == expected


def test_works_from_utc_input():
    start = dt.datetime(2026, 11, 23, 9, 50, tzinfo=dt.UTC)  # 17:50 in Shanghai
    assert add_working_minutes(start, 30) == at(2026, 11, 24, 9, 20)


def test_calendar_follows_settings(settings):
    settings.WORKING_WEEKDAYS = [0, 1, 2, 3, 4, 5]
    settings.WORKING_DAY_START = "08:30"
    assert add_working_minutes(at(2026, 11, 27, 17, 50), 30) == at(2026, 11, 28, 8, 50)


def test_calendar_clock_runs_day_and_night_when_not_working_hours():
    assert add_minutes(at(2026, 11, 28, 23, 0), 24 * 60, working_hours=False) == at(2026, 11, 29, 23, 0)


def test_public_holiday_is_skipped_and_a_moved_saturday_counts():
    # 2026-10-01..07 National Day (Thursday to the next Wednesday); Saturday 10-10 is a make-up working day.
    for day in range(1, 8):
        CalendarDay.objects.create(date=dt.date(2026, 10, day), is_working_day=False, name="国庆节")
    CalendarDay.objects.create(date=dt.date(2026, 10, 10), is_working_day=True, name="国庆调休上班")

    assert add_working_minutes(at(2026, 9, 30, 17, 30), 60) == at(2026, 10, 8, 9, 30)
    assert add_working_minutes(at(2026, 10, 9, 17, 30), 60) == at(2026, 10, 10, 9, 30)
