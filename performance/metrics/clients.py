"""Metrics over clients: leads and signings (with contract amounts) and follow-up visits."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import DateField, DecimalField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clients.models import Client, Contract, FollowUpVisit
from performance.metrics.base import Metric
from performance.metrics.conditions import _and, _const, _dates, _times


def _amount():
    return ExpressionWrapper(F("design_fee") + F("construction_amount"), output_field=DecimalField())


def conversion_days() -> int:
    """N of "signed within N days" (``PERFORMANCE_LEAD_CONVERSION_DAYS``), read when used."""
    return settings.PERFORMANCE_LEAD_CONVERSION_DAYS


def _signed_within_days(p, now) -> Q:
    """The lead has a contract signed at most N days after the (local) day it was created.

    ``Exists`` rather than a join: a client with two contracts is still one lead."""
    limit = ExpressionWrapper(
        TruncDate("client__created_at") + dt.timedelta(days=conversion_days()), output_field=DateField()
    )
    signed = Contract.objects.filter(client=OuterRef("pk")).annotate(lead_limit=limit)
    return Q(Exists(signed.filter(signed_date__lte=F("lead_limit"))))


# The label carries N, read at display time (in the reader's language).
_conversion_label = lazy(lambda: gettext("Signed within %(days)s days") % {"days": conversion_days()}, str)
_conversion_description = lazy(
    lambda: (
        gettext(
            "Of the leads created in the period, the share with a contract signed within %(days)s days of "
            "the lead's day. A period is final only %(days)s days after its end (until then: not matured)."
        )
        % {"days": conversion_days()}
    ),
    str,
)

_DUE_OR_DONE_VISIT = lambda p, now: Q(done_at__isnull=False) | Q(due_date__lt=p.cutoff_date(now))  # noqa: E731

CLIENT_METRICS = [
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
        _("Leads created in the period."),
    ),
    # A matured cohort: "share now signed" of recent months is always low (their leads have
    # had no time yet), so a month's rate is final only N days after it ends.
    Metric(
        "lead_conversion",
        _conversion_label(),
        "pct",
        Client,
        "ratio",
        _times("created_at"),
        "team",
        "consultant",
        _conversion_description(),
        hit=_signed_within_days,
        matures_days=conversion_days,
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
]
