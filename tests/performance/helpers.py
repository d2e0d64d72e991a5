"""Local helpers for performance tests (the shared factories are read-only)."""

import datetime as dt
from decimal import Decimal

from performance.models import CardItem, RoleTemplateItem, TargetCard


def make_card(member, month=dt.date(2026, 11, 1), state=TargetCard.State.DRAFT, items=None):
    card = TargetCard.objects.create(member=member, team=member.team, month=month, state=state)
    for order, (label, metric, target, weight) in enumerate(
        items or [("签约单数", "signings", "2", 60), ("方案确认数", "manual", "4", 40)]
    ):
        CardItem.objects.create(
            card=card, label=label, metric=metric, target=Decimal(target), weight=weight, order=order
        )
    return card


def templates_for(role):
    return RoleTemplateItem.objects.filter(role=role)
