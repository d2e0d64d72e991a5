"""All metrics in display order (dashboards, cards and the report list them in this order), by key."""

from __future__ import annotations

from performance.metrics.base import Metric
from performance.metrics.clients import CLIENT_METRICS
from performance.metrics.complaints import COMPLAINT_METRICS
from performance.metrics.money import MONEY_METRICS
from performance.metrics.portal import PORTAL_METRICS
from performance.metrics.projects import PROJECT_METRICS
from performance.metrics.reception import RECEPTION_METRICS
from performance.metrics.teams import TEAM_METRICS

_METRIC_LIST = [
    *CLIENT_METRICS,
    *PORTAL_METRICS,
    *MONEY_METRICS,
    *COMPLAINT_METRICS,
    *PROJECT_METRICS,
    *RECEPTION_METRICS,
    *TEAM_METRICS,
]

METRICS: dict[str, Metric] = {metric.key: metric for metric in _METRIC_LIST}


def get_metrics(*keys: str) -> list[Metric]:
    return [METRICS[key] for key in keys]
