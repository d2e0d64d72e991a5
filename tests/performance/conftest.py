import datetime as dt
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache

from clients.models import Client
from complaints.models import Complaint
from meetings.models import MeetingAttendance
from reception.models import PhoneCall
from tests.clients.factories import ClientFactory, ContractFactory, FollowUpVisitFactory
from tests.complaints.factories import ComplaintFactory
from tests.meetings.factories import MeetingAttendanceFactory, MeetingFactory
from tests.projects.factories import DrawingTaskFactory, InspectionFactory, ProjectFactory, SchedulePhaseFactory
from tests.reception.factories import CallFactory
from tests.teams.factories import UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
# "Now" in most tests: the middle of November 2026; October is the closed month.
NOW = dt.datetime(2026, 11, 15, 10, 0, tzinfo=SHANGHAI)


def at(y, m, d, h=10, minute=0):
    return dt.datetime(y, m, d, h, minute, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def seeded(frozen, team, other_team, consultant, designer, assistant, pm, outsider):
    """Varied records of two teams around October 2026, including the month boundaries."""
    rng = random.Random(7)
    teams = [(team, consultant), (other_team, outsider)]
    days = [at(2026, 9, 30, 23, 59), at(2026, 10, 1, 0, 0), at(2026, 10, 31, 23, 59), at(2026, 11, 1, 0, 1)]
    for i in range(36):
        tm, leader = teams[i % 2]
        created = (
            days[i] if i < len(days) else at(2026, rng.choice([9, 10, 10, 11]), rng.randint(1, 28), rng.randint(0, 23))
        )
        stage = rng.choice([Client.Stage.NEW, Client.Stage.SIGNED, Client.Stage.LOST, Client.Stage.QUOTED])
        client = ClientFactory(
            team=tm,
            consultant=leader,
            stage=stage,
            created_at=created,
            lost_at=created + dt.timedelta(days=rng.randint(1, 20)) if stage == Client.Stage.LOST else None,
        )
        if stage == Client.Stage.SIGNED:
            ContractFactory(
                client=client,
                signed_by=leader,
                signed_date=dt.date(2026, rng.choice([9, 10, 10, 11]), rng.choice([1, 15, 30])),
                design_fee=Decimal(rng.randint(0, 20000)),
                construction_amount=Decimal(rng.randint(50000, 400000)),
            )
        due = dt.date(2026, 10, rng.randint(1, 31))
        done = rng.choice([None, due - dt.timedelta(days=1), due, due + dt.timedelta(days=2)])
        FollowUpVisitFactory(
            client=client,
            owner=leader,
            due_date=due,
            done_at=at(done.year, done.month, done.day, 23, 30) if done else None,
            satisfaction=rng.choice([None, 3, 4, 5]) if done else None,
        )
        registered = created + dt.timedelta(hours=rng.randint(1, 400))
        ack = rng.choice([None, 10, 45])
        resolved = rng.choice([None, 20, 100])
        ComplaintFactory(
            client=client,
            team=tm,
            handler=leader,
            category=rng.choice(Complaint.Category.values),
            severity=rng.choice([Complaint.Severity.NORMAL, Complaint.Severity.NORMAL, Complaint.Severity.MAJOR]),
            registered_at=registered,
            ack_due_at=registered + dt.timedelta(minutes=30),
            resolve_due_at=registered + dt.timedelta(hours=72),
            acknowledged_at=registered + dt.timedelta(minutes=ack) if ack else None,
            resolved_at=registered + dt.timedelta(hours=resolved) if resolved else None,
            closed_at=registered + dt.timedelta(hours=resolved + 5) if resolved and rng.random() < 0.5 else None,
            state=Complaint.State.CLOSED if resolved else Complaint.State.REGISTERED,
            # Some registered by the consultant who handles them, the rest by the front desk.
            **({"registered_by": leader} if i % 4 == 0 else {}),
        )
        if i % 3 == 0:
            planned = dt.date(2026, 10, rng.randint(1, 31))
            ProjectFactory(
                client=client,
                team=tm,
                project_manager=pm if tm == team else None,
                actual_start=dt.date(2026, rng.choice([9, 10]), 5),
                planned_finish=planned,
                actual_finish=rng.choice([None, planned, planned + dt.timedelta(days=3)]),
            )
    for i in range(12):
        tm = team if i % 2 else other_team
        deadline = dt.date(2026, 10, rng.randint(1, 31))
        delivered = rng.choice([None, deadline, deadline + dt.timedelta(days=1)])
        DrawingTaskFactory(
            project__client__team=tm,
            project__team=tm,
            deadline=deadline,
            assignee=assistant if tm == team else UserFactory(role="assistant_designer", team=tm),
            delivered_at=at(delivered.year, delivered.month, delivered.day, 23, 30) if delivered else None,
        )
        planned = dt.date(2026, 10, rng.randint(1, 31))
        phase = SchedulePhaseFactory(
            project__client__team=tm,
            project__team=tm,
            project__project_manager=pm if tm == team else None,
            planned_start=planned - dt.timedelta(days=10),
            planned_finish=planned,
            actual_finish=rng.choice([None, planned, planned + dt.timedelta(days=2)]),
        )
        InspectionFactory(
            phase=phase,
            inspector=pm if tm == team else UserFactory(role="project_manager", team=tm),
            inspected_on=dt.date(2026, rng.choice([9, 10, 11]), rng.randint(1, 28)),
            result=rng.choice(["pass", "rectify"]),
        )
        forwarded = at(2026, 10, rng.randint(1, 31), rng.randint(8, 20))
        ack = rng.choice([None, 10, 90])
        CallFactory(
            forward_team=tm,
            forwarded_at=forwarded,
            ack_due_at=forwarded + dt.timedelta(minutes=30),
            acknowledged_at=forwarded + dt.timedelta(minutes=ack) if ack else None,
            important=True,
        )
    for day in (1, 2, 3, 31):
        meeting = MeetingFactory(team=team, date=dt.date(2026, 10, day), held=day != 3)
        MeetingAttendanceFactory(meeting=meeting, member=designer, status=rng.choice(MeetingAttendance.Status.values))
        MeetingAttendanceFactory(meeting=meeting, member=pm, status=rng.choice(MeetingAttendance.Status.values))
    # The phone system: missed and answered calls of each team's client around the month's edges, some called back.
    for k, (tm, leader) in enumerate(teams):
        caller = ClientFactory(team=tm, consultant=leader)
        for n, day in enumerate(days + [at(2026, 10, 15, 10)]):
            PhoneCall.objects.create(
                call_id=f"perf-{k}-{n}",
                from_number=caller.phone,
                user=pm if tm == team else leader,
                client=caller,
                state="missed" if n % 2 == 0 else "ended",
                rang_at=day,
                handled_at=day + dt.timedelta(minutes=30) if n in (0, 4) else None,
            )
    return {"team": team, "other_team": other_team}
