"""The deputy GM's dashboard (month and year, computed), the monthly report preview and the receivables board read
through indexes (issues 14 and 16): PostgreSQL's plan for every query they run has no sequential scan over the
complaints, calls, payment stages, contracts or the rollup cells.

As in tests/teams/test_list_plans.py: one set of rows for the module (in a transaction rolled back at the end),
ANALYZE, then ``EXPLAIN (FORMAT JSON)`` of the very queries each page runs, with whole-table reads discouraged
(``enable_seqscan``, then ``enable_indexscan`` off): a Seq Scan, or an index walked whole while filtering, left
in the plan means no index serves that query's filter. (At 100,000 clients the planner picks the same indexes on
its own: bench/measure.py --explain flags none.)"""

import datetime as dt
import json
import random
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from clients.models import Client, Contract, PaymentStage
from complaints.models import Complaint
from performance import selectors
from performance.metrics import COMPANY, Period, Scope
from performance.receivables import ReceivableFilter, board_by_team, board_figures, open_stages
from performance.rollups import rollups_rebuild
from reception.models import Call
from teams.models import Team, User
from teams.pagination import CappedPaginator
from teams.roles import Role

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"], reason="query plans are PostgreSQL's"
)

ROWS = 6_000
TEAMS = 10
BIG = {
    "complaints_complaint",
    "reception_call",
    "clients_paymentstage",
    "clients_contract",
    "clients_client",
    "performance_dailyteamfact",
    "performance_monthlyteamfact",
}


def _build():
    r = random.Random(16)
    now = timezone.now()
    team_rows = Team.objects.bulk_create([Team(name=f"看板{i}组") for i in range(TEAMS)])
    people = User.objects.bulk_create(
        [
            User(username=f"dash-c{i}", full_name=f"顾问{i}", role=Role.CONSULTANT, team=tm)
            for i, tm in enumerate(team_rows)
        ]
        + [User(username="dash-gm", full_name="副总", role=Role.DEPUTY_GM)]
    )
    consultants, gm = people[:-1], people[-1]
    clients = Client.objects.bulk_create(
        [
            Client(
                name=f"客户{n}",
                phone=f"139{n:08d}",
                team=team_rows[n % TEAMS],
                consultant=consultants[n % TEAMS],
                created_at=now - dt.timedelta(hours=5 * n),
            )
            for n in range(ROWS)
        ],
        batch_size=2000,
    )
    contracts = Contract.objects.bulk_create(
        [
            Contract(
                number=f"PLAN-{n:06d}",
                client=client,
                team_id=client.team_id,
                signed_by=consultants[n % TEAMS],
                signed_date=(now - dt.timedelta(hours=9 * n)).date(),
                construction_amount=Decimal(200000),
            )
            for n, client in enumerate(clients[: ROWS // 2])
        ],
        batch_size=2000,
    )
    stages = []
    for contract in contracts:
        for order in range(3):
            due = contract.signed_date + dt.timedelta(days=30 * order + 7)
            paid = order == 0 or r.random() < 0.7
            stages.append(
                PaymentStage(
                    contract=contract,
                    name=f"第{order + 1}期",
                    amount=Decimal(60000),
                    order=order,
                    triggered_on=due - dt.timedelta(days=7) if due <= now.date() else None,
                    due_date=due if due <= now.date() else None,
                    received=Decimal(60000) if paid else Decimal(r.choice([0, 20000])),
                )
            )
    PaymentStage.objects.bulk_create(stages, batch_size=2000)
    complaints = []
    for n, client in enumerate(clients):
        registered = now - dt.timedelta(minutes=83 * n)  # about two years
        settled = n > 300
        complaints.append(
            Complaint(
                client=client,
                caller_name=client.name,
                caller_phone=client.phone,
                team_id=client.team_id,
                registered_by=gm,
                handler=consultants[n % TEAMS],
                category=r.choice(Complaint.Category.values),
                state=Complaint.State.CLOSED if settled else Complaint.State.REGISTERED,
                description="墙砖空鼓",
                registered_at=registered,
                ack_due_at=registered + dt.timedelta(minutes=30),
                resolve_due_at=registered + dt.timedelta(days=3),
                acknowledged_at=registered + dt.timedelta(minutes=r.randint(5, 60)) if settled else None,
                resolved_at=registered + dt.timedelta(hours=r.randint(5, 120)) if settled else None,
                closed_at=registered + dt.timedelta(hours=130) if settled else None,
            )
        )
    Complaint.objects.bulk_create(complaints, batch_size=2000)
    calls = []
    for n, client in enumerate(clients):
        forwarded = now - dt.timedelta(minutes=61 * n)
        calls.append(
            Call(
                called_at=forwarded,
                caller_name=client.name,
                phone=client.phone,
                caller_type=Call.CallerType.CLIENT,
                purpose="咨询工期",
                client=client,
                logged_by=gm,
                forward_team_id=client.team_id if n % 3 == 0 else None,
                forwarded_at=forwarded if n % 3 == 0 else None,
                ack_due_at=forwarded + dt.timedelta(minutes=30) if n % 3 == 0 else None,
                acknowledged_at=forwarded + dt.timedelta(minutes=r.randint(5, 60)) if n % 3 == 0 and n > 90 else None,
            )
        )
    Call.objects.bulk_create(calls, batch_size=2000)
    rollups_rebuild()  # a bulk write, around the services
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"gm": gm, "consultant": consultants[0], "team": team_rows[0]}


@pytest.fixture(scope="module")
def big(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build()
        transaction.set_rollback(True)


def _whole_reads(plan) -> list[str]:
    found, stack = [], [plan[0]["Plan"]]
    while stack:
        node = stack.pop()
        table = node.get("Relation Name")
        if table in BIG and node["Node Type"] == "Seq Scan":
            found.append(f"Seq Scan on {table}: {node.get('Filter', '')[:300]}")
        elif table in BIG and "Index Cond" not in node and "Filter" in node and "Index" in node["Node Type"]:
            found.append(f"{node['Node Type']} {node['Index Name']} on {table} filtering: {node['Filter'][:300]}")
        stack.extend(node.get("Plans", []))
    return found


@pytest.fixture
def whole_reads(big, django_db_blocker):
    """``run()`` once, then every SELECT it ran EXPLAINed: the big tables read whole (as in test_list_plans)."""

    def check(run) -> list[str]:
        with django_db_blocker.unblock():
            with CaptureQueriesContext(connection) as ctx:
                run()
            selects = [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
            assert selects
            found = []
            with connection.cursor() as cursor:
                for sql in selects:
                    for off in (["enable_seqscan"], ["enable_seqscan", "enable_indexscan"]):
                        for name in off:
                            cursor.execute(f"SET LOCAL {name} = off")
                        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
                        (plan,) = cursor.fetchone()
                        for name in off:
                            cursor.execute(f"SET LOCAL {name} = on")
                        reads = _whole_reads(json.loads(plan) if isinstance(plan, str) else plan)
                        if not reads:
                            break
                    found += reads
        return found

    return check


TODAY = timezone.localdate()
PERIODS = {
    "month": Period.month_of(TODAY),
    "last month": Period.month_of(TODAY).previous(),
    "year": Period.year_of(TODAY),
    "range": Period.between(TODAY - dt.timedelta(days=100), TODAY - dt.timedelta(days=2)),
}


@override_settings(PERFORMANCE_DASHBOARD_CACHE_SECONDS=0)
@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("scope", ["company", "team"])
def test_computed_dashboard_reads_by_index(big, whole_reads, period, scope):
    scope = COMPANY if scope == "company" else Scope(team_id=big["team"].pk)
    assert whole_reads(lambda: selectors.dashboard_data(period=PERIODS[period], scope=scope, money=True)) == []


@pytest.mark.parametrize("period", ["month", "last month"])
def test_report_preview_reads_by_index(big, whole_reads, period):
    assert whole_reads(lambda: selectors.report_data(team=big["team"], period=PERIODS[period])) == []


@pytest.mark.parametrize("query", ["", "state=overdue", "state=due", "ageing=60%2B", "state=overdue&ageing=31-60"])
@pytest.mark.parametrize("who", ["gm", "consultant"])
def test_receivables_board_reads_by_index(big, whole_reads, who, query):
    user = big[who]
    month = PERIODS["month"]

    def board():
        scope = Scope() if user.sees_all else Scope(team_id=user.team_id)
        board_figures(scope=scope, period=month)
        if user.sees_all:
            board_by_team(period=month)
        filterset = ReceivableFilter(
            QueryDict(query), queryset=open_stages(user=user), today=TODAY, show_team=user.sees_all
        )
        page = CappedPaginator(filterset.qs, 25).get_page(1)  # as the view: the count, then the first page
        list(page)

    assert whole_reads(board) == []


def test_the_check_sees_a_scan(big, whole_reads):
    """The negative control: a payment stage's name has no index, so filtering by it reads the whole table."""
    assert whole_reads(lambda: list(PaymentStage.objects.filter(name__contains="第2")[:25]))
