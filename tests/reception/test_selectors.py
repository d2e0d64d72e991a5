import datetime as dt

from django.utils import timezone

from reception import selectors
from tests.complaints.factories import ComplaintFactory
from tests.reception.factories import CallFactory, VisitFactory


def test_front_desk_today_counts_beyond_the_lists_in_four_queries(
    front_desk, designer, the_client, django_assert_num_queries
):
    now = timezone.now()
    for _ in range(12):
        CallFactory(logged_by=front_desk)
        VisitFactory(logged_by=front_desk)
    for _ in range(11):
        CallFactory(
            logged_by=front_desk,
            called_at=now - dt.timedelta(days=2),
            forward_to=designer,
            forwarded_at=now - dt.timedelta(days=2),
            ack_due_at=now - dt.timedelta(days=1),
        )
    ComplaintFactory(client=the_client, registered_by=front_desk)
    CallFactory(logged_by=front_desk, called_at=now - dt.timedelta(days=3))  # not today

    with django_assert_num_queries(4):
        today = selectors.front_desk_today(user=front_desk, now=now)

    assert (len(today["calls"]), today["call_count"]) == (10, 12)
    assert (len(today["visits"]), today["visit_count"]) == (10, 12)
    assert (len(today["waiting"]), today["waiting_count"]) == (10, 11)
    assert len(today["complaints"]) == 1


def test_front_desk_today_on_a_quiet_day_counts_nothing(front_desk):
    today = selectors.front_desk_today(user=front_desk)
    assert (today["call_count"], today["visit_count"], today["waiting_count"]) == (0, 0, 0)
