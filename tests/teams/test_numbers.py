"""Every figure is exact and rounded half up, in whichever app computes it (teams/numbers.py)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from clients.selectors import satisfaction_by_team_month
from teams.numbers import mean, ratio, round_half_up
from tests.clients.factories import ClientFactory, FollowUpVisitFactory


def test_half_up_not_half_even():
    assert round_half_up(Decimal("14.625")) == Decimal("14.63")
    assert mean(843, 200) == Decimal("4.22")
    assert mean(33, 8) == Decimal("4.13")  # 4.125: Python's round() gives 4.12
    assert ratio(1, 8) == Decimal("12.5")


def test_floats_are_refused():
    with pytest.raises(TypeError):
        round_half_up(4.125)


@pytest.mark.django_db
def test_the_satisfaction_chart_rounds_half_up(gm, team, consultant):
    client = ClientFactory(team=team, consultant=consultant)
    done = timezone.now() - dt.timedelta(days=1)
    for score in [4, 4, 4, 4, 4, 4, 4, 5]:  # 33 / 8 = 4.125
        FollowUpVisitFactory(client=client, owner=consultant, done_at=done, satisfaction=score, contract=None)
    chart = satisfaction_by_team_month(user=gm, months=1, today=timezone.localdate())
    assert chart["series"][team.name] == [4.13]


@pytest.mark.django_db
def test_money_sum_reads_in_fen_on_every_database():
    """SQLite sums 60000.00 + 0.50 as 60000.5 and 54000.00 as 54000; the page reads "54000.00" on both."""
    from clients.models import PaymentStage
    from teams.numbers import MoneySum
    from tests.clients.factories import ContractFactory

    contract = ContractFactory()
    PaymentStage.objects.filter(contract=contract).delete()
    PaymentStage.objects.create(contract=contract, name="首期", amount=Decimal("54000"))
    total = PaymentStage.objects.filter(contract=contract).aggregate(t=MoneySum("amount"))["t"]
    assert str(total) == "54000.00"
    assert MoneySum._in_fen(54000, None, None) == Decimal("54000.00") and MoneySum._in_fen(None, None, None) is None
    assert str(MoneySum._in_fen(60000.5, None, None)) == "60000.50"
