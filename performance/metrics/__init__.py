"""Every figure of target cards, dashboards and the monthly report: one place.

A metric is one documented definition over one model: which records it counts
for a period (``in_period``), how they are scoped to a team or a person
(``team_path`` / ``person_path``), and what it computes from them (a count, a
sum, an average, or the share of the records meeting ``hit``), in Decimal and
rounded half up by ``ratio`` / ``mean`` / ``round_half_up`` (which card scores and
the report use too). From that one
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

Layout: ``base`` (periods, scopes, ``Metric``, ``figures``), ``conditions`` (period
building blocks), one module of definitions per domain (``clients``,
``complaints``, ``projects``, ``reception``, ``teams``) and ``registry``
(``METRICS`` in display order). Everything is re-exported here.
"""

from performance.metrics.base import (
    COMPANY,
    MAX_RANGE_DAYS,
    Metric,
    Period,
    PeriodError,
    QFn,
    Scope,
    figures,
    figures_by_team,
    figures_with_teams,
    mean,
    ratio,
    round_half_up,
)
from performance.metrics.clients import CLIENT_METRICS
from performance.metrics.complaints import COMPLAINT_METRICS, complaints_by_category
from performance.metrics.projects import PROJECT_METRICS
from performance.metrics.reception import RECEPTION_METRICS
from performance.metrics.registry import METRICS, get_metrics
from performance.metrics.teams import TEAM_METRICS

__all__ = [
    "COMPANY",
    "METRICS",
    "QFn",
    "Metric",
    "MAX_RANGE_DAYS",
    "Period",
    "PeriodError",
    "Scope",
    "complaints_by_category",
    "figures",
    "figures_by_team",
    "figures_with_teams",
    "get_metrics",
    "mean",
    "ratio",
    "round_half_up",
    "CLIENT_METRICS",
    "COMPLAINT_METRICS",
    "PROJECT_METRICS",
    "RECEPTION_METRICS",
    "TEAM_METRICS",
]
