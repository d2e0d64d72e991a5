"""The Gantt's scale (projects/selectors.py gantt_rows): ticks only inside the project's dates, week labels
thinned so that they never overlap, today's line only when today falls inside the schedule."""

import datetime as dt

import pytest

from projects.selectors import GANTT_WEEK_LABELS, gantt_rows
from tests.projects.factories import ProjectFactory, SchedulePhaseFactory

pytestmark = pytest.mark.django_db


def _project(first, last):
    project = ProjectFactory(planned_start=None, planned_finish=None)
    SchedulePhaseFactory(project=project, planned_start=first, planned_finish=first + dt.timedelta(days=10))
    SchedulePhaseFactory(
        project=project, planned_start=last - dt.timedelta(days=10), planned_finish=last, order=3, kind="painting"
    )
    return project


def test_month_ticks_stay_inside_the_projects_dates_not_todays():
    project = _project(dt.date(2025, 3, 10), dt.date(2025, 6, 20))
    gantt = gantt_rows(project, today=dt.date(2026, 12, 2))
    assert [m["date"] for m in gantt["months"]] == [dt.date(2025, 4, 1), dt.date(2025, 5, 1), dt.date(2025, 6, 1)]
    assert (gantt["start"], gantt["end"]) == (dt.date(2025, 3, 10), dt.date(2025, 6, 20))
    assert gantt["today_left"] is None
    assert all(0 <= m["left"] <= 100 for m in gantt["months"])


def test_week_labels_are_thinned_for_a_long_schedule():
    project = _project(dt.date(2025, 1, 6), dt.date(2025, 7, 27))
    gantt = gantt_rows(project, today=dt.date(2025, 3, 1))
    labelled = [w for w in gantt["weeks"] if w["labelled"]]
    assert len(gantt["weeks"]) == 29 and len(labelled) <= GANTT_WEEK_LABELS
    gaps = [b["left"] - a["left"] for a, b in zip(labelled, labelled[1:], strict=False)]
    assert min(gaps) >= 100 / GANTT_WEEK_LABELS - 1  # each label has a sixth of the width
    assert 0 < gantt["today_left"] < 100
