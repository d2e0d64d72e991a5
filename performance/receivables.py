"""The receivables board (应收款): reads, per team and for the company, built from the money
metrics (performance/metrics/money.py) so the board, the dashboards and the report agree."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import PaymentStage
from performance.metrics import METRICS, Period, Scope, figures, figures_by_team
from performance.metrics.money import AGEING_KEYS
from teams.models import Team
from teams.ordering import by_name

# The board's figures, in the order of its tiles.
BOARD_KEYS = ["receivables_due", "receivables_overdue", *AGEING_KEYS, "receivables_expected", "money_received"]
AGEING = {
    "0-30": (1, 30),
    "31-60": (31, 60),
    "60+": (61, None),
}


class ReceivableFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=_("status"),
        choices=[("due", _("Due")), ("overdue", _("Overdue"))],
        method="by_state",
        empty_label=_("All open"),
    )
    ageing = django_filters.ChoiceFilter(
        label=_("days overdue"),
        choices=[("0-30", "0–30"), ("31-60", "31–60"), ("60+", "> 60")],
        method="by_ageing",
    )
    team = django_filters.ModelChoiceFilter(
        label=_("team"), field_name="contract__team", queryset=Team.objects.filter(is_active=True)
    )

    class Meta:
        model = PaymentStage
        fields = ["state", "ageing", "team"]

    def __init__(self, *args, today, show_team, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        if not show_team:
            del self.filters["team"]

    def by_state(self, queryset, name, value):
        if value == "overdue":
            return queryset.filter(due_date__lt=self.today)
        return queryset.filter(due_date__gte=self.today)

    def by_ageing(self, queryset, name, value):
        low, high = AGEING[value]
        queryset = queryset.filter(due_date__lte=self.today - dt.timedelta(days=low))
        if high is not None:
            queryset = queryset.filter(due_date__gte=self.today - dt.timedelta(days=high))
        return queryset


def open_stages(*, user):
    """The receivables ``user`` may see: stages due and not fully paid, most overdue first (the partial index
    ``payment_stage_receivable``; the contracts' scope as ``Contract.visible_to``)."""
    return (
        PaymentStage.objects.visible_to(user)
        .filter(due_date__isnull=False, received__lt=F("amount"))
        .select_related("contract__client", "contract__team")
        .order_by("due_date", "pk")
    )


def board_figures(*, scope: Scope, period: Period, now=None) -> dict:
    """The tiles: ``{key: value}`` (one query per model)."""
    values = figures([METRICS[key] for key in BOARD_KEYS], {"v": period}, scope, now=now)
    return {key: values[("v", key)] for key in BOARD_KEYS}


def board_by_team(*, period: Period, now=None) -> list[dict]:
    """One row per active team (the deputy GM's view), in natural order, plus nothing else."""
    values = figures_by_team([METRICS[key] for key in BOARD_KEYS], period, now=now)
    return [
        {"team": team, "values": [values.get(team.pk, {}).get(key, 0) for key in BOARD_KEYS]}
        for team in by_name(Team.objects.filter(is_active=True))
    ]


def stage_row(stage: PaymentStage, today) -> dict:
    return {
        "stage": stage,
        "contract": stage.contract,
        "outstanding": stage.outstanding,
        "days_overdue": stage.days_overdue(today),
        "overdue": stage.due_date < today,
    }


def _today():
    return timezone.localdate()


__all__ = ["BOARD_KEYS", "ReceivableFilter", "board_by_team", "board_figures", "open_stages", "stage_row"]
