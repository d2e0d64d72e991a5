import datetime as dt
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache

from clients.models import Client, Contract, PaymentStage, Receipt
from complaints.models import Complaint
from meetings.models import MeetingAttendance
from performance.rollups import rollups_rebuild
from projects.models import ChangeOrder
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
    seed_money(random.Random(11))
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
    # Money and phone calls are written here around the services: counted into the rollups once, as after a
    # bulk seed (bench/scale_seed.py).
    rollups_rebuild()
    return {"team": team, "other_team": other_team}


def seed_money(rng):
    """Payment stages due around October (some paid, some partly, some not), receipts, refunds and
    reversing entries at the month's edges, and change orders approved in and around it."""
    days = [dt.date(2026, 9, 30), dt.date(2026, 10, 1), dt.date(2026, 10, 31), dt.date(2026, 11, 1)]
    for n, contract in enumerate(Contract.objects.select_related("signed_by").order_by("pk")):
        leader = contract.signed_by
        for order in range(3):
            due = days[(n + order) % 4] if order == 0 else dt.date(2026, rng.choice([8, 9, 10, 11]), rng.randint(1, 28))
            stage = PaymentStage.objects.create(
                contract=contract,
                name=f"第{order + 1}期",
                amount=Decimal(rng.randint(10, 90) * 1000),
                trigger="fixed_date",
                fixed_date=due - dt.timedelta(days=7),
                triggered_on=due - dt.timedelta(days=7),
                due_date=due if rng.random() < 0.9 else None,
                order=order,
            )
            paid = Decimal(0)
            for part in range(rng.choice([0, 1, 2])):
                amount = (stage.amount / 2).quantize(Decimal("0.01"))
                receipt = Receipt.objects.create(
                    contract=contract,
                    stage=stage,
                    amount=amount,
                    received_on=days[(n + part) % 4] if part == 0 else dt.date(2026, 10, rng.randint(1, 31)),
                    recorded_by=leader,
                )
                paid += amount
                if rng.random() < 0.2:
                    Receipt.objects.create(
                        contract=contract,
                        stage=stage,
                        kind="reversal",
                        reverses=receipt,
                        amount=-amount,
                        reason="录错",
                        received_on=dt.date(2026, 10, rng.randint(1, 31)),
                        recorded_by=leader,
                    )
                    paid -= amount
            PaymentStage.objects.filter(pk=stage.pk).update(received=paid)
        if n % 2 == 0:
            project = ProjectFactory(client=contract.client, team=contract.team, contract=contract)
            approved = at(2026, rng.choice([9, 10, 10, 10, 11]), rng.randint(1, 28), rng.randint(0, 23))
            ChangeOrder.objects.create(
                project=project,
                contract=contract,
                number=f"BG-T-{n:04d}",
                title="增项",
                source="site_finding",
                finding="墙面空鼓",
                total=Decimal(rng.randint(-5, 60) * 100),
                status="draft" if n % 6 == 4 else "approved",
                created_by=leader,
                client_signed_on=approved.date(),
                client_scan="change_orders/x.pdf",
                approved_by=leader,
                approved_at=approved,
            )
