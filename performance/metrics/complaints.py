"""Metrics over complaints: registered, major, open and overdue; acknowledged and resolved
in time and how long that took; and the split of registered complaints by category."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint
from performance.metrics.base import COMPANY, Metric, Period, Scope
from performance.metrics.conditions import _and, _const, _times

_UNRESOLVED_AT_CUTOFF = lambda p, now: Q(resolved_at__isnull=True) | Q(resolved_at__gte=p.cutoff(now))  # noqa: E731

COMPLAINT_METRICS = [
    # Complaints
    Metric(
        "complaints_registered",
        _("Complaints registered"),
        "count",
        Complaint,
        "count",
        _times("registered_at"),
        "team",
        # A person's figure is what they registered (the front desk has no team and handles none).
        "registered_by",
        _("Complaints registered in the period; a person's figure counts those they registered."),
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
        _("Complaints registered in the period as major incidents; a person's figure counts those they handle."),
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
]

# A duplicate merged into its original (complaints.services.complaint_merge) is the same complaint: every figure
# counts the original only, so one story registered twice is not counted twice.
_NOT_MERGED = _const(merged_into__isnull=True)
COMPLAINT_METRICS = [replace(m, in_period=_and(m.in_period, _NOT_MERGED)) for m in COMPLAINT_METRICS]

_REGISTERED = next(metric for metric in COMPLAINT_METRICS if metric.key == "complaints_registered")


def complaints_by_category(period: Period, scope: Scope = COMPANY, *, now: dt.datetime | None = None) -> dict:
    """``{category: complaints registered in the period}`` — the by-category split of
    ``complaints_registered`` (same records, same scope; one query): from the daily rollups for the company or
    a team, from the complaints for a person."""
    if scope.kind != "person":
        from performance.rollups import cell_sums

        terms = {(f"complaints_category_{value}", "c") for value in Complaint.Category.values}
        now = now or timezone.now()
        sums = cell_sums(
            {"p": terms},
            {"p": period},
            cutoffs={"p": period.cutoff_date(now)},
            team_ids=[scope.team_id] if scope.team_id else None,
        )
        return {
            value: sum(by_tag["p"]["c"] for by_tag in sums.get(f"complaints_category_{value}", {}).values())
            for value in Complaint.Category.values
        }
    metric = _REGISTERED
    rows = metric.queryset(period, scope, now=now).order_by().values("category").annotate(n=Count("pk"))
    counts = {row["category"]: row["n"] for row in rows}
    return {value: counts.get(value, 0) for value in Complaint.Category.values}
