import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from teams.calendar import add_minutes, add_working_minutes, holidays_import, is_working_day
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


# --- One calendar for every app: meetings' weekdays, holidays filled from chinesecalendar -----------


def test_a_meeting_week_and_the_company_week_share_the_holidays():
    CalendarDay.objects.create(date=dt.date(2026, 9, 25), is_working_day=False, name="中秋节")
    CalendarDay.objects.create(date=dt.date(2026, 9, 20), is_working_day=True, name="国庆节调休上班")
    assert not is_working_day(dt.date(2026, 9, 25))  # Friday holiday, company week
    assert not is_working_day(dt.date(2026, 9, 25), weekdays="5")  # …and a Friday-only meeting
    assert is_working_day(dt.date(2026, 9, 20))  # Sunday make-up day
    assert not is_working_day(dt.date(2026, 9, 19))  # plain Saturday
    assert is_working_day(dt.date(2026, 9, 19), weekdays="6")  # a team that meets on Saturdays


def test_import_holidays_fills_2026_as_the_state_council_announced_it():
    call_command("import_holidays", "2026", stdout=StringIO())
    days = dict(CalendarDay.objects.values_list("date", "is_working_day"))
    assert days[dt.date(2026, 10, 1)] is False  # 国庆节
    assert days[dt.date(2026, 2, 16)] is False  # 春节
    assert days[dt.date(2026, 9, 20)] is True  # 国庆节调休上班 (Sunday)
    assert days[dt.date(2026, 1, 4)] is True  # 元旦调休上班 (Sunday)
    assert dt.date(2026, 11, 23) not in days  # an ordinary Monday is no exception
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 1)).name == "国庆节"


def test_import_holidays_twice_adds_nothing_and_keeps_what_the_admin_typed():
    CalendarDay.objects.create(date=dt.date(2026, 10, 1), is_working_day=False, name="国庆（公司）")
    first = holidays_import(2026)
    assert holidays_import(2026) == 0
    assert CalendarDay.objects.filter(date__year=2026).count() == first + 1
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 1)).name == "国庆（公司）"


def test_import_holidays_of_an_unpublished_year_says_so():
    with pytest.raises(CommandError, match="2099"):
        call_command("import_holidays", "2099", stdout=StringIO())
    assert not CalendarDay.objects.filter(date__year=2099).exists()


def test_the_deputy_gm_is_warned_from_1_december_while_next_year_is_missing(client, gm):
    client.force_login(gm)
    with time_machine.travel(at(2026, 11, 30, 23, 30), tick=False):
        assert "import_holidays 2027" not in client.get(reverse("teams:home")).content.decode()
    with time_machine.travel(at(2026, 12, 1, 0, 30), tick=False):
        assert "import_holidays 2027" in client.get(reverse("teams:home")).content.decode()
        CalendarDay.objects.create(date=dt.date(2027, 1, 1), is_working_day=False, name="元旦")
        assert "import_holidays 2027" not in client.get(reverse("teams:home")).content.decode()
