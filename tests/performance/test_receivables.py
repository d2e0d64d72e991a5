"""The receivables board (应收款): its figures come from the money metrics, a consultant sees the
team's receivables only, the deputy GM every team's, in a fixed number of queries; Excel export."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from clients import services
from clients.models import PaymentStage
from tests.clients.factories import ClientFactory, ContractFactory
from tests.sheets import open_table

pytestmark = pytest.mark.django_db


def receivable(team, leader, *, days_overdue, amount="10000", received="0"):
    today = timezone.localdate()
    contract = ContractFactory(client=ClientFactory(team=team, consultant=leader), signed_by=leader)
    due = today - dt.timedelta(days=days_overdue)
    stage = PaymentStage.objects.create(contract=contract, name="中期", amount=Decimal(amount), days_to_pay=7)
    services.stage_make_due(stage=stage, on=due - dt.timedelta(days=7))  # as its trigger does
    if Decimal(received):
        services.receipt_record(stage=stage, by=leader, amount=Decimal(received), received_on=today, method="bank")
    return stage


@pytest.fixture
def board(consultant, outsider, team, other_team):
    return {
        "fresh": receivable(team, consultant, days_overdue=-5),
        "d10": receivable(team, consultant, days_overdue=10, received="4000"),
        "d45": receivable(team, consultant, days_overdue=45),
        "d90": receivable(team, consultant, days_overdue=90),
        "other": receivable(other_team, outsider, days_overdue=20, amount="777"),
    }


def tile(html, key):
    start = html.index(f'data-testid="tile-{key}"')
    value = html.index('data-value="', start) + len('data-value="')
    return Decimal(html[value : html.index('"', value)])


def test_consultant_board_shows_the_team_ageing(login, consultant, board):
    html = login(consultant).get(reverse("performance:receivables")).content.decode()
    assert tile(html, "receivables_due") == Decimal("10000.00")
    assert tile(html, "receivables_overdue") == Decimal("26000.00")
    assert tile(html, "receivables_overdue_30") == Decimal("6000.00")
    assert tile(html, "receivables_overdue_60") == Decimal("10000.00")
    assert tile(html, "receivables_overdue_over_60") == Decimal("10000.00")
    assert tile(html, "money_received") == Decimal("4000.00")
    assert board["d45"].contract.number in html
    assert board["other"].contract.number not in html  # another team's receivable


def test_the_board_moves_when_money_is_received(login, consultant, board):
    web = login(consultant)
    before = tile(web.get(reverse("performance:receivables")).content.decode(), "receivables_overdue")
    services.receipt_record(
        stage=board["d45"], by=consultant, amount=Decimal("10000"), received_on=timezone.localdate(), method="bank"
    )
    html = web.get(reverse("performance:receivables")).content.decode()
    assert tile(html, "receivables_overdue") == before - Decimal("10000")
    assert board["d45"].contract.number not in html


def test_gm_sees_every_team_and_filters_by_age(login, gm, board):
    web = login(gm)
    html = web.get(reverse("performance:receivables")).content.decode()
    assert 'data-testid="receivables-teams"' in html and board["other"].contract.number in html
    assert tile(html, "receivables_overdue") == Decimal("26777.00")
    aged = web.get(reverse("performance:receivables"), {"ageing": "60+"}).content.decode()
    assert board["d90"].contract.number in aged and board["d45"].contract.number not in aged


def test_consultant_cannot_pick_another_team(login, consultant, other_team, board):
    response = login(consultant).get(reverse("performance:receivables"), {"team": other_team.pk})
    assert response.status_code == 404


def test_board_query_count_is_fixed(login, gm, consultant, team, board, django_assert_max_num_queries):
    for days in range(30):
        receivable(team, consultant, days_overdue=days * 3)
    web = login(gm)
    web.get(reverse("performance:receivables"))  # the session is written on the first request
    with django_assert_max_num_queries(15):
        assert web.get(reverse("performance:receivables")).status_code == 200


def test_export_lists_the_open_stages(login, consultant, board):
    response = login(consultant).get(reverse("performance:receivables_export"), {"state": "overdue"})
    assert response.status_code == 200
    rows = open_table(response.content)
    numbers = {row[0] for row in rows[1:]}
    assert numbers == {board[k].contract.number for k in ("d10", "d45", "d90")}
    assert rows[1][7] in (6000, 10000)


def test_pm_and_archive_have_no_board(login, pm, admin_clerk):
    for user in (pm, admin_clerk):
        assert login(user).get(reverse("performance:receivables")).status_code == 403


def test_drill_down_lists_exactly_the_overdue_stages(login, consultant, board):
    html = login(consultant).get(reverse("performance:drill", args=["receivables_overdue_60"])).content.decode()
    assert board["d45"].contract.number in html and board["d90"].contract.number not in html
