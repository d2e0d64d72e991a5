"""The machinery every metric shares: periods, scopes, the ``Metric`` definition, and
``figures`` / ``figures_by_team``, which compute many metrics with one query per model."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import reduce
from operator import or_

from django.db.models import Avg, BooleanField, Count, ExpressionWrapper, F, Q, Sum
from django.utils import timezone


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
