"""Metrics over contract money: receipts, receivables (payment stages due and not fully paid,
with their ageing) and approved change orders.

A receivable is a payment stage whose trigger has happened (it has a pay-by date) and whose
receipts do not yet cover its amount; its outstanding money is ``amount - received``. Overdue
means the pay-by date is before the period's cut-off (its end, or today while it runs); the age
is counted in days from the pay-by date to that cut-off. The receivables board, the dashboards,
target cards and the monthly report all read these definitions."""

from __future__ import annotations

import datetime as dt

from django.db.models import DecimalField, ExpressionWrapper, F, Q
from django.utils.translation import gettext_lazy as _

from clients.models import PaymentStage, Receipt
from performance.metrics.base import Metric
from performance.metrics.conditions import _and, _const, _dates, _times
from projects.models import ChangeOrder


def _outstanding():
    return ExpressionWrapper(F("amount") - F("received"), output_field=DecimalField())


def _receipt_amount():
    return F("amount")


def _change_total():
    return F("total")


# A receivable at all: due (has a pay-by date) and not fully paid.
_OPEN = lambda p, now: Q(due_date__isnull=False, received__lt=F("amount"))  # noqa: E731


def _overdue_days(low: int, high: int | None):
    """Open stages overdue by ``low``..``high`` days (inclusive) at the period's cut-off."""

    def condition(p, now):
        cutoff = p.cutoff_date(now)
        q = _OPEN(p, now) & Q(due_date__lte=cutoff - dt.timedelta(days=low))
        if high is not None:
            q &= Q(due_date__gte=cutoff - dt.timedelta(days=high))
        return q

    return condition


def _not_yet_overdue(p, now):
    return _OPEN(p, now) & Q(due_date__gte=p.cutoff_date(now))


def _due_in_period(p, now):
    return _OPEN(p, now) & Q(due_date__gte=p.start, due_date__lt=p.end)


def _receivable(key, label, condition, description, *, better=False):
    return Metric(
        key,
        label,
        "yuan",
        PaymentStage,
        "sum",
        condition,
        "contract__team",
        "contract__signed_by",
        description,
        expr=_outstanding,
        higher_is_better=better,
    )


MONEY_METRICS = [
    Metric(
        "money_received",
        _("Money received"),
        "yuan",
        Receipt,
        "sum",
        _dates("received_on"),
        "contract__team",
        "contract__signed_by",
        _("Receipts dated in the period, less refunds and reversing entries dated in it."),
        expr=_receipt_amount,
    ),
    _receivable(
        "receivables_due",
        _("Receivables not yet overdue"),
        _not_yet_overdue,
        _("Outstanding money of the payment stages that are due and whose pay-by date has not passed."),
        better=True,
    ),
    _receivable(
        "receivables_expected",
        _("Expected in the period"),
        _due_in_period,
        _("Outstanding money of the payment stages whose pay-by date falls in the period."),
        better=True,
    ),
    _receivable(
        "receivables_overdue",
        _("Overdue receivables"),
        _overdue_days(1, None),
        _("Outstanding money of the payment stages whose pay-by date passed before the period's end (or today)."),
    ),
    _receivable(
        "receivables_overdue_30",
        _("Overdue 0–30 days"),
        _overdue_days(1, 30),
        _("Overdue receivables whose pay-by date passed at most 30 days before the period's end (or today)."),
    ),
    _receivable(
        "receivables_overdue_60",
        _("Overdue 31–60 days"),
        _overdue_days(31, 60),
        _("Overdue receivables whose pay-by date passed 31 to 60 days before the period's end (or today)."),
    ),
    _receivable(
        "receivables_overdue_over_60",
        _("Overdue more than 60 days"),
        _overdue_days(61, None),
        _("Overdue receivables whose pay-by date passed more than 60 days before the period's end (or today)."),
    ),
    Metric(
        "change_orders_approved",
        _("Approved change orders"),
        "yuan",
        ChangeOrder,
        "sum",
        _and(_times("approved_at"), _const(status=ChangeOrder.Status.APPROVED)),
        "contract__team",
        "created_by",
        _("Additions less reductions of the change orders approved in the period."),
        expr=_change_total,
    ),
]

# The receivables board's ageing columns, in order.
AGEING_KEYS = ["receivables_overdue_30", "receivables_overdue_60", "receivables_overdue_over_60"]
