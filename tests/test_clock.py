"""The suite's clock (config/settings/test_clock.py): every test runs on an ordinary working day, far from
midnight, whenever the run starts."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from config.settings.test_clock import SHANGHAI, safe_moment


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("real", "moved_to"),
    [
        ("2026-12-03 23:44", "2026-12-08 09:30"),  # Thursday before midnight, Friday's tomorrow is a Saturday
        ("2026-12-05 02:20", "2026-12-08 09:30"),  # Saturday night: Monday's yesterday is a Sunday
        ("2026-12-09 08:00", "2026-12-09 09:30"),  # a Wednesday before the working day
        ("2026-09-30 10:00", "2026-10-13 09:30"),  # National Day week, then a 调休 Saturday and a Monday
        ("2027-01-01 10:00", "2027-01-05 09:30"),  # a year the calendar package does not know yet
    ],
)
def test_a_run_outside_an_ordinary_working_day_moves_to_the_next_one(real, moved_to):
    assert safe_moment(_at(real)) == _at(moved_to)


def test_a_run_on_an_ordinary_working_morning_keeps_the_real_time():
    now = _at("2026-12-09 10:15")
    assert safe_moment(now) is now


def test_this_process_runs_on_such_a_day():
    today = timezone.localdate()
    assert all(d.isoweekday() <= 5 for d in (today - dt.timedelta(days=1), today, today + dt.timedelta(days=1)))
    assert dt.time(9, 30) <= timezone.localtime().time() < dt.time(18, 0)
    assert isinstance(settings.TEST_CLOCK_OFFSET, float)
