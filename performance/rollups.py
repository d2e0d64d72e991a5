"""Daily per-team rollups of the counted facts (``DailyTeamFact``), kept exact at every write.

Each ``Source`` says which rows of one model count, on which day (a date field, or the local date of a
datetime) and for which team, and what each kind of cell holds: a number of rows (``count``) and, for money or
scores, their ``amount``. A metric with an entry in ``METRIC_ROLLUPS`` reads its figure from these cells
(``performance.metrics.base.figures``) instead of scanning its model.

Writes go through ``teams.facts.facts_write``: the contributions of the written rows are read before and after
and the difference is added to the cells in the same transaction (``_apply``). ``rollups_recount`` recomputes
every cell from the facts, repairs what differs and records it (``FactRecount``), nightly.

A ratio whose denominator depends on "now" (visits due: done, or already past due) keeps the not-yet-done rows
in an ``*_open`` kind by due day: the figure adds the open rows of the days before the period's cut-off.

A figure that is a state on the cut-off day rather than a count of a period (receivables: the stages due and not
paid, by pay-by day) sums its cells over a window of days around the cut-off (``WHATS``: before it, from it on,
30 / 60 days before it). A part that depends on "now" to the minute (a complaint not acknowledged yet counts once
its deadline has passed; one closed after the period's cut-off was not closed then) cannot live in day cells: it
is counted from the raw rows, which are few (``ROLLUP_RESIDUALS``: the open complaints, through their indexes), in
the query of the figures that are not rolled up.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from operator import or_
from zoneinfo import ZoneInfo

from django.apps import apps as global_apps
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, DecimalField, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, Sum
from django.db.models.functions import Greatest, TruncDate
from django.utils import timezone

from complaints.models import Complaint

logger = logging.getLogger(__name__)

ZERO = Decimal(0)


@dataclass(frozen=True)
class Source:
    model: str  # app_label.Model
    day: str  # the field giving the fact's day
    team: str  # the path to its team
    kinds: dict  # kind -> (condition Q or None, amount expression factory or None)
    where: Q = field(default_factory=Q)
    datetime: bool = False
    # Other models whose writes change these rows' cells: model -> the lookup from this model to that model's pk.
    tracked_by: dict = field(default_factory=dict)
    # Only the phase's first inspection counts (a condition built when counted: it names the model).
    first_of_phase: bool = False
    # The fact's day as an expression of several fields (the latest of them), instead of ``day`` itself.
    day_expr: Callable[[], object] | None = None


def _contract_amount():
    return ExpressionWrapper(F("design_fee") + F("construction_amount"), output_field=DecimalField())


def _outstanding():
    return ExpressionWrapper(F("amount") - F("received"), output_field=DecimalField())


def _duration(end):
    """From registration to ``end``: summed as a duration, stored in microseconds (exact)."""
    return lambda: ExpressionWrapper(F(end) - F("registered_at"), output_field=DurationField())


_PRESENT = ["present", "late"]  # MeetingAttendance.Status values counted as attending
# The split by category (performance/metrics/complaints.py ``complaints_by_category``).
COMPLAINT_CATEGORIES = Complaint.Category.values


def _converted():
    from performance.metrics.clients import _signed_within_days

    return _signed_within_days(None, None)


SOURCES = [
    # A lead counts on the day it was created; "converted" if signed within N days (the cohort of
    # performance/metrics/clients.py): the contract services also wrap their writes in
    # ``facts_write(Client, client.pk)``. After changing PERFORMANCE_LEAD_CONVERSION_DAYS, run
    # ``manage.py recount_rollups``.
    Source(
        "clients.Client",
        "created_at",
        "team",
        {"leads_new": (None, None), "leads_converted": (_converted, None)},
        datetime=True,
    ),
    Source("clients.Client", "lost_at", "team", {"leads_lost": (None, None)}, datetime=True),
    Source("clients.Contract", "signed_date", "team", {"signings": (None, _contract_amount)}),
    Source("clients.Receipt", "received_on", "contract__team", {"money_received": (None, lambda: F("amount"))}),
    # A receivable (performance/metrics/money.py): a stage due (it has a pay-by day) and not fully paid, its
    # outstanding money on its pay-by day. The receipt, stage and change-order services write through
    # ``facts_write(PaymentStage, …)``; a stage's team is its contract's.
    Source(
        "clients.PaymentStage",
        "due_date",
        "contract__team",
        {"receivables_open": (None, _outstanding)},
        where=Q(received__lt=F("amount")),
        tracked_by={"clients.Contract": "contract_id"},
    ),
    Source(
        "projects.ChangeOrder",
        "approved_at",
        "contract__team",
        {"change_orders_approved": (None, lambda: F("total"))},
        where=Q(status="approved"),
        datetime=True,
    ),
    Source("projects.Project", "actual_start", "team", {"projects_started": (None, None)}),
    Source("projects.Project", "actual_finish", "team", {"projects_completed": (None, None)}),
    Source(
        "projects.Project",
        "planned_finish",
        "team",
        {
            "projects_late_finished": (Q(actual_finish__gt=F("planned_finish")), None),
            "projects_open": (Q(actual_finish__isnull=True), None),
        },
    ),
    Source(
        "projects.DrawingTask",
        "deadline",
        "project__team",
        {
            "drawings_delivered": (Q(delivered_at__isnull=False), None),
            "drawings_open": (Q(delivered_at__isnull=True), None),
            "drawings_on_time": (Q(delivered_at__date__lte=F("deadline")), None),
        },
        tracked_by={"projects.Project": "project_id"},
    ),
    Source(
        "projects.SchedulePhase",
        "planned_finish",
        "project__team",
        {
            "phases_finished": (Q(actual_finish__isnull=False), None),
            "phases_open": (Q(actual_finish__isnull=True), None),
            "phases_on_time": (Q(actual_finish__lte=F("planned_finish")), None),
        },
        tracked_by={"projects.Project": "project_id"},
    ),
    # A phase's first inspection (performance/metrics/projects.py); an inspection recorded changes which is
    # first, so the inspection services write through ``facts_write(SchedulePhase, phase.pk)``.
    Source(
        "projects.Inspection",
        "inspected_on",
        "phase__project__team",
        {"inspections_first": (None, None), "inspections_first_pass": (Q(result="pass"), None)},
        tracked_by={"projects.SchedulePhase": "phase_id"},
        first_of_phase=True,
    ),
    Source(
        "clients.FollowUpVisit",
        "due_date",
        "team",
        {
            "visits_due_done": (Q(done_at__isnull=False), None),
            "visits_due_open": (Q(done_at__isnull=True), None),
            "visits_due_on_time": (Q(done_at__date__lte=F("due_date")), None),
        },
    ),
    Source(
        "clients.FollowUpVisit",
        "done_at",
        "team",
        {"visits_done": (None, None), "visit_satisfaction": (Q(satisfaction__isnull=False), lambda: F("satisfaction"))},
        datetime=True,
    ),
    Source("meetings.Meeting", "date", "team", {"meetings_held": (None, None)}, where=Q(held=True)),
    Source(
        "meetings.MeetingAttendance",
        "meeting__date",
        "meeting__team",
        {"attendance": (None, None), "attendance_present": (Q(status__in=_PRESENT), None)},
        where=Q(meeting__held=True),
        tracked_by={"meetings.Meeting": "meeting_id"},
    ),
    Source("meetings.ActionItem", "done_at", "meeting__team", {"action_items_closed": (None, None)}, datetime=True),
    # Complaints by the local day they were registered (performance/metrics/complaints.py); a duplicate merged
    # into its original counts nowhere. What is still open (not acknowledged, not resolved) is counted from the
    # raw rows (``ROLLUP_RESIDUALS``); the complaint services write through ``facts_write(Complaint, …)``.
    Source(
        "complaints.Complaint",
        "registered_at",
        "team",
        {
            "complaints_registered": (None, None),
            "complaints_major": (Q(severity="major"), None),
            "complaints_acked": (Q(ack_due_at__isnull=False, acknowledged_at__isnull=False), None),
            "complaints_acked_in_time": (Q(acknowledged_at__lte=F("ack_due_at")), None),
            "complaints_resolved": (Q(resolve_due_at__isnull=False, resolved_at__isnull=False), None),
            "complaints_resolved_in_time": (Q(resolved_at__lte=F("resolve_due_at")), None),
            "complaints_closed": (Q(closed_at__isnull=False), None),
            "complaint_ack_time": (Q(acknowledged_at__isnull=False), _duration("acknowledged_at")),
            "complaint_resolve_time": (Q(resolved_at__isnull=False), _duration("resolved_at")),
            **{f"complaints_category_{value}": (Q(category=value), None) for value in COMPLAINT_CATEGORIES},
        },
        where=Q(merged_into__isnull=True),
        datetime=True,
    ),
    # Calls the front desk forwarded, by the local day forwarded (performance/metrics/reception.py); one not
    # acknowledged yet is counted from the raw rows (``ROLLUP_RESIDUALS``).
    Source(
        "reception.Call",
        "forwarded_at",
        "forward_team",
        {
            "calls_forwarded_acked": (Q(ack_due_at__isnull=False, acknowledged_at__isnull=False), None),
            "calls_acked_in_time": (Q(acknowledged_at__lte=F("ack_due_at")), None),
        },
        datetime=True,
    ),
    # Complaints open or overdue at a cut-off (performance/metrics/complaints.py) are those registered (and past
    # their deadline) before it less those of them resolved before it: a complaint counts on the day of the latest
    # of those times, so the days before a cut-off add up to what was open then (``WHATS`` "c<"); the cut-off's
    # own day, up to the minute, is counted from the raw rows (``ROLLUP_RESIDUALS``).
    Source(
        "complaints.Complaint",
        "registered_at",
        "team",
        {"complaints_resolved_by": (None, None)},
        where=Q(merged_into__isnull=True, resolved_at__isnull=False),
        datetime=True,
        day_expr=lambda: Greatest("registered_at", "resolved_at"),
    ),
    Source(
        "complaints.Complaint",
        "registered_at",
        "team",
        {"complaints_due_by": (None, None)},
        where=Q(merged_into__isnull=True, resolve_due_at__isnull=False),
        datetime=True,
        day_expr=lambda: Greatest("registered_at", "resolve_due_at"),
    ),
    Source(
        "complaints.Complaint",
        "registered_at",
        "team",
        {"complaints_due_resolved_by": (None, None)},
        where=Q(merged_into__isnull=True, resolve_due_at__isnull=False, resolved_at__isnull=False),
        datetime=True,
        day_expr=lambda: Greatest("registered_at", "resolve_due_at", "resolved_at"),
    ),
    Source(
        "reception.PhoneCall",
        "rang_at",
        "client__team",
        {"calls_missed": (None, None), "calls_called_back": (Q(handled_at__isnull=False), None)},
        where=Q(state="missed"),
        datetime=True,
    ),
]
KINDS = [kind for source in SOURCES for kind in source.kinds]

# What a term of ``METRIC_ROLLUPS`` sums: (column, window), the window giving the days ``[first, last)`` it covers
# from the period and its cut-off day (None: no bound). "us" is an amount of microseconds, read as a duration.
WHATS = {
    "c": ("count", lambda p, cutoff: (p.start, p.end)),
    "a": ("amount", lambda p, cutoff: (p.start, p.end)),
    "us": ("amount", lambda p, cutoff: (p.start, p.end)),
    # The days of the period before its cut-off: the open rows already past due.
    "pc": ("count", lambda p, cutoff: (p.start, cutoff)),
    # Every day before the cut-off: what was open then (complaints).
    "c<": ("count", lambda p, cutoff: (None, cutoff)),
    # Receivables by pay-by day (performance/metrics/money.py): overdue is before the cut-off day, not yet
    # overdue from it on; the ageing columns 1–30, 31–60 and more than 60 days before it.
    "a<": ("amount", lambda p, cutoff: (None, cutoff)),
    "a>=": ("amount", lambda p, cutoff: (cutoff, None)),
    "a-30": ("amount", lambda p, cutoff: (cutoff - dt.timedelta(days=30), cutoff)),
    "a-60": ("amount", lambda p, cutoff: (cutoff - dt.timedelta(days=60), cutoff - dt.timedelta(days=30))),
    "a-61+": ("amount", lambda p, cutoff: (None, cutoff - dt.timedelta(days=60))),
}

# metric key -> the parts of ``Metric.aggregates``' row, each a sum of cells: (kind, what: a key of ``WHATS``),
# or (kind, what, -1) for cells subtracted. ``Metric.finish`` then computes the figure as before.
METRIC_ROLLUPS = {
    "leads_new": {"v": [("leads_new", "c")]},
    "leads_lost": {"v": [("leads_lost", "c")]},
    "lead_conversion": {"n": [("leads_converted", "c")], "d": [("leads_new", "c")]},
    "signings": {"v": [("signings", "c")]},
    "contract_value": {"v": [("signings", "a")]},
    "money_received": {"v": [("money_received", "a")]},
    "receivables_due": {"v": [("receivables_open", "a>=")]},
    "receivables_expected": {"v": [("receivables_open", "a")]},
    "receivables_overdue": {"v": [("receivables_open", "a<")]},
    "receivables_overdue_30": {"v": [("receivables_open", "a-30")]},
    "receivables_overdue_60": {"v": [("receivables_open", "a-60")]},
    "receivables_overdue_over_60": {"v": [("receivables_open", "a-61+")]},
    "change_orders_approved": {"v": [("change_orders_approved", "a")]},
    "projects_started": {"v": [("projects_started", "c")]},
    "projects_completed": {"v": [("projects_completed", "c")]},
    "projects_late": {"v": [("projects_late_finished", "c"), ("projects_open", "pc")]},
    "drawings_on_time": {
        "n": [("drawings_on_time", "c")],
        "d": [("drawings_delivered", "c"), ("drawings_open", "pc")],
    },
    "phases_on_schedule": {"n": [("phases_on_time", "c")], "d": [("phases_finished", "c"), ("phases_open", "pc")]},
    "followups_done": {"v": [("visits_done", "c")]},
    "followups_on_time": {
        "n": [("visits_due_on_time", "c")],
        "d": [("visits_due_done", "c"), ("visits_due_open", "pc")],
    },
    "satisfaction": {"s": [("visit_satisfaction", "a")], "c": [("visit_satisfaction", "c")]},
    "inspection_pass_rate": {"n": [("inspections_first_pass", "c")], "d": [("inspections_first", "c")]},
    "meetings_held": {"v": [("meetings_held", "c")]},
    "meeting_attendance": {"n": [("attendance_present", "c")], "d": [("attendance", "c")]},
    "action_items_closed": {"v": [("action_items_closed", "c")]},
    "calls_ack_in_time": {"n": [("calls_acked_in_time", "c")], "d": [("calls_forwarded_acked", "c")]},
    "calls_missed": {"v": [("calls_missed", "c")]},
    "calls_missed_called_back": {"n": [("calls_called_back", "c")], "d": [("calls_missed", "c")]},
    "complaints_registered": {"v": [("complaints_registered", "c")]},
    "complaints_open": {"v": [("complaints_registered", "c<"), ("complaints_resolved_by", "c<", -1)]},
    "complaints_overdue": {"v": [("complaints_due_by", "c<"), ("complaints_due_resolved_by", "c<", -1)]},
    "complaints_major": {"v": [("complaints_major", "c")]},
    "complaints_ack_in_time": {"n": [("complaints_acked_in_time", "c")], "d": [("complaints_acked", "c")]},
    "complaints_resolved_in_time": {
        "n": [("complaints_resolved_in_time", "c")],
        "d": [("complaints_resolved", "c")],
    },
    "complaints_closed": {"n": [("complaints_closed", "c")], "d": [("complaints_registered", "c")]},
    "complaint_ack_minutes": {"s": [("complaint_ack_time", "us")], "c": [("complaint_ack_time", "c")]},
    "complaint_resolve_hours": {"s": [("complaint_resolve_time", "us")], "c": [("complaint_resolve_time", "c")]},
}


@dataclass(frozen=True)
class Raw:
    """A part of a rolled figure counted from the raw rows and added to its cells with ``sign``: the rows of
    ``condition(period, now)``, ANDed with the metric's own ``in_period`` unless ``alone`` (then it says
    everything). ``running``: it counts nothing once the period is over (its cut-off is then its end, a midnight),
    so it is not even asked for."""

    sign: int
    condition: Callable
    alone: bool = False
    running: bool = False


def _cutoff_day(p, now):
    """``(the local midnight starting the cut-off's day, the cut-off)``: the raw rows' window of a running period."""
    start = timezone.make_aware(dt.datetime.combine(p.cutoff_date(now), dt.time.min), _local())
    return start, p.cutoff(now)


def _open_today(p, now, *, due: bool, resolved: bool) -> Q:
    """The complaints whose latest time counted by ``complaints_open`` (``due``: ``complaints_overdue``) falls on
    the cut-off's day before the cut-off: registered (and past the deadline), or (``resolved``) also resolved."""
    start, cutoff = _cutoff_day(p, now)
    fields = ["registered_at", "resolve_due_at"] if due else ["registered_at"]
    if resolved:
        fields.append("resolved_at")
    before = Q(merged_into__isnull=True, **{f"{name}__lt": cutoff for name in fields})
    return before & reduce(or_, [Q(**{f"{name}__gte": start}) for name in fields])


# metric key -> part -> the ``Raw`` parts. Each reads few rows, on an index: the complaints and forwarded calls not
# acknowledged yet, the complaints not resolved yet (whether one counts depends on its deadline and "now"), those
# closed at or after the cut-off (counted closed in the cells, not closed at the cut-off), and what happened on the
# running period's cut-off day before the cut-off.
ROLLUP_RESIDUALS = {
    "complaints_ack_in_time": {"d": [Raw(1, lambda p, now: Q(acknowledged_at__isnull=True))]},
    "complaints_resolved_in_time": {"d": [Raw(1, lambda p, now: Q(resolved_at__isnull=True))]},
    "complaints_closed": {"n": [Raw(-1, lambda p, now: Q(closed_at__gte=p.cutoff(now)))]},
    "complaints_open": {
        "v": [
            Raw(1, lambda p, now: _open_today(p, now, due=False, resolved=False), alone=True, running=True),
            Raw(-1, lambda p, now: _open_today(p, now, due=False, resolved=True), alone=True, running=True),
        ]
    },
    "complaints_overdue": {
        "v": [
            Raw(1, lambda p, now: _open_today(p, now, due=True, resolved=False), alone=True, running=True),
            Raw(-1, lambda p, now: _open_today(p, now, due=True, resolved=True), alone=True, running=True),
        ]
    },
    "calls_ack_in_time": {"d": [Raw(1, lambda p, now: Q(acknowledged_at__isnull=True))]},
}


def _local():
    return ZoneInfo(settings.TIME_ZONE)


def contributions(source: Source, *, apps=global_apps, filter_q: Q | None = None) -> dict:
    """``{(day, team id or 0, kind): [count, amount]}`` of ``source``'s rows (those of ``filter_q``)."""
    model = apps.get_model(source.model)
    day = source.day_expr() if source.day_expr is not None else F(source.day)
    day = TruncDate(day, tzinfo=_local()) if source.datetime else day
    qs = model._base_manager.filter(source.where, **{f"{source.day}__isnull": False})
    if source.first_of_phase:
        earlier = model._base_manager.filter(phase=OuterRef("phase")).filter(
            Q(inspected_on__lt=OuterRef("inspected_on"))
            | Q(inspected_on=OuterRef("inspected_on"), pk__lt=OuterRef("pk"))
        )
        qs = qs.filter(~Exists(earlier))
    if filter_q is not None:
        qs = qs.filter(filter_q)
    aggregates = {}
    for kind, (condition, amount) in source.kinds.items():
        condition = condition() if callable(condition) else condition
        aggregates[f"{kind}__c"] = Count("pk", filter=condition) if condition is not None else Count("pk")
        if amount is not None:
            aggregates[f"{kind}__a"] = Sum(amount(), filter=condition) if condition is not None else Sum(amount())
    rows = qs.annotate(f_day=day, f_team=F(source.team)).order_by().values("f_day", "f_team").annotate(**aggregates)
    cells = {}
    for row in rows:
        for kind in source.kinds:
            count, amount = row[f"{kind}__c"], row.get(f"{kind}__a") or ZERO
            if isinstance(amount, dt.timedelta):
                amount = _microseconds(amount)
            if count or amount:
                cells[(row["f_day"], row["f_team"] or 0, kind)] = [count, Decimal(amount)]
    return cells


def _microseconds(value: dt.timedelta) -> Decimal:
    return Decimal((value.days * 86400 + value.seconds) * 1_000_000 + value.microseconds)


def _sources_of(model) -> list[tuple[Source, str]]:
    label = model._meta.label
    found = []
    for source in SOURCES:
        if source.model == label:
            found.append((source, "pk"))
        elif label in source.tracked_by:
            found.append((source, source.tracked_by[label]))
    return found


def _rows_cells(model, pks) -> dict:
    cells = defaultdict(lambda: [0, ZERO])
    if not pks:
        return cells
    for source, lookup in _sources_of(model):
        for key, (count, amount) in contributions(source, filter_q=Q(**{f"{lookup}__in": list(pks)})).items():
            cells[key][0] += count
            cells[key][1] += amount
    return cells


def facts_before(*, model, pks) -> dict:
    """Hook of ``teams.facts.facts_write``: the cells the rows add up to before the write.

    The rows are locked first (in the write's transaction), so a concurrent write of the same rows waits for
    this one to commit and reads this one's "after" as its "before": two writers never both count the change."""
    if pks and connection.features.has_select_for_update:
        list(model._base_manager.select_for_update().filter(pk__in=sorted(pks)).order_by("pk").values_list("pk"))
    return _rows_cells(model, pks)


def facts_after(*, model, pks, before) -> None:
    """Hook of ``teams.facts.facts_write``: add (after − before) to the cells, in the write's transaction."""
    after = _rows_cells(model, pks)
    deltas = []
    for key in set(before) | set(after):
        count = after.get(key, [0, ZERO])[0] - before.get(key, [0, ZERO])[0]
        amount = after.get(key, [0, ZERO])[1] - before.get(key, [0, ZERO])[1]
        if count or amount:
            deltas.append((*key, count, amount))
    _apply(deltas)


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _by_month(cells) -> dict:
    """Daily ``{(day, team, kind): [count, amount]}`` added up by calendar month."""
    months = defaultdict(lambda: [0, ZERO])
    for (day, team, kind), (count, amount) in cells.items():
        cell = months[(_month(day), team, kind)]
        cell[0] += count
        cell[1] += amount
    return {key: value for key, value in months.items() if value[0] or value[1]}


def _apply(deltas, *, daily=True, monthly=True) -> None:
    """Add ``(day, team, kind, count, amount)`` to the daily cells and to their months' cells: one upsert each, so
    concurrent writers both count. The nightly repair adds each grain's own differences (``daily``/``monthly``)."""
    if not deltas:
        return
    from performance.models import DailyTeamFact, MonthlyTeamFact

    if daily:
        _upsert(DailyTeamFact._meta.db_table, "day", deltas)
    if monthly:
        months = _by_month({(day, team, kind): [count, amount] for day, team, kind, count, amount in deltas})
        _upsert(MonthlyTeamFact._meta.db_table, "month", [(*key, *value) for key, value in months.items()])


def _upsert(table: str, day_column: str, deltas) -> None:
    if not deltas:
        return
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(deltas))
    params = [value for delta in sorted(deltas, key=str) for value in delta]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({day_column}, team_key, kind, count, amount) VALUES {values} "  # noqa: S608 (ours)
            f"ON CONFLICT ({day_column}, team_key, kind) DO UPDATE SET count = {table}.count + excluded.count, "
            f"amount = {table}.amount + excluded.amount",
            params,
        )


def recount_cells(*, apps=global_apps) -> dict:
    """Every cell as the facts give it now."""
    cells = {}
    for source in SOURCES:
        for key, value in contributions(source, apps=apps).items():
            cell = cells.setdefault(key, [0, ZERO])
            cell[0] += value[0]
            cell[1] += value[1]
    return cells


def rollups_rebuild(*, apps=global_apps) -> int:
    """Replace every cell, daily and monthly, by a recount (the backfill migration; after a bulk seed)."""
    fact = apps.get_model("performance", "DailyTeamFact")
    month_fact = apps.get_model("performance", "MonthlyTeamFact")
    cells = recount_cells(apps=apps)
    with transaction.atomic():
        fact.objects.all().delete()
        month_fact.objects.all().delete()
        fact.objects.bulk_create(
            [
                fact(day=day, team_key=team, kind=kind, count=count, amount=amount)
                for (day, team, kind), (count, amount) in cells.items()
            ],
            batch_size=2000,
        )
        month_fact.objects.bulk_create(
            [
                month_fact(month=month, team_key=team, kind=kind, count=count, amount=amount)
                for (month, team, kind), (count, amount) in _by_month(cells).items()
            ],
            batch_size=2000,
        )
    return len(cells)


def _drift(want: dict, have: dict, drift: list) -> list:
    """The deltas that turn ``have`` (``{key: (count, amount)}``) into ``want``; the first ones noted in ``drift``."""
    deltas = []
    for key in set(want) | set(have):
        count, amount = want.get(key, [0, ZERO])
        stored = have.get(key, (0, ZERO))
        if (count, amount) != tuple(stored):
            deltas.append((*key, count - stored[0], amount - stored[1]))
            if len(drift) < 50:
                drift.append(
                    {
                        "day": key[0].isoformat(),
                        "team": key[1],
                        "kind": key[2],
                        "stored": [stored[0], str(stored[1])],
                        "counted": [count, str(amount)],
                    }
                )
    return deltas


def rollups_recount(*, now=None):
    """Nightly: recompute the cells from the facts, repair those that drifted, record what was found.

    The recount and the repair run in one transaction holding a lock on the cells' tables, so no write lands
    between them (writes wait a moment at night). The monthly cells are checked against the daily ones recounted;
    ``drifted`` counts the cells of both grains repaired."""
    from performance.models import DailyTeamFact, FactRecount, MonthlyTeamFact

    now = now or timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in (DailyTeamFact, MonthlyTeamFact):
                    cursor.execute(f"LOCK TABLE {model._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
        want = recount_cells()
        have = {
            (row.day, row.team_key, row.kind): (row.count, row.amount)
            for row in DailyTeamFact.objects.all().iterator(chunk_size=5000)
        }
        have_months = {
            (row.month, row.team_key, row.kind): (row.count, row.amount)
            for row in MonthlyTeamFact.objects.all().iterator(chunk_size=5000)
        }
        drift = []
        deltas = _drift(want, have, drift)
        month_deltas = _drift(_by_month(want), have_months, drift)
        _apply(deltas, monthly=False)
        _apply(month_deltas, daily=False)
        DailyTeamFact.objects.filter(count=0, amount=0).delete()
        MonthlyTeamFact.objects.filter(count=0, amount=0).delete()
        drifted = len(deltas) + len(month_deltas)
        record = FactRecount.objects.create(ran_at=now, cells=len(want), drifted=drifted, details=drift)
    if drifted:
        logger.warning("Rollup recount repaired %s drifted cells (first: %s)", drifted, drift[:3])
    return record


def _split(first, last):
    """A window of days ``[first, last)`` (None: no bound) as the whole months inside it, read from the monthly
    cells, and the days at its edges, read from the daily cells: ``(months, days)``, each a list of windows."""
    low = first if first is None or first.day == 1 else _next_month(first)
    high = last if last is None else _month(last)
    if low is not None and high is not None and low >= high:
        return [], [(first, last)]
    days = []
    if first is not None and first < low:
        days.append((first, low))
    if last is not None and high < last:
        days.append((high, last))
    return [(low, high)], days


def cell_sums(wanted: dict, periods: dict, *, cutoffs: dict, team_ids=None):
    """``{kind: {team: {tag: {what: sum}}}}`` of the terms ``wanted[tag]`` (``(kind, what)``), in one query.

    Each window reads the monthly cells of the whole months inside it and the daily cells of the days at its
    edges (a year of a kind: 12 rows per team, not 365); each kind only over the windows of its terms (the trend
    months read the kinds of the trend lines only). A count of no cell is 0; an amount of no cell None (a sum of
    nothing is shown as 0, not 0.00, as ``Sum``)."""
    from performance.models import DailyTeamFact, MonthlyTeamFact

    windows = {}  # (tag, what) -> (whole months, edge days)
    reads = defaultdict(lambda: {"m": set(), "d": set()})  # kind -> the windows it is read over, per grain
    for tag, terms in wanted.items():
        for kind, what in sorted(terms):
            split = windows.setdefault((tag, what), _split(*WHATS[what][1](periods[tag], cutoffs[tag])))
            reads[kind]["m"].update(split[0])
            reads[kind]["d"].update(split[1])
    # One SELECT per grain: the rows of each kind over its windows, the team's (or teams') only.
    selects, select_params = [], []
    for grain, model, column in (("m", MonthlyTeamFact, "month"), ("d", DailyTeamFact, "day")):
        kinds_of = defaultdict(list)
        for kind, grains in sorted(reads.items()):
            if grains[grain]:
                kinds_of[tuple(sorted(grains[grain], key=str))].append(kind)
        arms = []
        for spans, kinds in kinds_of.items():
            days, params = _sql_spans(column, spans)
            arms.append(f"(kind IN ({', '.join(['%s'] * len(kinds))}) AND ({days}))")
            select_params += [*kinds, *params]
        if not arms:
            continue
        teams = ""
        if team_ids is not None:
            teams = f" AND team_key IN ({', '.join(['%s'] * len(team_ids))})" if team_ids else " AND 1 = 0"
            select_params += list(team_ids)
        selects.append(
            f"SELECT '{grain}' AS grain, team_key, kind, {column} AS day, count, amount "  # noqa: S608 (our tables)
            f"FROM {model._meta.db_table} WHERE ({' OR '.join(arms)}){teams}"
        )
    if not selects:
        return {}
    # One sum per period tag and what, over the months and edge days of its window.
    names, columns, column_params = [], [], []
    for (tag, what), (months, days) in windows.items():
        conditions = []
        for grain, spans in (("m", months), ("d", days)):
            if spans:
                sql, params = _sql_spans("day", spans)
                conditions.append(f"(grain = '{grain}' AND ({sql}))")
                column_params += params
        columns.append(f"SUM({WHATS[what][0]}) FILTER (WHERE {' OR '.join(conditions) or '1 = 0'})")
        names.append((tag, what))
    sql = (
        f"SELECT team_key, kind, {', '.join(columns)} "  # noqa: S608 (built here from our names)
        f"FROM ({' UNION ALL '.join(selects)}) AS cells GROUP BY team_key, kind"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*column_params, *select_params])
        rows = cursor.fetchall()
    # Each kind keeps the sums of its own terms only.
    index = {name: i for i, name in enumerate(names)}
    needs = defaultdict(list)
    for tag, terms in wanted.items():
        for kind, what in terms:
            needs[kind].append((index[(tag, what)], tag, what, WHATS[what][0] == "count"))
    result = defaultdict(dict)
    for team, kind, *values in rows:
        by_tag = {tag: {} for tag in wanted}
        for i, tag, what, is_count in needs[kind]:
            value = values[i]
            by_tag[tag][what] = (value or 0) if is_count else _decimal(value)
        result[kind][team] = by_tag
    return dict(result)


def _sql_spans(column: str, spans) -> tuple[str, list]:
    """``column`` in any of the ``[first, last)`` spans (None: no bound), as SQL and its parameters."""
    arms, params = [], []
    for first, last in spans:
        bounds = []
        if first is not None:
            bounds.append(f"{column} >= %s")
            params.append(first)
        if last is not None:
            bounds.append(f"{column} < %s")
            params.append(last)
        arms.append(f"({' AND '.join(bounds) or '1 = 1'})")
    return " OR ".join(arms), params


def _decimal(value):
    """An amount summed by the database: exact on PostgreSQL; SQLite sums its decimals as floats (to the fen)."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value)).quantize(Decimal("0.01"))
    return Decimal(value)


def metric_row(metric_key: str, tag: str, sums: dict, teams=None) -> dict:
    """The ``Metric.aggregates`` row of one metric and tag, from ``cell_sums`` (teams: None for all)."""
    row = {}
    for part, terms in METRIC_ROLLUPS[metric_key].items():
        total = None
        for kind, what, *sign in terms:
            by_team = sums.get(kind, {})
            for team in by_team if teams is None else teams:
                value = by_team[team][tag].get(what) if team in by_team else None
                if value is not None:
                    total = (total or 0) + value * (sign[0] if sign else 1)
        if total is not None and any(term[1] == "us" for term in terms):
            total = dt.timedelta(microseconds=int(total))
        row[f"{tag}_{metric_key}_{part}"] = total
    return row
