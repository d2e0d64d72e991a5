"""The machinery every metric shares: periods, scopes, the ``Metric`` definition,
``figures`` / ``figures_by_team``, which compute many metrics with one query per model,
and the arithmetic every figure goes through (``ratio``, ``mean``, ``round_half_up``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from teams.models import Team
from teams.numbers import mean, ratio, round_half_up, seconds  # noqa: F401 (the figures' arithmetic)

# Years a period may fall in: keeps the previous period and the trend inside what dates can hold.
MIN_YEAR, MAX_YEAR = 2000, 2099
# The longest custom range, in days (about three years).
MAX_RANGE_DAYS = 3 * 366


# --- arithmetic ----------------------------------------------------------------------
# Every figure (metric, card score, report) is computed in Decimal and rounded here, half
# up as people round by hand: 4.215 → 4.22, 14.625 → 14.63. A float never takes part, since
# it cannot hold 4.215 (it is 4.21499…) and Python rounds floats and Decimals half to even.


class PeriodError(ValueError):
    """Period parameters that cannot be read; the message says why (in the user's language)."""


def _month_start(day: dt.date, months: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """A span of days ``[start, end)``: a calendar month (the default), a quarter, a
    year, or a custom range. Each kind knows its previous period of the same length
    and the URL parameters that select it (``query``)."""

    start: dt.date
    end: dt.date
    kind: str = "month"  # "month", "quarter", "year", "range"

    KINDS = ("month", "quarter", "year", "range")

    @classmethod
    def month_of(cls, day: dt.date) -> Period:
        start = day.replace(day=1)
        return cls(start, _month_start(start, 1))

    @classmethod
    def quarter_of(cls, day: dt.date) -> Period:
        start = dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        return cls(start, _month_start(start, 3), "quarter")

    @classmethod
    def year_of(cls, day: dt.date) -> Period:
        return cls(dt.date(day.year, 1, 1), dt.date(day.year + 1, 1, 1), "year")

    @classmethod
    def between(cls, first: dt.date, last: dt.date) -> Period:
        """The custom range from ``first`` to ``last``, both days included."""
        return cls(first, last + dt.timedelta(days=1), "range")

    @classmethod
    def of_kind(cls, kind: str, day: dt.date) -> Period:
        """The month, quarter or year holding ``day`` (a range defaults to that month's days)."""
        if kind == "quarter":
            return cls.quarter_of(day)
        if kind == "year":
            return cls.year_of(day)
        month = cls.month_of(day)
        return cls(month.start, month.end, "range") if kind == "range" else month

    @classmethod
    def parse(cls, text: str | None, default: dt.date) -> Period:
        """``"2026-10"`` → October 2026; anything else → the month of ``default``."""
        try:
            return cls._parse_month(text)
        except PeriodError:
            return cls.month_of(default)

    @classmethod
    def from_params(cls, params, default: dt.date) -> Period:
        """The period that URL parameters select; without any, the month of ``default``.

        - ``month=2026-10`` — a calendar month;
        - ``quarter=2026-Q4`` — a quarter;
        - ``year=2026`` — a year;
        - ``from=2026-01-05&to=2026-03-10`` — a range, both days included, at most ~3 years.

        Raises ``PeriodError`` (with a message for the user) when the parameters cannot be read."""
        first, last = (params.get("from") or "").strip(), (params.get("to") or "").strip()
        if first or last:
            return cls._parse_range(first, last)
        if params.get("year"):
            return cls._parse_year(params["year"])
        if params.get("quarter"):
            return cls._parse_quarter(params["quarter"])
        if params.get("month"):
            return cls._parse_month(params["month"])
        return cls.month_of(default)

    @staticmethod
    def _year(text: str) -> int:
        try:
            year = int(text)
        except (TypeError, ValueError):
            raise PeriodError(_("The year is not a number.")) from None
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise PeriodError(_("Choose a year between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR})
        return year

    @classmethod
    def _parse_month(cls, text: str | None) -> Period:
        parts = (text or "").strip().split("-")
        if len(parts) != 2 or not parts[1].isdigit() or not 1 <= int(parts[1]) <= 12:
            raise PeriodError(_("The month must look like 2026-10."))
        return cls.month_of(dt.date(cls._year(parts[0]), int(parts[1]), 1))

    @classmethod
    def _parse_quarter(cls, text: str) -> Period:
        parts = text.strip().upper().split("-Q")
        if len(parts) != 2 or parts[1] not in {"1", "2", "3", "4"}:
            raise PeriodError(_("The quarter must look like 2026-Q4."))
        return cls.quarter_of(dt.date(cls._year(parts[0]), int(parts[1]) * 3 - 2, 1))

    @classmethod
    def _parse_year(cls, text: str) -> Period:
        return cls.year_of(dt.date(cls._year(text.strip()), 1, 1))

    @classmethod
    def _parse_range(cls, first_text: str, last_text: str) -> Period:
        if not (first_text and last_text):
            raise PeriodError(_("Choose both the first and the last day of the range."))
        try:
            first, last = dt.date.fromisoformat(first_text), dt.date.fromisoformat(last_text)
        except ValueError:
            raise PeriodError(_("The dates must look like 2026-01-31.")) from None
        cls._year(str(first.year)), cls._year(str(last.year))
        if last < first:
            raise PeriodError(_("The last day comes before the first day."))
        if (last - first).days + 1 > MAX_RANGE_DAYS:
            raise PeriodError(_("A range can be at most three years long."))
        return cls.between(first, last)

    def previous(self) -> Period:
        """The period of the same length just before: previous month, quarter, year, or range."""
        if self.kind == "quarter":
            return Period.quarter_of(_month_start(self.start, -3))
        if self.kind == "year":
            return Period.year_of(dt.date(self.start.year - 1, 1, 1))
        if self.kind == "range":
            return Period(self.start - (self.end - self.start), self.start, "range")
        return Period.month_of(self.start - dt.timedelta(days=1))

    def next(self) -> Period:
        if self.kind == "quarter":
            return Period.quarter_of(self.end)
        if self.kind == "year":
            return Period.year_of(self.end)
        if self.kind == "range":
            return Period(self.end, self.end + (self.end - self.start), "range")
        return Period.month_of(self.end)

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    def months(self) -> list[Period]:
        """The calendar months the period touches, in order."""
        months = [Period.month_of(self.start)]
        while months[-1].end < self.end:
            months.append(Period.month_of(months[-1].end))
        return months

    @property
    def key(self) -> str:
        """Short and unique: ``2026-10``, ``2026-Q4``, ``2026``, ``2026-01-05~2026-03-10``."""
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "year":
            return f"{self.start.year}"
        if self.kind == "range":
            return f"{self.start:%Y-%m-%d}~{self.last_day:%Y-%m-%d}"
        return f"{self.start:%Y-%m}"

    @property
    def params(self) -> dict[str, str]:
        """The URL parameters that select this period (see ``from_params``)."""
        if self.kind == "range":
            return {"from": self.start.isoformat(), "to": self.last_day.isoformat()}
        return {self.kind: self.key}

    @property
    def query(self) -> str:
        """``params`` as a query string, e.g. ``quarter=2026-Q4``."""
        return "&".join(f"{name}={value}" for name, value in self.params.items())

    @property
    def label(self) -> str:
        """How the period reads on a page, in the user's language."""

        if self.kind == "quarter":
            return _("%(year)s Q%(quarter)s") % {"year": self.start.year, "quarter": (self.start.month - 1) // 3 + 1}
        if self.kind == "year":
            return _("Year %(year)s") % {"year": self.start.year}
        if self.kind == "range":
            return f"{self.start:%Y-%m-%d} – {self.last_day:%Y-%m-%d}"
        return self.key

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
    # A team's records when they are more than those under ``team_path`` (company-wide
    # trainings count for every team): team id → condition.
    team_q: Callable[[int], Q] | None = None
    # A cohort figure (leads signed within N days): the number of days after a period's end
    # before its value is final; until then the period is "not matured" (未满期).
    matures_days: Callable[[], int] | None = None

    def matured(self, period: Period, today: dt.date) -> bool:
        """Whether every record of ``period`` has had its full window (always, for most metrics)."""
        if self.matures_days is None:
            return True
        return period.end + dt.timedelta(days=self.matures_days()) <= today

    def applies_to(self, scope: Scope) -> bool:
        return scope.kind != "person" or self.person_path is not None

    def scope_q(self, scope: Scope) -> Q:
        if scope.person_id:
            return Q(**{f"{self.person_path}_id": scope.person_id})
        if scope.team_id:
            if self.team_q is not None:
                return self.team_q(scope.team_id)
            return Q(**{f"{self.team_path}_id": scope.team_id})
        return Q()

    def queryset(self, period: Period, scope: Scope = COMPANY, *, now: dt.datetime | None = None):
        """The records this metric counts; for a ratio, each row carries ``metric_hit``."""
        now = now or timezone.now()
        qs = self.model._default_manager.filter(self.scope_q(scope) & self.in_period(period, now))
        if self.hit is not None:
            qs = qs.annotate(metric_hit=ExpressionWrapper(self.hit(period, now), output_field=BooleanField()))
        return qs

    def aggregates(self, tag: str, period: Period, now: dt.datetime, extra: Q | None = None) -> dict:
        base = self.in_period(period, now) & (extra or Q())
        name = f"{tag}_{self.key}"
        if self.kind == "count":
            return {f"{name}_v": Count("pk", filter=base)}
        if self.kind == "ratio":
            return {
                f"{name}_d": Count("pk", filter=base),
                f"{name}_n": Count("pk", filter=base & self.hit(period, now)),
            }
        if self.kind == "sum":
            return {f"{name}_v": Sum(self.expr(), filter=base)}
        # An average is the sum over the count, divided here in Decimal: the database's AVG
        # of integers is a float (843 / 200 would come back as 4.21499…).
        return {f"{name}_s": Sum(self.expr(), filter=base), f"{name}_c": Count(self.expr(), filter=base)}

    def finish(self, row: dict, tag: str):
        name = f"{tag}_{self.key}"
        if self.kind == "count":
            return row.get(f"{name}_v") or 0
        if self.kind == "ratio":
            return ratio(row.get(f"{name}_n") or 0, row.get(f"{name}_d") or 0)
        if self.kind == "sum":
            value = row.get(f"{name}_v")
            return Decimal(0) if value is None else round_half_up(value)
        total, count = row.get(f"{name}_s"), row.get(f"{name}_c") or 0
        if isinstance(total, dt.timedelta):
            return mean(seconds(total), count * (60 if self.unit == "minutes" else 3600), "0.1")
        return mean(total, count)

    def value(self, period: Period, scope: Scope = COMPANY, *, now: dt.datetime | None = None):
        """The metric's number for ``period`` and ``scope`` (one query)."""
        return figures([self], {"v": period}, scope, now=now)[("v", self.key)]


def _rolled(metric: Metric, scopes) -> bool:
    """Whether ``metric`` reads the daily rollups for these scopes (they hold teams, not persons)."""
    from performance.rollups import METRIC_ROLLUPS

    return metric.key in METRIC_ROLLUPS and all(scope.kind != "person" for scope in scopes)


def _rollup_sums(metrics, periods, now, team_ids=None, counted=None):
    """The cells of ``metrics`` for each period tag they are counted for (``counted(tag, metric)``)."""
    from performance.rollups import METRIC_ROLLUPS, cell_sums

    wanted = {
        tag: {
            (term[0], term[1])
            for m in metrics
            if counted is None or counted(tag, m)
            for terms in METRIC_ROLLUPS[m.key].values()
            for term in terms
        }
        for tag in periods
    }
    cutoffs = {tag: period.cutoff_date(now) for tag, period in periods.items()}
    return cell_sums(wanted, periods, cutoffs=cutoffs, team_ids=team_ids)


def _residuals(metric: Metric) -> list[tuple[str, int, Metric]]:
    """The parts of a rolled metric counted from the raw rows (``performance.rollups.ROLLUP_RESIDUALS``): each
    ``(part, sign, a count metric of the same records)``, computed with the metrics that are not rolled up."""
    from performance.rollups import ROLLUP_RESIDUALS

    found = []
    for part, raws in ROLLUP_RESIDUALS.get(metric.key, {}).items():
        for i, raw in enumerate(raws):
            in_period = raw.condition
            if not raw.alone:
                own = metric.in_period
                in_period = lambda p, now, own=own, condition=raw.condition: own(p, now) & condition(p, now)  # noqa: E731
            key = f"{metric.key}~{part}{i}" + ("~running" if raw.running else "")
            residual = replace(metric, key=key, kind="count", in_period=in_period, hit=None, expr=None)
            found.append((part, raw.sign, residual))
    return found


def _asked(metric: Metric, period: Period, now) -> bool:
    """Whether a residual is asked for in ``period``: one of a running period only counts nothing once it is over."""
    return not metric.key.endswith("~running") or period.end_dt > now


def _add_residuals(row: dict, metric: Metric, tag: str, residuals, value_of) -> dict:
    """``row`` (a metric's parts from the cells) with its raw parts added: ``value_of(residual metric)``."""
    for part, sign, residual in residuals:
        name = f"{tag}_{metric.key}_{part}"
        row[name] = (row.get(name) or 0) + sign * (value_of(residual) or 0)
    return row


def _merge(rows) -> dict:
    """Per-team aggregate rows added up: counts and sums are additive, so are an average's two parts."""
    total = {}
    for row in rows:
        for name, value in row.items():
            if value is not None:
                total[name] = value if total.get(name) is None else total[name] + value
    return total


def figures(
    metrics: Iterable[Metric],
    periods: dict[str, Period],
    scope: Scope = COMPANY,
    *,
    now: dt.datetime | None = None,
    only: dict[str, set[str]] | None = None,
    tag_scopes: dict[str, Scope] | None = None,
) -> dict:
    """``{(period tag, metric key): value}`` with one aggregate query per model.

    ``only`` limits some period tags to a few metric keys (a trend line needs
    fewer figures than the current period). ``tag_scopes`` gives some tags their
    own scope (a team's report beside the company's figures), still in the same
    query per model: each aggregate then carries its scope in its filter.

    Metrics with a daily rollup (``performance.rollups.METRIC_ROLLUPS``) of a team or
    the company read it instead, all of them in one query."""
    only = only or {}
    tag_scopes = tag_scopes or {}
    now = now or timezone.now()
    metrics = list(metrics)

    def scope_of(tag):
        return tag_scopes.get(tag, scope)

    parent = {}  # a residual metric's key -> the rolled metric it is part of

    def counted(tag, metric):
        if metric.key in parent and not _asked(metric, periods[tag], now):
            return False
        metric = parent.get(metric.key, metric)
        return metric.applies_to(scope_of(tag)) and (tag not in only or metric.key in only[tag])

    scopes = [scope_of(tag) for tag in periods]
    rolled = [m for m in metrics if _rolled(m, scopes) and any(counted(tag, m) for tag in periods)]
    residuals = {m.key: _residuals(m) for m in rolled}
    parent.update({r.key: m for m in rolled for _part, _sign, r in residuals[m.key]})
    result, cell_rows = {}, {}
    if rolled:
        from performance.rollups import metric_row

        team_ids = None if any(s.kind == "company" for s in scopes) else sorted({s.team_id for s in scopes})
        sums = _rollup_sums(rolled, periods, now, team_ids, counted)
        for tag in periods:
            teams = None if scope_of(tag).kind == "company" else {scope_of(tag).team_id}
            for metric in rolled:
                if counted(tag, metric):
                    cell_rows[(tag, metric.key)] = metric_row(metric.key, tag, sums, teams)
    raw = [m for m in metrics if m not in rolled] + [r for m in rolled for _part, _sign, r in residuals[m.key]]
    by_model = defaultdict(list)
    for metric in raw:
        if any(counted(tag, metric) for tag in periods):
            by_model[metric.model].append(metric)
    for model, group in by_model.items():
        # Metrics of one model may scope differently (complaints a person registered, or
        # handles): then each aggregate carries its own scope in its filter.
        shared = not tag_scopes and all(metric.scope_q(scope) == group[0].scope_q(scope) for metric in group)
        aggregates, wanted = {}, []
        for tag, period in periods.items():
            for metric in group:
                if not counted(tag, metric):
                    continue
                extra = Q() if shared else metric.scope_q(scope_of(tag))
                aggregates.update(metric.aggregates(tag, period, now, extra))
                wanted.append(metric.in_period(period, now) & extra)
        if not aggregates:
            continue
        scope_q = group[0].scope_q(scope) if shared else Q()
        row = model._default_manager.filter(scope_q, reduce(or_, wanted)).aggregate(**aggregates)
        for tag in periods:
            for metric in group:
                if counted(tag, metric):
                    result[(tag, metric.key)] = metric.finish(row, tag)
    for (tag, key), row in cell_rows.items():
        metric = next(m for m in rolled if m.key == key)
        _add_residuals(row, metric, tag, residuals[key], lambda r, tag=tag: result.pop((tag, r.key), 0))
        result[(tag, key)] = metric.finish(row, tag)
    return result


def figures_by_team(metrics: Iterable[Metric], period: Period, *, now: dt.datetime | None = None) -> dict:
    """``{team id: {metric key: value}}`` for ``period``: one grouped query per model."""
    return figures_with_teams(metrics, {"t": period}, team_tag="t", now=now)[1]


def figures_with_teams(
    metrics: Iterable[Metric],
    periods: dict[str, Period],
    *,
    team_tag: str,
    now: dt.datetime | None = None,
    only: dict[str, set[str]] | None = None,
) -> tuple[dict, dict]:
    """The company's figures (as ``figures``) and each team's for the ``team_tag`` period, together.

    One query grouped by team per model (and one of the rollups): the company's value of a tag
    is the sum of its teams' parts (and of the records of no team), since every part of a figure
    — a count, a sum, a ratio's two counts, an average's sum and count — adds up. A metric with
    its own ``team_q`` cannot be grouped by a column: it is computed for each active team with
    ``figures`` (one query per model for all teams)."""
    now = now or timezone.now()
    only = only or {}
    metrics = list(metrics)
    parent = {}  # a residual metric's key -> the rolled metric it is part of

    def counted(tag, metric):
        if metric.key in parent and not _asked(metric, periods[tag], now):
            return False
        key = parent.get(metric.key, metric).key
        return tag not in only or key in only[tag]

    company, result = {}, defaultdict(dict)
    rolled = [m for m in metrics if _rolled(m, [COMPANY])]
    residuals = {m.key: _residuals(m) for m in rolled}
    parent.update({r.key: m for m in rolled for _part, _sign, r in residuals[m.key]})
    company_rows, team_rows = {}, defaultdict(dict)
    if rolled:
        from performance.rollups import metric_row

        sums = _rollup_sums(rolled, periods, now, counted=counted)
        teams = {team for by_team in sums.values() for team in by_team if team}
        for metric in rolled:
            for tag in periods:
                if counted(tag, metric):
                    company_rows[(tag, metric.key)] = metric_row(metric.key, tag, sums)
            for team in teams:
                team_rows[team][metric.key] = metric_row(metric.key, team_tag, sums, {team})
    own = [metric for metric in metrics if metric.team_q is not None and metric not in rolled]
    if own:
        team_ids = list(Team.objects.filter(is_active=True).values_list("pk", flat=True))
        tags = {f"t{pk}": Scope(team_id=pk) for pk in team_ids}
        values = figures(own, dict.fromkeys(tags, periods[team_tag]), now=now, tag_scopes=tags)
        for (tag, key), value in values.items():
            result[tags[tag].team_id][key] = value
        company.update(figures(own, periods, now=now, only=only))
    by_model = defaultdict(list)
    raw = [m for m in metrics if m not in rolled] + [r for m in rolled for _part, _sign, r in residuals[m.key]]
    for metric in raw:
        if metric.team_q is None:
            by_model[(metric.model, metric.team_path)].append(metric)
    for (model, team_path), group in by_model.items():
        aggregates, wanted = {}, []
        for tag, period in periods.items():
            for metric in group:
                if counted(tag, metric):
                    aggregates.update(metric.aggregates(tag, period, now))
                    wanted.append(metric.in_period(period, now))
        if not aggregates:
            continue
        rows = list(
            model._default_manager.filter(reduce(or_, wanted))
            .order_by()
            .values(team_ref=F(team_path))
            .annotate(**aggregates)
        )
        total = _merge(rows)
        for tag in periods:
            for metric in group:
                if counted(tag, metric):
                    company[(tag, metric.key)] = metric.finish(total, tag)
        for row in rows:
            if row["team_ref"] is not None:
                for metric in group:
                    result[row["team_ref"]][metric.key] = metric.finish(row, team_tag)
    # The rolled figures: their cells plus their raw parts (the company's, and each team's).
    for (tag, key), row in company_rows.items():
        metric = next(m for m in rolled if m.key == key)
        _add_residuals(row, metric, tag, residuals[key], lambda r, tag=tag: company.pop((tag, r.key), 0))
        company[(tag, key)] = metric.finish(row, tag)
    for metric in rolled:
        names = [r.key for _part, _sign, r in residuals[metric.key]]
        for team in set(team_rows) | {team for team, values in result.items() if any(n in values for n in names)}:
            row = team_rows[team].get(metric.key) or metric_row(metric.key, team_tag, {}, {team})
            residual = residuals[metric.key]
            _add_residuals(row, metric, team_tag, residual, lambda r, team=team: result[team].pop(r.key, 0))
            result[team][metric.key] = metric.finish(row, team_tag)
    return company, dict(result)
