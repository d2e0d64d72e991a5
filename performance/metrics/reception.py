"""Metrics over the front desk: forwarded calls acknowledged in time."""

from __future__ import annotations

from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from performance.metrics.base import Metric
from performance.metrics.conditions import _and, _times
from reception.models import Call

RECEPTION_METRICS = [
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
]
