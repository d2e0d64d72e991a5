"""The test suite's clock: every test process runs at a moment when yesterday, today and tomorrow are working
days and midnight is hours away.

Tests compute "today" and "tomorrow" from the clock, some at import, and assume an ordinary working day. A
run that starts before midnight saw its module-level ``TODAY`` become yesterday halfway through, and a run on
a Saturday planned a meeting for a Sunday (the CI failures of stop 23). When the real moment is not such a
moment, the clock is moved forward to the next one (09:30 Asia/Shanghai) and ticks from there.

The offset is computed once and handed down in ``TEST_CLOCK_OFFSET`` to every process that loads the test
settings (pytest-xdist's workers, the Celery workers some tests start), so they all read the same time.
"""

import datetime as dt
import os
import time
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = dt.time(9, 30)
LATEST_START = dt.time(15, 0)  # a session of up to an hour still ends before the working day does
ENV = "TEST_CLOCK_OFFSET"
FIXED_HOLIDAYS = {(1, 1), *((5, d) for d in range(1, 6)), *((10, d) for d in range(1, 8))}


def _ordinary_working_day(day: dt.date) -> bool:
    """Monday to Friday and no public holiday (``chinesecalendar`` knows the years it was released for)."""
    if day.isoweekday() > 5:
        return False
    import chinese_calendar

    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the package does not know yet: the fixed-date holidays at least
        return (day.month, day.day) not in FIXED_HOLIDAYS


def safe_moment(now: dt.datetime) -> dt.datetime:
    """``now`` if it is safe, else the next working morning whose neighbours are working days too."""
    local = now.astimezone(SHANGHAI)

    def safe(day):
        return all(_ordinary_working_day(day + dt.timedelta(days=k)) for k in (-1, 0, 1))

    if safe(local.date()) and START <= local.time() < LATEST_START:
        return now
    day = local.date() + dt.timedelta(days=0 if local.time() < START else 1)
    while not safe(day):
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, START, SHANGHAI)


def pin() -> float:
    """Move this process's clock by the suite's offset (seconds; computed by the first process) and return it."""
    if ENV not in os.environ:
        now = dt.datetime.now(dt.UTC)
        os.environ[ENV] = str(round((safe_moment(now) - now).total_seconds()))
    offset = float(os.environ[ENV])
    if offset:
        import time_machine

        time_machine.travel(time.time() + offset, tick=True).start()
    return offset
