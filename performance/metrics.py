"""Every figure of target cards, dashboards and the monthly report: one place.

A metric is one documented definition over one model: which records it counts
for a period (``in_period``), how they are scoped to a team or a person
(``team_path`` / ``person_path``), and what it computes from them (a count, a
sum, an average, or the share of the records meeting ``hit``). From that one
definition come:

- ``metric.value(period, scope)`` — the number;
- ``metric.queryset(period, scope)`` — exactly the records it counts (drill-down);
- ``figures(metrics, periods, scope)`` — many metrics and periods at once with
  one conditional-aggregation query per model (dashboards, cards, reports).

So a number on a card, a dashboard and the report to headquarters cannot
disagree: there is only one computation.

Periods are half-open ``[start, end)`` in local time (Asia/Shanghai). For a
period still running, "now" is the cut-off: a visit due later this month is
not counted late yet.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import reduce
from operator import or_

from django.db.models import (
    Avg,
    BooleanField,
    Count,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    Sum,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Client, Contract, FollowUpVisit
from complaints.models import Complaint
from projects.models import CrewEvaluation, DrawingTask, Inspection, Project, SchedulePhase
from reception.models import Call
from teams.models import ActionItem, Meeting, MeetingAttendance, Training, TrainingAttendance


@dataclass(frozen=True)
class Period:
    """A calendar month ``[start, end)``."""

    start: dt.date
    end: dt.date

    @classmethod
    def month_of(cls, day: dt.date) -> Period:
        start = day.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1)
        return cls(start, end)

    @classmethod
    def parse(cls, text: str | None, default: dt.date) -> Period:
        """``"2026-10"`` → October 2026; anything else → the month of ``default``."""
        try:
            year, month = (int(part) for part in (text or "").split("-"))
            return cls.month_of(dt.date(year, month, 1))
        except (TypeError, ValueError):
            return cls.month_of(default)

    def previous(self) -> Period:
        return Period.month_of(self.start - dt.timedelta(days=1))

    def next(self) -> Period:
        return Period.month_of(self.end)

    @property
    def key(self) -> str:
        return f"{self.start:%Y-%m}"

    @property
    def start_dt(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    @property
    def end_dt(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.end, dt.time.min))

    def cutoff(self, now: dt.datetime) -> dt.datetime:
        """The period's end, or now while it is still running."""
        return min(self.end_dt, now)

    def cutoff_date(self, now: dt.datetime) -> dt.date:
        """Dates before this one are past for the period (its end, or today)."""
        return min(self.end, timezone.localdate(now))

    def days_left(self, today: dt.date) -> int:
        if today >= self.end:
            return 0
        return (self.end - max(today, self.start)).days

    def __str__(self):
        return self.key


@dataclass(frozen=True)
class Scope:
    """Whose figures: the company (neither set), a team, or one person."""

    team_id: int | None = None
    person_id: int | None = None

    @property
    def kind(self) -> str:
        return "person" if self.person_id else "team" if self.team_id else "company"

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.person_id or self.team_id or 0}"


COMPANY = Scope()

QFn = Callable[[Period, dt.datetime], Q]


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str  # "count", "yuan", "pct", "avg", "minutes", "hours"
    model: type
    kind: str  # "count", "sum", "avg", "ratio"
    in_period: QFn
    team_path: str
    person_path: str | None
    description: str
    hit: QFn | None = None
    expr: Callable[[], object] | None = None
    higher_is_better: bool = True

    def applies_to(self, scope: Scope) -> bool:
        return scope.kind != "person" or self.person_path is not None

    def scope_q(self, scope: Scope) -> Q:
        if scope.person_id:
            return Q(**{f"{self.person_path}_id": scope.person_id})
        if scope.team_id:
            return Q(**{f"{self.team_path}_id": scope.team_id})
        return Q()

    def queryset(self, period: Period, scope: Scope = COMPANY, *, now: dt.datetime | None = None):
        """The records this metric counts; for a ratio, each row carries ``metric_hit``."""
        now = now or timezone.now()
        qs = self.model._default_manager.filter(self.scope_q(scope) & self.in_period(period, now))
        if self.hit is not None:
            qs = qs.annotate(metric_hit=ExpressionWrapper(self.hit(period, now), output_field=BooleanField()))
        return qs

    def aggregates(self, tag: str, period: Period, now: dt.datetime) -> dict:
        base = self.in_period(period, now)
        name = f"{tag}_{self.key}"
        if self.kind == "count":
            return {f"{name}_v": Count("pk", filter=base)}
        if self.kind == "ratio":
            return {
                f"{name}_d": Count("pk", filter=base),
                f"{name}_n": Count("pk", filter=base & self.hit(period, now)),
            }
        aggregate = Sum if self.kind == "sum" else Avg
        return {f"{name}_v": aggregate(self.expr(), filter=base)}

    def finish(self, row: dict, tag: str):
        name = f"{tag}_{self.key}"
        if self.kind == "count":
            return row.get(f"{name}_v") or 0
        if self.kind == "ratio":
            denominator = row.get(f"{name}_d") or 0
            if not denominator:
                return None
            return _round(Decimal(row.get(f"{name}_n") or 0) * 100 / denominator, "0.1")
        value = row.get(f"{name}_v")
        if value is None:
            return Decimal(0) if self.kind == "sum" else None
        if isinstance(value, dt.timedelta):
            seconds = Decimal(value.total_seconds())
            return _round(seconds / (60 if self.unit == "minutes" else 3600), "0.1")
        return _round(Decimal(value), "0.01")

    def value(self, period: Period, scope: Scope = COMPANY, *, now: dt.datetime | None = None):
        """The metric's number for ``period`` and ``scope`` (one query)."""
        return figures([self], {"v": period}, scope, now=now)[("v", self.key)]


def _round(value: Decimal, places: str) -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def figures(
    metrics: Iterable[Metric],
    periods: dict[str, Period],
    scope: Scope = COMPANY,
    *,
    now: dt.datetime | None = None,
    only: dict[str, set[str]] | None = None,
) -> dict:
    """``{(period tag, metric key): value}`` with one aggregate query per model.

    ``only`` limits some period tags to a few metric keys (a trend line needs
    fewer figures than the current period)."""
    only = only or {}
    now = now or timezone.now()
    by_model = defaultdict(list)
    for metric in metrics:
        if metric.applies_to(scope):
            by_model[metric.model].append(metric)
    result = {}
    for model, group in by_model.items():
        aggregates, wanted = {}, []
        for tag, period in periods.items():
            for metric in group:
                if tag in only and metric.key not in only[tag]:
                    continue
                aggregates.update(metric.aggregates(tag, period, now))
                wanted.append(metric.in_period(period, now))
        if not aggregates:
            continue
        scope_q = group[0].scope_q(scope)
        row = model._default_manager.filter(scope_q, reduce(or_, wanted)).aggregate(**aggregates)
        for tag in periods:
            for metric in group:
                if tag in only and metric.key not in only[tag]:
                    continue
                result[(tag, metric.key)] = metric.finish(row, tag)
    return result


def figures_by_team(metrics: Iterable[Metric], period: Period, *, now: dt.datetime | None = None) -> dict:
    """``{team id: {metric key: value}}`` for ``period``: one grouped query per model."""
    now = now or timezone.now()
    by_model = defaultdict(list)
    for metric in metrics:
        by_model[metric.model].append(metric)
    result = defaultdict(dict)
    for model, group in by_model.items():
        team_path = group[0].team_path
        aggregates, wanted = {}, []
        for metric in group:
            aggregates.update(metric.aggregates("t", period, now))
            wanted.append(metric.in_period(period, now))
        rows = (
            model._default_manager.filter(reduce(or_, wanted), **{f"{team_path}__isnull": False})
            .order_by()
            .values(team_ref=F(team_path))
            .annotate(**aggregates)
        )
        for row in rows:
            for metric in group:
                result[row["team_ref"]][metric.key] = metric.finish(row, "t")
    return result


def complaints_by_category(period: Period, scope: Scope = COMPANY, *, now: dt.datetime | None = None) -> dict:
    """``{category: complaints registered in the period}`` — the by-category split of
    ``complaints_registered`` (same records, same scope; one query)."""
    metric = METRICS["complaints_registered"]
    rows = metric.queryset(period, scope, now=now).order_by().values("category").annotate(n=Count("pk"))
    counts = {row["category"]: row["n"] for row in rows}
    return {value: counts.get(value, 0) for value in Complaint.Category.values}


# --- period conditions ---------------------------------------------------------


def _dates(field: str) -> QFn:
    return lambda p, now: Q(**{f"{field}__gte": p.start, f"{field}__lt": p.end})


def _times(field: str) -> QFn:
    return lambda p, now: Q(**{f"{field}__gte": p.start_dt, f"{field}__lt": p.end_dt})


def _and(*parts: QFn) -> QFn:
    return lambda p, now: reduce(lambda a, b: a & b, (part(p, now) for part in parts))


def _const(**lookups) -> QFn:
    return lambda p, now: Q(**lookups)


def _amount():
    return ExpressionWrapper(F("design_fee") + F("construction_amount"), output_field=DecimalField())


_DUE_OR_DONE_VISIT = lambda p, now: Q(done_at__isnull=False) | Q(due_date__lt=p.cutoff_date(now))  # noqa: E731
_UNRESOLVED_AT_CUTOFF = lambda p, now: Q(resolved_at__isnull=True) | Q(resolved_at__gte=p.cutoff(now))  # noqa: E731

_METRIC_LIST = [
    # Leads and signings
    Metric(
        "leads_new",
        _("New leads"),
        "count",
        Client,
        "count",
        _times("created_at"),
        "team",
        "consultant",
        _("Leads (单源) created in the period."),
    ),
    Metric(
        "lead_conversion",
        _("Lead conversion"),
        "pct",
        Client,
        "ratio",
        _times("created_at"),
        "team",
        "consultant",
        _("Of the leads created in the period, the share now signed."),
        hit=_const(stage=Client.Stage.SIGNED),
    ),
    Metric(
        "leads_lost",
        _("Leads lost"),
        "count",
        Client,
        "count",
        _times("lost_at"),
        "team",
        "consultant",
        _("Leads marked lost in the period."),
        higher_is_better=False,
    ),
    Metric(
        "signings",
        _("Contracts signed"),
        "count",
        Contract,
        "count",
        _dates("signed_date"),
        "team",
        "signed_by",
        _("Contracts whose signing date is in the period."),
    ),
    Metric(
        "contract_value",
        _("Contract value"),
        "yuan",
        Contract,
        "sum",
        _dates("signed_date"),
        "team",
        "signed_by",
        _("Design fee plus construction amount of the contracts signed in the period."),
        expr=_amount,
    ),
    # Follow-up visits
    Metric(
        "followups_done",
        _("Follow-up visits done"),
        "count",
        FollowUpVisit,
        "count",
        _times("done_at"),
        "team",
        "owner",
        _("Visits done in the period."),
    ),
    Metric(
        "followups_on_time",
        _("Follow-ups done on time"),
        "pct",
        FollowUpVisit,
        "ratio",
        _and(_dates("due_date"), _DUE_OR_DONE_VISIT),
        "team",
        "owner",
        _("Of the visits due in the period (done, or already past due), the share done on or before the due date."),
        hit=lambda p, now: Q(done_at__date__lte=F("due_date")),
    ),
    Metric(
        "satisfaction",
        _("Client satisfaction"),
        "avg",
        FollowUpVisit,
        "avg",
        _and(_times("done_at"), _const(satisfaction__isnull=False)),
        "team",
        "owner",
        _("Average satisfaction (1–5) given at the visits done in the period."),
        expr=lambda: F("satisfaction"),
    ),
    # Complaints
    Metric(
        "complaints_registered",
        _("Complaints registered"),
        "count",
        Complaint,
        "count",
        _times("registered_at"),
        "team",
        "handler",
        _("Complaints registered in the period."),
        higher_is_better=False,
    ),
    Metric(
        "complaints_major",
        _("Major incidents"),
        "count",
        Complaint,
        "count",
        _and(_times("registered_at"), _const(severity=Complaint.Severity.MAJOR)),
        "team",
        "handler",
        _("Complaints registered in the period as major incidents (重大事件)."),
        higher_is_better=False,
    ),
    Metric(
        "complaints_open",
        _("Complaints open"),
        "count",
        Complaint,
        "count",
        lambda p, now: Q(registered_at__lt=p.cutoff(now)) & _UNRESOLVED_AT_CUTOFF(p, now),
        "team",
        "handler",
        _("Complaints registered before the period's end (or now) and not resolved by then."),
        higher_is_better=False,
    ),
    Metric(
        "complaints_overdue",
        _("Complaints overdue"),
        "count",
        Complaint,
        "count",
        lambda p, now: (
            Q(registered_at__lt=p.cutoff(now), resolve_due_at__lt=p.cutoff(now)) & _UNRESOLVED_AT_CUTOFF(p, now)
        ),
        "team",
        "handler",
        _("Complaints past their resolution deadline and not resolved at the period's end (or now)."),
        higher_is_better=False,
    ),
    Metric(
        "complaints_ack_in_time",
        _("Complaints acknowledged in time"),
        "pct",
        Complaint,
        "ratio",
        _and(
            _times("registered_at"),
            lambda p, now: (
                Q(ack_due_at__isnull=False) & (Q(acknowledged_at__isnull=False) | Q(ack_due_at__lt=p.cutoff(now)))
            ),
        ),
        "team",
        "handler",
        _(
            "Of the period's complaints acknowledged or past the acknowledgement deadline, "
            "the share acknowledged in time."
        ),
        hit=lambda p, now: Q(acknowledged_at__lte=F("ack_due_at")),
    ),
    Metric(
        "complaints_resolved_in_time",
        _("Complaints resolved in time"),
        "pct",
        Complaint,
        "ratio",
        _and(
            _times("registered_at"),
            lambda p, now: (
                Q(resolve_due_at__isnull=False) & (Q(resolved_at__isnull=False) | Q(resolve_due_at__lt=p.cutoff(now)))
            ),
        ),
        "team",
        "handler",
        _("Of the period's complaints resolved or past the resolution deadline, the share resolved in time."),
        hit=lambda p, now: Q(resolved_at__lte=F("resolve_due_at")),
    ),
    Metric(
        "complaints_closed",
        _("Complaint closure"),
        "pct",
        Complaint,
        "ratio",
        _times("registered_at"),
        "team",
        "handler",
        _("Of the complaints registered in the period, the share closed."),
        hit=lambda p, now: Q(closed_at__lt=p.cutoff(now)),
    ),
    Metric(
        "complaint_ack_minutes",
        _("Average acknowledgement time"),
        "minutes",
        Complaint,
        "avg",
        _and(_times("registered_at"), _const(acknowledged_at__isnull=False)),
        "team",
        "handler",
        _("Average minutes from registration to acknowledgement, for the period's complaints."),
        expr=lambda: ExpressionWrapper(F("acknowledged_at") - F("registered_at"), output_field=DurationField()),
        higher_is_better=False,
    ),
    Metric(
        "complaint_resolve_hours",
        _("Average resolution time"),
        "hours",
        Complaint,
        "avg",
        _and(_times("registered_at"), _const(resolved_at__isnull=False)),
        "team",
        "handler",
        _("Average hours from registration to resolution, for the period's complaints."),
        expr=lambda: ExpressionWrapper(F("resolved_at") - F("registered_at"), output_field=DurationField()),
        higher_is_better=False,
    ),
    # Projects
    Metric(
        "projects_started",
        _("Projects started"),
        "count",
        Project,
        "count",
        _dates("actual_start"),
        "team",
        "project_manager",
        _("Projects whose construction actually started in the period."),
    ),
    Metric(
        "projects_completed",
        _("Projects completed"),
        "count",
        Project,
        "count",
        _dates("actual_finish"),
        "team",
        "project_manager",
        _("Projects actually finished in the period."),
    ),
    Metric(
        "projects_late",
        _("Projects late"),
        "count",
        Project,
        "count",
        lambda p, now: (
            _dates("planned_finish")(p, now)
            & (
                Q(actual_finish__isnull=True, planned_finish__lt=p.cutoff_date(now))
                | Q(actual_finish__gt=F("planned_finish"))
            )
        ),
        "team",
        "project_manager",
        _("Projects planned to finish in the period that finished late or are still unfinished past that date."),
        higher_is_better=False,
    ),
    Metric(
        "drawings_on_time",
        _("Drawings delivered on time"),
        "pct",
        DrawingTask,
        "ratio",
        _and(
            _dates("deadline"),
            lambda p, now: Q(delivered_at__isnull=False) | Q(deadline__lt=p.cutoff_date(now)),
        ),
        "project__team",
        "assignee",
        _("Of the drawing tasks due in the period (delivered, or past the deadline), the share delivered on time."),
        hit=lambda p, now: Q(delivered_at__date__lte=F("deadline")),
    ),
    Metric(
        "phases_on_schedule",
        _("Phases on schedule"),
        "pct",
        SchedulePhase,
        "ratio",
        _and(
            _dates("planned_finish"),
            lambda p, now: Q(actual_finish__isnull=False) | Q(planned_finish__lt=p.cutoff_date(now)),
        ),
        "project__team",
        "project__project_manager",
        _("Of the construction phases planned to finish in the period (finished or past due), the share on time."),
        hit=lambda p, now: Q(actual_finish__lte=F("planned_finish")),
    ),
    Metric(
        "inspection_pass_rate",
        _("Inspection pass rate"),
        "pct",
        Inspection,
        "ratio",
        _dates("inspected_on"),
        "phase__project__team",
        "inspector",
        _("Of the inspections in the period, the share passed."),
        hit=_const(result=Inspection.Result.PASS),
    ),
    Metric(
        "crew_evaluations",
        _("Crew evaluations done"),
        "count",
        CrewEvaluation,
        "count",
        _dates("evaluated_on"),
        "phase__project__team",
        "evaluated_by",
        _("Crew evaluations (施工队考核) made in the period."),
    ),
    # Reception
    Metric(
        "calls_ack_in_time",
        _("Forwarded calls acknowledged in time"),
        "pct",
        Call,
        "ratio",
        _and(
            _times("forwarded_at"),
            lambda p, now: (
                Q(ack_due_at__isnull=False) & (Q(acknowledged_at__isnull=False) | Q(ack_due_at__lt=p.cutoff(now)))
            ),
        ),
        "forward_team",
        "logged_by",
        _(
            "Of the calls forwarded in the period (acknowledged or past due), the share acknowledged in time; "
            "a person's figure counts the calls they logged, a team's the calls forwarded to it."
        ),
        hit=lambda p, now: Q(acknowledged_at__lte=F("ack_due_at")),
    ),
    # Team life
    Metric(
        "meetings_held",
        _("Meetings held"),
        "count",
        Meeting,
        "count",
        _and(_dates("date"), _const(held=True)),
        "team",
        None,
        _("Daily meetings held in the period."),
    ),
    Metric(
        "meeting_attendance",
        _("Meeting attendance"),
        "pct",
        MeetingAttendance,
        "ratio",
        _and(_dates("meeting__date"), _const(meeting__held=True)),
        "meeting__team",
        "member",
        _("Of the attendance records of meetings held in the period, the share present or late."),
        hit=_const(status__in=[MeetingAttendance.Status.PRESENT, MeetingAttendance.Status.LATE]),
    ),
    Metric(
        "action_items_closed",
        _("Action items closed"),
        "count",
        ActionItem,
        "count",
        _times("done_at"),
        "meeting__team",
        "owner",
        _("Meeting action items marked done in the period."),
    ),
    Metric(
        "trainings_held",
        _("Trainings held"),
        "count",
        Training,
        "count",
        _dates("date"),
        "team",
        None,
        _("Training sessions in the period (a team's figure counts its own sessions)."),
    ),
    Metric(
        "trainings_attended",
        _("Trainings attended"),
        "count",
        TrainingAttendance,
        "count",
        _and(_dates("training__date"), _const(attended=True)),
        "member__team",
        "member",
        _("Training sessions in the period attended."),
    ),
]

METRICS: dict[str, Metric] = {metric.key: metric for metric in _METRIC_LIST}


def get_metrics(*keys: str) -> list[Metric]:
    return [METRICS[key] for key in keys]
