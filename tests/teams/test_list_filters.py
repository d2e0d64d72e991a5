"""Shared list filters (teams/filters.py): a day as a range of instants, and the sort's tie-break."""

import datetime as dt

import pytest
from django.http import QueryDict
from django.utils import timezone

from complaints.filters import ComplaintFilter
from complaints.models import Complaint
from reception.filters import CallFilter
from reception.models import Call
from tests.complaints.factories import ComplaintFactory
from tests.reception.factories import CallFactory

SHANGHAI = timezone.get_default_timezone()


def _at(day, hour, minute=0):
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


@pytest.mark.django_db
def test_call_day_is_the_local_day(front_desk):
    """A call at 00:10 and one at 23:50 Shanghai time are that day's; 23:50 the day before is not (in UTC
    it falls on the same date as the day's morning)."""
    inside = [CallFactory(called_at=_at(5, 0, 10)), CallFactory(called_at=_at(5, 23, 50))]
    CallFactory(called_at=_at(4, 23, 50))
    CallFactory(called_at=_at(6, 0, 0))
    found = CallFilter(QueryDict("date=2026-11-05"), queryset=Call.objects.all()).qs
    assert set(found) == set(inside)


@pytest.mark.django_db
def test_complaints_registered_from_to_include_both_whole_days(gm):
    inside = [ComplaintFactory(registered_at=_at(3, 0, 0)), ComplaintFactory(registered_at=_at(4, 23, 59))]
    ComplaintFactory(registered_at=_at(2, 23, 59))
    ComplaintFactory(registered_at=_at(5, 0, 0))
    data = QueryDict("registered_from=2026-11-03&registered_to=2026-11-04")
    found = ComplaintFilter(data, queryset=Complaint.objects.all(), user=gm).qs
    assert set(found) == set(inside)


@pytest.mark.django_db
def test_rows_that_sort_alike_follow_their_number_in_the_same_direction(gm):
    same = _at(3, 9)
    rows = [ComplaintFactory(registered_at=same, resolve_due_at=same) for _ in range(3)]
    ids = [c.pk for c in rows]
    up = ComplaintFilter(QueryDict("ordering=resolve_due_at"), queryset=Complaint.objects.all(), user=gm).qs
    down = ComplaintFilter(QueryDict("ordering=-resolve_due_at"), queryset=Complaint.objects.all(), user=gm).qs
    assert [c.pk for c in up] == sorted(ids) and [c.pk for c in down] == sorted(ids, reverse=True)
