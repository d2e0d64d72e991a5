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
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.apps import apps as global_apps
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, DecimalField, Exists, ExpressionWrapper, F, OuterRef, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

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


def _contract_amount():
    return ExpressionWrapper(F("design_fee") + F("construction_amount"), output_field=DecimalField())


_PRESENT = ["present", "late"]  # MeetingAttendance.Status values counted as attending


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

# metric key -> the parts of ``Metric.aggregates``' row, each a sum of cells: (kind, "c" count | "a" amount |
# "pc" count of the days before the period's cut-off). ``Metric.finish`` then computes the figure as before.
METRIC_ROLLUPS = {
    "leads_new": {"v": [("leads_new", "c")]},
    "leads_lost": {"v": [("leads_lost", "c")]},
    "lead_conversion": {"n": [("leads_converted", "c")], "d": [("leads_new", "c")]},
    "signings": {"v": [("signings", "c")]},
    "contract_value": {"v": [("signings", "a")]},
    "money_received": {"v": [("money_received", "a")]},
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
    "calls_missed": {"v": [("calls_missed", "c")]},
    "calls_missed_called_back": {"n": [("calls_called_back", "c")], "d": [("calls_missed", "c")]},
}


def _local():
    return ZoneInfo(settings.TIME_ZONE)


def contributions(source: Source, *, apps=global_apps, filter_q: Q | None = None) -> dict:
    """``{(day, team id or 0, kind): [count, amount]}`` of ``source``'s rows (those of ``filter_q``)."""
    model = apps.get_model(source.model)
    day = TruncDate(source.day, tzinfo=_local()) if source.datetime else F(source.day)
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
            if count or amount:
                cells[(row["f_day"], row["f_team"] or 0, kind)] = [count, Decimal(amount)]
    return cells


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
    """Hook of ``teams.facts.facts_write``: the cells the rows add up to before the write."""
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


def _apply(deltas) -> None:
    """Add ``(day, team, kind, count, amount)`` to the cells: one upsert, so concurrent writers both count."""
    if not deltas:
        return
    from performance.models import DailyTeamFact

    table = DailyTeamFact._meta.db_table
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(deltas))
    params = [value for delta in sorted(deltas, key=str) for value in delta]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, team_key, kind, count, amount) VALUES {values} "  # noqa: S608 (our table)
            f"ON CONFLICT (day, team_key, kind) DO UPDATE SET count = {table}.count + excluded.count, "
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
    """Replace every cell by a recount (the backfill migration; after a bulk seed)."""
    fact = apps.get_model("performance", "DailyTeamFact")
    cells = recount_cells(apps=apps)
    with transaction.atomic():
        fact.objects.all().delete()
        fact.objects.bulk_create(
            [
                fact(day=day, team_key=team, kind=kind, count=count, amount=amount)
                for (day, team, kind), (count, amount) in cells.items()
            ],
            batch_size=2000,
        )
    return len(cells)


def rollups_recount(*, now=None):
    """Nightly: recompute the cells from the facts, repair those that drifted, record what was found.

    The recount and the repair run in one transaction holding a lock on the cells' table, so no write lands
    between them (writes wait a moment at night)."""
    from performance.models import DailyTeamFact, FactRecount

    now = now or timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {DailyTeamFact._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
        want = recount_cells()
        have = {(row.day, row.team_key, row.kind): row for row in DailyTeamFact.objects.all().iterator(chunk_size=5000)}
        drift, deltas = [], []
        for key in set(want) | set(have):
            count, amount = want.get(key, [0, ZERO])
            row = have.get(key)
            stored = (row.count, row.amount) if row else (0, ZERO)
            if (count, amount) != stored:
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
        _apply(deltas)
        DailyTeamFact.objects.filter(count=0, amount=0).delete()
        record = FactRecount.objects.create(ran_at=now, cells=len(want), drifted=len(deltas), details=drift)
    if deltas:
        logger.warning("Rollup recount repaired %s drifted cells (first: %s)", len(deltas), drift[:3])
    return record


def cell_sums(kinds, periods: dict, *, cutoffs: dict, team_ids=None):
    """``{kind: {team: {tag: {"c", "a", "pc"}}}}`` over the periods, in one grouped query."""
    from performance.models import DailyTeamFact

    start = min(p.start for p in periods.values())
    end = max(p.end for p in periods.values())
    qs = DailyTeamFact.objects.filter(day__gte=start, day__lt=end, kind__in=sorted(kinds))
    if team_ids is not None:
        qs = qs.filter(team_key__in=team_ids)
    aggregates = {}
    for tag, period in periods.items():
        full = Q(day__gte=period.start, day__lt=period.end)
        aggregates[f"{tag}__c"] = Sum("count", filter=full)
        aggregates[f"{tag}__a"] = Sum("amount", filter=full)
        aggregates[f"{tag}__pc"] = Sum("count", filter=Q(day__gte=period.start, day__lt=cutoffs[tag]))
    result = {}
    for row in qs.order_by().values("team_key", "kind").annotate(**aggregates):
        result.setdefault(row["kind"], {})[row["team_key"]] = {
            tag: {
                "c": row[f"{tag}__c"] or 0,
                # None when no cell of the period: a sum of nothing is shown as 0, not 0.00 (as ``Sum``).
                "a": row[f"{tag}__a"],
                "pc": row[f"{tag}__pc"] or 0,
            }
            for tag in periods
        }
    return result


def metric_row(metric_key: str, tag: str, sums: dict, teams=None) -> dict:
    """The ``Metric.aggregates`` row of one metric and tag, from ``cell_sums`` (teams: None for all)."""
    row = {}
    for part, terms in METRIC_ROLLUPS[metric_key].items():
        total = None
        for kind, what in terms:
            for team, by_tag in sums.get(kind, {}).items():
                if (teams is None or team in teams) and by_tag[tag][what] is not None:
                    total = (total or 0) + by_tag[tag][what]
        row[f"{tag}_{metric_key}_{part}"] = total
    return row
