"""Reconciliation: every figure equals a count written here, independently, from the raw rows."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone

from clients.models import Client, Contract, FollowUpVisit, PaymentStage, Receipt
from complaints.models import Complaint
from meetings.models import Meeting, MeetingAttendance
from performance import selectors
from performance.metrics import METRICS, Period, Scope, complaints_by_category, figures
from portal.models import ClientAction
from projects.models import ChangeOrder, DrawingTask, Inspection, Project, SchedulePhase
from reception.models import Call, PhoneCall

from .conftest import NOW, at

pytestmark = pytest.mark.django_db

OCT = Period(dt.date(2026, 10, 1), dt.date(2026, 11, 1))
OCT_START, OCT_END = at(2026, 10, 1, 0, 0), at(2026, 11, 1, 0, 0)


def in_oct(value):
    if value is None:
        return False
    if isinstance(value, dt.datetime):
        return OCT_START <= value < OCT_END
    return dt.date(2026, 10, 1) <= value < dt.date(2026, 11, 1)


def pct(hits, total):
    if not total:
        return None
    return (Decimal(hits) * 100 / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def mean(values, places="0.01"):
    values = list(values)
    if not values:
        return None
    return (sum(Decimal(v) for v in values) / len(values)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def local_date(value):
    return timezone.localtime(value).date()


def expected(scope_filter, window=(OCT_START, OCT_END)) -> dict:
    """The figures of a closed period ``window`` (October unless told) computed by hand from all
    rows, for rows passing ``scope_filter(model, row)``."""
    start, end = window

    def inside(value):
        if value is None:
            return False
        if isinstance(value, dt.datetime):
            return start <= value < end
        return start.date() <= value < end.date()

    clients = [c for c in Client.objects.all() if scope_filter("client", c)]
    contracts = [c for c in Contract.objects.all() if scope_filter("contract", c)]
    visits = [v for v in FollowUpVisit.objects.all() if scope_filter("visit", v)]
    complaints = [c for c in Complaint.objects.all() if scope_filter("complaint", c)]
    # "Complaints registered" of a person: those they registered, not those they handle.
    own_registered = [c for c in Complaint.objects.all() if scope_filter("complaint_registered", c)]
    projects = [p for p in Project.objects.all() if scope_filter("project", p)]
    drawings = [d for d in DrawingTask.objects.select_related("project") if scope_filter("drawing", d)]
    phases = [p for p in SchedulePhase.objects.select_related("project") if scope_filter("phase", p)]
    inspections = [i for i in Inspection.objects.select_related("phase__project") if scope_filter("inspection", i)]
    calls = [c for c in Call.objects.all() if scope_filter("call", c)]
    phone_calls = [p for p in PhoneCall.objects.select_related("client") if scope_filter("phone_call", p)]
    missed = [p for p in phone_calls if p.state == "missed" and inside(p.rang_at)]
    receipts = [r for r in Receipt.objects.select_related("contract") if scope_filter("receipt", r)]
    stages = [s for s in PaymentStage.objects.select_related("contract") if scope_filter("stage", s)]
    orders = [o for o in ChangeOrder.objects.select_related("contract") if scope_filter("change_order", o)]
    # A stage's money received: its receipts added up from the raw rows (not the stored total).
    got = {}
    for r in Receipt.objects.all():
        got[r.stage_id] = got.get(r.stage_id, Decimal(0)) + r.amount
    cutoff = end.date()

    def owed(s):
        return s.amount - got.get(s.pk, Decimal(0))

    receivable = [s for s in stages if s.due_date is not None and owed(s) > 0]

    def overdue_sum(low, high=None):
        return sum(
            (
                owed(s)
                for s in receivable
                if low <= (cutoff - s.due_date).days and (high is None or (cutoff - s.due_date).days <= high)
            ),
            Decimal(0),
        )

    new = [c for c in clients if inside(c.created_at)]
    due_visits = [v for v in visits if inside(v.due_date)]
    done_visits = [v for v in visits if inside(v.done_at)]
    registered = [c for c in complaints if inside(c.registered_at)]
    ack_judged = [c for c in registered if c.acknowledged_at or c.ack_due_at < end]
    res_judged = [c for c in registered if c.resolved_at or c.resolve_due_at < end]
    unresolved = [c for c in complaints if c.registered_at < end and (c.resolved_at is None or c.resolved_at >= end)]
    planned = [p for p in projects if inside(p.planned_finish)]
    due_drawings = [d for d in drawings if inside(d.deadline)]  # the period is over: every one is judged
    due_phases = [p for p in phases if inside(p.planned_finish)]
    # 一次通过率: each phase's first inspection (earliest date, then entry order), passed.
    first_of_phase = {}
    for i in sorted(Inspection.objects.all(), key=lambda i: (i.inspected_on, i.pk)):
        first_of_phase.setdefault(i.phase_id, i.pk)
    period_inspections = [i for i in inspections if inside(i.inspected_on) and first_of_phase[i.phase_id] == i.pk]
    forwarded = [c for c in calls if inside(c.forwarded_at) and c.ack_due_at is not None]
    result = {
        "leads_new": len(new),
        # Signed within 90 days (the default): a contract at most 90 days after the lead's local day.
        "lead_conversion": pct(
            sum(
                any(
                    k.client_id == c.pk and k.signed_date <= local_date(c.created_at) + dt.timedelta(days=90)
                    for k in Contract.objects.all()
                )
                for c in new
            ),
            len(new),
        ),
        "leads_lost": sum(inside(c.lost_at) for c in clients),
        "signings": sum(inside(c.signed_date) for c in contracts),
        "contract_value": sum(
            (c.design_fee + c.construction_amount for c in contracts if inside(c.signed_date)), Decimal(0)
        ),
        "followups_done": len(done_visits),
        "followups_on_time": pct(
            sum(v.done_at is not None and local_date(v.done_at) <= v.due_date for v in due_visits), len(due_visits)
        ),
        "satisfaction": mean(v.satisfaction for v in done_visits if v.satisfaction is not None),
        # 客户评分: the clients' own ratings on their page (portal/), kept apart from staff-entered satisfaction.
        "client_rating": mean(
            a.rating
            for a in ClientAction.objects.all()
            if a.rating is not None and inside(a.at) and scope_filter("client_action", a)
        ),
        "complaints_registered": sum(inside(c.registered_at) for c in own_registered),
        "complaints_major": sum(c.severity == Complaint.Severity.MAJOR for c in registered),
        "complaints_open": len(unresolved),
        "complaints_overdue": sum(c.resolve_due_at < end for c in unresolved),
        "complaints_ack_in_time": pct(
            sum(c.acknowledged_at is not None and c.acknowledged_at <= c.ack_due_at for c in ack_judged),
            len(ack_judged),
        ),
        "complaints_resolved_in_time": pct(
            sum(c.resolved_at is not None and c.resolved_at <= c.resolve_due_at for c in res_judged), len(res_judged)
        ),
        "complaints_closed": pct(
            sum(c.closed_at is not None and c.closed_at < end for c in registered), len(registered)
        ),
        "complaint_ack_minutes": mean(
            ((c.acknowledged_at - c.registered_at).total_seconds() / 60 for c in registered if c.acknowledged_at),
            "0.1",
        ),
        "complaint_resolve_hours": mean(
            ((c.resolved_at - c.registered_at).total_seconds() / 3600 for c in registered if c.resolved_at), "0.1"
        ),
        "projects_started": sum(inside(p.actual_start) for p in projects),
        "projects_completed": sum(inside(p.actual_finish) for p in projects),
        "projects_late": sum(
            (p.actual_finish is None and p.planned_finish < end.date())
            or (p.actual_finish is not None and p.actual_finish > p.planned_finish)
            for p in planned
        ),
        "drawings_on_time": pct(
            sum(d.delivered_at is not None and local_date(d.delivered_at) <= d.deadline for d in due_drawings),
            len(due_drawings),
        ),
        "phases_on_schedule": pct(
            sum(p.actual_finish is not None and p.actual_finish <= p.planned_finish for p in due_phases),
            len(due_phases),
        ),
        "inspection_pass_rate": pct(sum(i.result == "pass" for i in period_inspections), len(period_inspections)),
        "money_received": sum((r.amount for r in receipts if inside(r.received_on)), Decimal(0)),
        "receivables_due": sum((owed(s) for s in receivable if s.due_date >= cutoff), Decimal(0)),
        "receivables_expected": sum((owed(s) for s in receivable if inside(s.due_date)), Decimal(0)),
        "receivables_overdue": overdue_sum(1),
        "receivables_overdue_30": overdue_sum(1, 30),
        "receivables_overdue_60": overdue_sum(31, 60),
        "receivables_overdue_over_60": overdue_sum(61),
        "change_orders_approved": sum(
            (o.total for o in orders if o.status == "approved" and inside(o.approved_at)), Decimal(0)
        ),
        "calls_ack_in_time": pct(
            sum(c.acknowledged_at is not None and c.acknowledged_at <= c.ack_due_at for c in forwarded),
            len(forwarded),
        ),
        "calls_missed": len(missed),
        "calls_missed_called_back": pct(sum(p.handled_at is not None for p in missed), len(missed)),
    }
    return result


def company(model, row):
    return True


def team_of(team):
    def check(model, row):
        if model in ("drawing", "phase"):
            return row.project.team_id == team.pk
        if model == "inspection":
            return row.phase.project.team_id == team.pk
        if model == "call":
            return row.forward_team_id == team.pk
        if model in ("receipt", "stage", "change_order"):
            return row.contract.team_id == team.pk
        if model == "phone_call":
            return row.client is not None and row.client.team_id == team.pk
        return row.team_id == team.pk  # "complaint_registered" too

    return check


def person(user):
    paths = {
        "client": "consultant_id",
        "contract": "signed_by_id",
        "visit": "owner_id",
        "complaint": "handler_id",
        "complaint_registered": "registered_by_id",
        "project": "project_manager_id",
        "drawing": "assignee_id",
        "inspection": "inspector_id",
        "call": "logged_by_id",
        "change_order": "created_by_id",
        "phone_call": "user_id",
    }

    def check(model, row):
        if model == "client_action":
            return row.project.client.consultant_id == user.pk  # the ratings of their clients
        if model in ("receipt", "stage"):
            return row.contract.signed_by_id == user.pk
        if model == "phase":
            return row.project.project_manager_id == user.pk
        return getattr(row, paths[model]) == user.pk

    return check


def test_company_figures_equal_hand_counts(seeded):
    want = expected(company)
    got = figures([METRICS[k] for k in want], {"c": OCT}, Scope())
    assert {k: got[("c", k)] for k in want} == want
    # The data is not empty (a figure of nothing proves nothing).
    assert want["leads_new"] > 0 and want["complaints_registered"] > 0
    assert want["money_received"] and want["receivables_overdue"] and want["change_orders_approved"]
    assert want["receivables_overdue_30"] and want["receivables_due"]
    assert all(
        want[k] is not None
        for k in [
            "drawings_on_time",
            "phases_on_schedule",
            "inspection_pass_rate",
            "calls_ack_in_time",
            "followups_on_time",
            "complaints_ack_in_time",
        ]
    )


def test_team_figures_equal_hand_counts(seeded):
    team = seeded["team"]
    want = expected(team_of(team))
    got = figures([METRICS[k] for k in want], {"c": OCT}, Scope(team_id=team.pk))
    assert {k: got[("c", k)] for k in want} == want


@pytest.mark.parametrize("who", ["consultant", "pm", "assistant"])
def test_person_figures_equal_hand_counts(seeded, request, who):
    user = request.getfixturevalue(who)
    scope = Scope(person_id=user.pk)
    want = {k: v for k, v in expected(person(user)).items() if METRICS[k].applies_to(scope)}
    got = figures([METRICS[k] for k in want], {"c": OCT}, scope)
    assert {k: got[("c", k)] for k in want} == want


def test_lead_created_at_local_midnight_counts_in_its_local_month(seeded, team):
    # 2026-09-30 23:59 and 2026-11-01 00:01 Shanghai are outside October; 10-01 00:00 and 10-31 23:59 inside.
    qs = METRICS["leads_new"].queryset(OCT, Scope())
    created = {timezone.localtime(c.created_at).strftime("%m-%d %H:%M") for c in qs}
    assert {"10-01 00:00", "10-31 23:59"} <= created
    assert not {"09-30 23:59", "11-01 00:01"} & created


def test_meeting_figures_equal_hand_counts(seeded, team):
    held = [m for m in Meeting.objects.filter(team=team) if m.held and in_oct(m.date)]
    rows = [a for a in MeetingAttendance.objects.select_related("meeting") if a.meeting in held]
    present = sum(a.status in ("present", "late") for a in rows)
    got = figures([METRICS["meetings_held"], METRICS["meeting_attendance"]], {"c": OCT}, Scope(team_id=team.pk))
    assert got[("c", "meetings_held")] == len(held) == 3
    assert got[("c", "meeting_attendance")] == pct(present, len(rows))


def test_queryset_lists_exactly_the_records_counted(seeded):
    for key in ["leads_new", "signings", "complaints_overdue", "followups_on_time", "projects_late"]:
        metric = METRICS[key]
        qs = metric.queryset(OCT, Scope())
        if metric.kind == "ratio":
            hits = sum(1 for row in qs if row.metric_hit)
            assert metric.value(OCT, Scope()) == pct(hits, qs.count())
        else:
            assert metric.value(OCT, Scope()) == qs.count()


def test_complaints_by_category_adds_up_to_registered(seeded):
    counts = complaints_by_category(OCT, Scope())
    by_hand = {}
    for c in Complaint.objects.all():
        if in_oct(c.registered_at):
            by_hand[c.category] = by_hand.get(c.category, 0) + 1
    assert {k: v for k, v in counts.items() if v} == by_hand
    assert sum(counts.values()) == METRICS["complaints_registered"].value(OCT)


def test_overdue_now_in_the_running_month_uses_now_as_cutoff(frozen, team, consultant):
    from tests.complaints.factories import ComplaintFactory

    late = ComplaintFactory(team=team, client__team=team, registered_at=NOW - dt.timedelta(days=4))
    ComplaintFactory(team=team, client__team=team, registered_at=NOW - dt.timedelta(hours=5))  # due in 3 days
    nov = Period.month_of(NOW.date())
    assert list(METRICS["complaints_overdue"].queryset(nov, Scope(team_id=team.pk))) == [late]


def test_dashboard_figures_equal_hand_counts(seeded, team, django_assert_max_num_queries):
    want = expected(company)
    # Issue 14: at most 10 computed (the counted figures from the daily rollups, one query).
    with django_assert_max_num_queries(10):
        data = selectors.dashboard_data(period=OCT, scope=Scope(), money=True)
    shown = {row["key"]: row["current"] for section in data["sections"] for row in section["rows"]}
    for key, value in want.items():
        if key in shown:
            assert shown[key] == (str(value) if isinstance(value, Decimal) else value), key
    team_column = next(t for t in data["teams"] if t["id"] == team.pk)["values"]
    team_want = expected(team_of(team))
    for key in ["leads_new", "signings", "complaints_overdue", "complaints_ack_in_time"]:
        value = team_want[key]
        assert team_column[key] == (str(value) if isinstance(value, Decimal) else value), key


def test_dashboard_query_count_does_not_grow_with_data(seeded, django_assert_max_num_queries):
    from tests.complaints.factories import ComplaintFactory

    with django_assert_max_num_queries(10) as small:
        selectors.dashboard_data(period=OCT, scope=Scope(), money=True)
    ComplaintFactory.create_batch(30, registered_at=at(2026, 10, 5))
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(len(small.captured_queries)):
        selectors.dashboard_data(period=OCT, scope=Scope(), money=True)


def test_report_figures_equal_hand_counts(seeded, team):
    data = selectors.report_data(team=team, period=OCT)
    team_want, company_want = expected(team_of(team)), expected(company)
    for key, value in team_want.items():
        if key in data["team_figures"]:
            assert data["team_figures"][key] == (
                None if value is None else str(value) if isinstance(value, Decimal) else value
            ), key
            company_value = company_want[key]
            assert data["company_figures"][key] == (
                None
                if company_value is None
                else str(company_value)
                if isinstance(company_value, Decimal)
                else company_value
            ), key
