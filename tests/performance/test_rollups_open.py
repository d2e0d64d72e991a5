"""The rollups of complaints, receivables and forwarded calls (issues 14 and 16): every write through the services
keeps the daily and monthly cells exact, concurrent writers both count, the nightly recount repairs drift, and the
figures that depend on "now" (what is open, overdue, not yet acknowledged) equal a count made here from the raw
rows in a running period as in a closed one."""

import datetime as dt
import threading
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from clients import services as client_services
from clients.models import PaymentStage, Receipt
from complaints import services as complaint_services
from complaints.models import Complaint
from performance import tasks
from performance.metrics import METRICS, Period, Scope, complaints_by_category, figures, figures_with_teams
from performance.models import DailyTeamFact, MonthlyTeamFact
from performance.rollups import _by_month, recount_cells
from reception import services as reception_services
from reception.models import Call
from teams.facts import facts_write
from tests.clients.factories import ClientFactory, ContractFactory
from tests.complaints.factories import ComplaintFactory
from tests.reception.factories import CallFactory

from .conftest import NOW, at

pytestmark = pytest.mark.django_db

CAUSE = {"resolution": "返工重贴", "cause_category": "workmanship", "cause_analysis": "水泥砂浆比例不对"}


def daily():
    return {
        (row.day, row.team_key, row.kind): [row.count, row.amount]
        for row in DailyTeamFact.objects.all()
        if row.count or row.amount
    }


def monthly():
    return {
        (row.month, row.team_key, row.kind): [row.count, row.amount]
        for row in MonthlyTeamFact.objects.all()
        if row.count or row.amount
    }


def assert_exact():
    """The daily cells are a recount of the rows; the monthly cells add up the daily ones."""
    want = recount_cells()
    assert daily() == want
    assert monthly() == _by_month(want)


def cell(day, team, kind):
    row = DailyTeamFact.objects.filter(day=day, team_key=team.pk, kind=kind).first()
    return (row.count, row.amount) if row else (0, Decimal(0))


def register(front_desk, client, when, **kwargs):
    data = {
        "registered_by": front_desk,
        "caller_name": client.name,
        "caller_phone": client.phone,
        "channel": Complaint.Channel.PHONE,
        "category": Complaint.Category.QUALITY,
        "severity": Complaint.Severity.NORMAL,
        "description": "卫生间渗水",
        "client": client,
        "now": when,
    }
    data.update(kwargs)
    return complaint_services.complaint_register(**data)


def step(complaint, user, action, when, **kwargs):
    complaint.refresh_from_db()
    return complaint_services.complaint_transition(
        complaint=complaint, user=user, action=action, version=complaint.version, now=when, **kwargs
    )


# --- writes through the services -------------------------------------------------------------------------------


def test_a_complaints_life_moves_its_cells_exactly(frozen, team, consultant, front_desk):
    client = ClientFactory(team=team, consultant=consultant)
    registered = NOW - dt.timedelta(days=3)
    complaint = register(front_desk, client, registered)
    day = timezone.localdate(registered)
    assert cell(day, team, "complaints_registered") == (1, 0)
    assert cell(day, team, "complaints_category_quality") == (1, 0)
    assert_exact()
    step(complaint, consultant, "acknowledge", registered + dt.timedelta(minutes=20))
    assert cell(day, team, "complaints_acked") == (1, 0)
    # 20 minutes, in microseconds: the average is exact.
    assert cell(day, team, "complaint_ack_time") == (1, Decimal(20 * 60 * 10**6))
    step(complaint, consultant, "start", registered + dt.timedelta(hours=1))
    resolved = NOW - dt.timedelta(days=1)
    step(complaint, consultant, "resolve", resolved, **CAUSE)
    assert cell(timezone.localdate(resolved), team, "complaints_resolved_by") == (1, 0)
    assert_exact()
    step(complaint, consultant, "confirm", resolved + dt.timedelta(hours=2))
    step(complaint, consultant, "reopen", NOW - dt.timedelta(hours=5), comment="又渗水了")
    assert cell(timezone.localdate(resolved), team, "complaints_resolved_by") == (0, 0)
    assert cell(day, team, "complaints_resolved") == (0, 0)
    assert_exact()
    complaint_services.complaint_update(
        complaint=complaint,
        user=consultant,
        version=complaint.version,
        data={"severity": "major", "category": "design"},
    )
    assert cell(day, team, "complaints_major") == (1, 0)
    assert cell(day, team, "complaints_category_quality") == (0, 0)
    assert cell(day, team, "complaints_category_design") == (1, 0)
    step(complaint, consultant, "resolve", NOW - dt.timedelta(hours=1), **CAUSE)
    # The client says on their page it is not solved: reopened again.
    complaint.refresh_from_db()
    assert complaint_services.complaint_client_answer(complaint=complaint, solved=False, comment="没修好")
    assert_exact()
    step(complaint, consultant, "resolve", NOW - dt.timedelta(minutes=30), **CAUSE)
    complaint.refresh_from_db()
    assert complaint_services.complaint_client_answer(complaint=complaint, solved=True)
    step(complaint, consultant, "close", NOW - dt.timedelta(minutes=10))
    assert cell(day, team, "complaints_closed") == (1, 0)
    assert_exact()


def test_a_merged_duplicate_leaves_every_figure(frozen, team, consultant, front_desk):
    client = ClientFactory(team=team, consultant=consultant)
    original = register(front_desk, client, NOW - dt.timedelta(days=2))
    duplicate = register(front_desk, client, NOW - dt.timedelta(days=1))
    november = Period.month_of(NOW.date())
    assert METRICS["complaints_registered"].value(november, Scope(team_id=team.pk)) == 2
    complaint_services.complaint_merge(duplicate=duplicate, original=original, by=consultant, now=NOW)
    assert_exact()
    for scope in (Scope(), Scope(team_id=team.pk)):
        assert METRICS["complaints_registered"].value(november, scope) == 1
        assert METRICS["complaints_open"].value(november, scope) == 1
        assert sum(complaints_by_category(november, scope).values()) == 1


def test_receivables_follow_every_money_write(frozen, team, consultant):
    contract = ContractFactory(client=ClientFactory(team=team, consultant=consultant), signed_by=consultant)
    signed = contract.signed_date
    stage = client_services.payment_save(
        contract=contract, by=consultant, name="首期", amount=Decimal(50000), trigger="signing", days_to_pay=7
    )
    due = signed + dt.timedelta(days=7)
    assert cell(due, team, "receivables_open") == (1, Decimal(50000))
    assert_exact()
    today = timezone.localdate()
    first = client_services.receipt_record(
        stage=stage, by=consultant, amount=Decimal(20000), received_on=today, method="bank"
    )
    assert cell(due, team, "receivables_open") == (1, Decimal(30000))
    client_services.receipt_record(
        stage=stage, by=consultant, amount=Decimal(5000), received_on=today, method="bank", refund=True, reason="多收"
    )
    assert cell(due, team, "receivables_open") == (1, Decimal(35000))
    client_services.receipt_reverse(receipt=first, by=consultant, reason="录错")
    assert cell(due, team, "receivables_open") == (1, Decimal(55000))  # more owed than the stage: refunded
    assert_exact()
    # A new number of days to pay moves the pay-by day; a new amount what is owed.
    stage.refresh_from_db()
    client_services.payment_save(
        contract=contract,
        by=consultant,
        name="首期",
        amount=Decimal(60000),
        trigger="signing",
        days_to_pay=10,
        payment=stage,
    )
    assert cell(due, team, "receivables_open") == (0, 0)
    assert cell(signed + dt.timedelta(days=10), team, "receivables_open") == (1, Decimal(65000))
    assert_exact()
    # Paid in full: no longer receivable.
    stage.refresh_from_db()
    client_services.receipt_record(stage=stage, by=consultant, amount=Decimal(65000), received_on=today, method="bank")
    assert cell(signed + dt.timedelta(days=10), team, "receivables_open") == (0, 0)
    assert_exact()


def test_resplit_stages_move_their_receivables(frozen, team, consultant):
    contract = ContractFactory(
        client=ClientFactory(team=team, consultant=consultant),
        signed_by=consultant,
        construction_amount=Decimal(100000),
    )
    for name, amount in (("首期", 30000), ("中期", 30000)):
        client_services.payment_save(
            contract=contract, by=consultant, name=name, amount=Decimal(amount), trigger="signing", days_to_pay=7
        )
    assert client_services.payment_stages_resplit(contract=contract, by=consultant) == 2
    due = contract.signed_date + dt.timedelta(days=7)
    assert cell(due, team, "receivables_open") == (2, Decimal(100000))
    assert_exact()


def test_forwarded_calls_count_when_acknowledged(frozen, team, consultant, front_desk):
    call = reception_services.call_log(
        logged_by=front_desk,
        caller_name="王先生",
        phone="13800001111",
        caller_type="client",
        purpose="咨询工期",
        forward_team=team,
        now=NOW - dt.timedelta(days=3),  # Thursday 10:00: due within the working day
    )
    assert call.ack_due_at < NOW
    day = timezone.localdate(call.forwarded_at)
    assert cell(day, team, "calls_forwarded_acked") == (0, 0)
    november = Period.month_of(NOW.date())
    # Not acknowledged and past its deadline: counted late, from the raw row.
    assert METRICS["calls_ack_in_time"].value(november, Scope(team_id=team.pk)) == Decimal("0.0")
    reception_services.call_acknowledge(call=call, user=consultant, now=NOW)
    assert cell(day, team, "calls_forwarded_acked") == (1, 0)
    assert METRICS["calls_ack_in_time"].value(november, Scope(team_id=team.pk)) == Decimal("0.0")
    assert_exact()
    other = reception_services.call_log(
        logged_by=front_desk,
        caller_name="李女士",
        phone="13800002222",
        caller_type="client",
        purpose="预约量房",
        forward_team=team,
        now=NOW - dt.timedelta(days=3),
    )
    reception_services.call_forward_close(call=other, user=consultant, outcome="handled", now=other.forwarded_at)
    assert cell(day, team, "calls_acked_in_time") == (1, 0)
    assert METRICS["calls_ack_in_time"].value(november, Scope(team_id=team.pk)) == Decimal("50.0")
    assert_exact()


# --- the nightly recount and concurrent writers ----------------------------------------------------------------


def test_recount_repairs_the_monthly_cells_too(frozen, team, consultant):
    ComplaintFactory(team=team, client__team=team, registered_at=at(2026, 10, 5))
    ComplaintFactory(team=team, client__team=team, registered_at=at(2026, 11, 2))
    good_days, good_months = daily(), monthly()
    MonthlyTeamFact.objects.filter(kind="complaints_registered", month=dt.date(2026, 10, 1)).update(count=9)
    MonthlyTeamFact.objects.filter(kind="complaints_category_quality", month=dt.date(2026, 11, 1)).delete()
    assert tasks.recount_rollups()["drifted"] == 2
    assert daily() == good_days and monthly() == good_months
    assert tasks.recount_rollups()["drifted"] == 0


@pytest.mark.django_db(transaction=True)
def test_two_receipts_on_one_stage_at_once_both_count(team, consultant):
    """The second writer's "before" is read after the first commits (the stage's row is locked first), so the
    change is not counted twice; without the lock, the second read the first's "before" and added its delta too."""
    if not connection.features.has_select_for_update:
        pytest.skip("row locks are PostgreSQL's")
    contract = ContractFactory(client=ClientFactory(team=team, consultant=consultant), signed_by=consultant)
    stage = client_services.payment_save(
        contract=contract, by=consultant, name="首期", amount=Decimal(50000), trigger="signing", days_to_pay=7
    )
    first_inside, errors = threading.Event(), []

    def first():
        try:
            # What receipt_record does to the stage (its receipt, counted elsewhere, is left out: its cell would
            # make the second writer wait before it reads anything).
            with transaction.atomic(), facts_write(PaymentStage, stage.pk):
                PaymentStage.objects.filter(pk=stage.pk).update(received=F("received") + Decimal(10000))
                first_inside.set()
                threading.Event().wait(1.0)  # the second writer starts meanwhile
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    def second():
        try:
            first_inside.wait(5)
            client_services.receipt_record(
                stage=PaymentStage.objects.get(pk=stage.pk),
                by=consultant,
                amount=Decimal(5000),
                received_on=timezone.localdate(),
                method="bank",
            )
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert errors == []
    stage.refresh_from_db()
    assert stage.received == Decimal(15000)
    due = contract.signed_date + dt.timedelta(days=7)
    assert cell(due, team, "receivables_open") == (1, Decimal(35000))
    assert_exact()


# --- the figures against counts made here from the raw rows ---------------------------------------------------


@pytest.fixture
def around_now(seeded, team, other_team, consultant, outsider, front_desk):
    """Complaints and forwarded calls on the running month's cut-off day, before and after "now", some open,
    some past their deadline, one merged; receivables due around today."""
    teams = [(team, consultant), (other_team, outsider)]
    today0 = at(2026, 11, 15, 0, 0)
    for i, minutes in enumerate([-600, -300, -50, -10, 5, 90, 24 * 60 + 30]):
        tm, leader = teams[i % 2]
        registered = NOW + dt.timedelta(minutes=minutes)
        acked = registered + dt.timedelta(minutes=15) if i % 3 == 0 else None
        resolved = registered + dt.timedelta(hours=2) if i in (0, 2) else None
        ComplaintFactory(
            client__team=tm,
            team=tm,
            handler=leader,
            registered_at=registered,
            ack_due_at=registered + dt.timedelta(minutes=30),
            resolve_due_at=max(today0, registered - dt.timedelta(hours=1))
            if i % 2
            else registered + dt.timedelta(days=2),
            acknowledged_at=acked,
            resolved_at=resolved,
            closed_at=resolved + dt.timedelta(minutes=30) if resolved else None,
            state="closed" if resolved else "registered",
        )
        CallFactory(
            forward_team=tm,
            forwarded_at=registered,
            ack_due_at=registered + dt.timedelta(minutes=30),
            acknowledged_at=acked,
        )
    # Registered days ago, resolved today before now / after now; due today before now, not resolved.
    for tm, leader in teams:
        ComplaintFactory(
            client__team=tm,
            team=tm,
            handler=leader,
            registered_at=NOW - dt.timedelta(days=4),
            resolve_due_at=NOW - dt.timedelta(hours=2),
            resolved_at=NOW - dt.timedelta(hours=1),
        )
        ComplaintFactory(
            client__team=tm,
            team=tm,
            handler=leader,
            registered_at=NOW - dt.timedelta(days=5),
            resolve_due_at=NOW - dt.timedelta(hours=3),
            resolved_at=NOW + dt.timedelta(hours=1),
        )
        ComplaintFactory(
            client__team=tm, team=tm, handler=leader, registered_at=NOW - dt.timedelta(days=6), resolve_due_at=today0
        )
    original = ComplaintFactory(client__team=team, team=team, registered_at=NOW - dt.timedelta(days=2))
    duplicate = ComplaintFactory(client=original.client, team=team, registered_at=NOW - dt.timedelta(hours=4))
    complaint_services.complaint_merge(duplicate=duplicate, original=original, by=consultant, now=NOW)
    for days in (-3, 0, 1, 29, 31, 61, 90):
        contract = ContractFactory(client=ClientFactory(team=team, consultant=consultant), signed_by=consultant)
        stage = PaymentStage.objects.create(contract=contract, name="中期", amount=Decimal(1000 + days), days_to_pay=0)
        client_services.stage_make_due(stage=stage, on=NOW.date() - dt.timedelta(days=days))
    return seeded


def _pct(hits, total):
    if not total:
        return None
    return (Decimal(hits) * 100 / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _mean(durations, unit):
    """The mean of ``durations`` in ``unit`` seconds, exactly (to the microsecond), half up."""
    if not durations:
        return None
    micro = sum(d // dt.timedelta(microseconds=1) for d in durations)
    return (Decimal(micro) / 10**6 / unit / len(durations)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def by_hand(period, now, in_scope):
    """The now-dependent figures of ``period`` counted from the raw rows with the cut-off ``min(end, now)``."""
    start, end = period.start_dt, period.end_dt
    cutoff, cutoff_day = min(end, now), min(period.end, timezone.localdate(now))
    complaints = [c for c in Complaint.objects.filter(merged_into=None) if in_scope(c.team_id)]
    registered = [c for c in complaints if start <= c.registered_at < end]
    unresolved = [
        c for c in complaints if c.registered_at < cutoff and (c.resolved_at is None or c.resolved_at >= cutoff)
    ]
    ack_judged = [c for c in registered if c.ack_due_at and (c.acknowledged_at or c.ack_due_at < cutoff)]
    res_judged = [c for c in registered if c.resolve_due_at and (c.resolved_at or c.resolve_due_at < cutoff)]
    calls = [
        c
        for c in Call.objects.filter(forwarded_at__gte=start, forwarded_at__lt=end, ack_due_at__isnull=False)
        if in_scope(c.forward_team_id) and (c.acknowledged_at or c.ack_due_at < cutoff)
    ]
    got = {}
    for r in Receipt.objects.all():
        got[r.stage_id] = got.get(r.stage_id, Decimal(0)) + r.amount
    owed = {
        s: s.amount - got.get(s.pk, Decimal(0))
        for s in PaymentStage.objects.select_related("contract").filter(due_date__isnull=False)
        if in_scope(s.contract.team_id) and s.amount - got.get(s.pk, Decimal(0)) > 0
    }

    def overdue(low, high=None):
        return sum(
            (
                v
                for s, v in owed.items()
                if low <= (cutoff_day - s.due_date).days and (high is None or (cutoff_day - s.due_date).days <= high)
            ),
            Decimal(0),
        )

    return {
        "complaints_registered": len(registered),
        "complaints_major": sum(c.severity == "major" for c in registered),
        "complaints_open": len(unresolved),
        "complaints_overdue": sum(c.resolve_due_at is not None and c.resolve_due_at < cutoff for c in unresolved),
        "complaints_ack_in_time": _pct(
            sum(c.acknowledged_at is not None and c.acknowledged_at <= c.ack_due_at for c in ack_judged),
            len(ack_judged),
        ),
        "complaints_resolved_in_time": _pct(
            sum(c.resolved_at is not None and c.resolved_at <= c.resolve_due_at for c in res_judged), len(res_judged)
        ),
        "complaints_closed": _pct(
            sum(c.closed_at is not None and c.closed_at < cutoff for c in registered), len(registered)
        ),
        "complaint_ack_minutes": _mean(
            [c.acknowledged_at - c.registered_at for c in registered if c.acknowledged_at], 60
        ),
        "complaint_resolve_hours": _mean([c.resolved_at - c.registered_at for c in registered if c.resolved_at], 3600),
        "calls_ack_in_time": _pct(
            sum(c.acknowledged_at is not None and c.acknowledged_at <= c.ack_due_at for c in calls), len(calls)
        ),
        "receivables_due": sum((v for s, v in owed.items() if s.due_date >= cutoff_day), Decimal(0)),
        "receivables_expected": sum(
            (v for s, v in owed.items() if period.start <= s.due_date < period.end), Decimal(0)
        ),
        "receivables_overdue": overdue(1),
        "receivables_overdue_30": overdue(1, 30),
        "receivables_overdue_60": overdue(31, 60),
        "receivables_overdue_over_60": overdue(61),
    }


PERIODS = {
    "running month": Period.month_of(NOW.date()),
    "closed month": Period.month_of(dt.date(2026, 10, 1)),
    "running year": Period.year_of(NOW.date()),
    # Whole October from the monthly cells, the days at both ends from the daily ones.
    "range": Period.between(dt.date(2026, 9, 20), dt.date(2026, 11, 9)),
    "range to today": Period.between(dt.date(2026, 10, 12), NOW.date()),
}


@pytest.mark.parametrize("name", PERIODS)
def test_now_dependent_figures_equal_hand_counts(around_now, name):
    period, team = PERIODS[name], around_now["team"]
    for scope, in_scope in ((Scope(), lambda team_id: True), (Scope(team_id=team.pk), lambda t: t == team.pk)):
        want = by_hand(period, NOW, in_scope)
        got = figures([METRICS[k] for k in want], {"p": period}, scope, now=NOW)
        assert {k: got[("p", k)] for k in want} == want, scope
    # Something of each kind is counted (a figure of nothing proves nothing).
    company = by_hand(PERIODS["running month"], NOW, lambda team_id: True)
    assert company["complaints_open"] and company["complaints_overdue"] and company["receivables_overdue_over_60"]
    assert company["complaints_ack_in_time"] not in (None, Decimal(100))


def test_each_teams_column_equals_its_own_figures(around_now):
    """The company's dashboard computes every team's column in the same queries: the same as the team's own."""
    period, previous = PERIODS["running month"], PERIODS["closed month"]
    keys = list(by_hand(period, NOW, lambda t: True))
    company, by_team = figures_with_teams(
        [METRICS[k] for k in keys], {"cur": period, "prev": previous}, team_tag="cur", now=NOW
    )
    assert {k: company[("cur", k)] for k in keys} == by_hand(period, NOW, lambda t: True)
    for team in (around_now["team"], around_now["other_team"]):
        want = by_hand(period, NOW, lambda t, team=team: t == team.pk)
        assert {k: by_team[team.pk][k] for k in keys} == want
