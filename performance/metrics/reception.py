"""Metrics over the front desk: forwarded calls acknowledged in time, missed calls and their callbacks."""

from __future__ import annotations

from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from performance.metrics.base import Metric
from performance.metrics.conditions import _and, _const, _times
from reception.models import Call, PhoneCall

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
    Metric(
        "calls_missed",
        _("Missed calls"),
        "count",
        PhoneCall,
        "count",
        _and(_times("rang_at"), _const(state=PhoneCall.State.MISSED)),
        "client__team",
        "user",
        _(
            "Calls of the phone system that rang in the period and were hung up before anyone answered; a "
            "person's figure counts those that rang at their extension, a team's those of its clients."
        ),
        higher_is_better=False,
    ),
    Metric(
        "calls_missed_called_back",
        _("Missed calls called back"),
        "pct",
        PhoneCall,
        "ratio",
        _and(_times("rang_at"), _const(state=PhoneCall.State.MISSED)),
        "client__team",
        "user",
        _(
            "Of the calls missed in the period, the share handled by a callback (the caller reached, or nothing "
            "needed) so far."
        ),
        hit=lambda p, now: Q(handled_at__isnull=False),
    ),
]
