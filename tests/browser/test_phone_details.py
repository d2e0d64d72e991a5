"""Detail pages on a 375 px phone: their small tables (visit plan, payment stages, change history, action items)
show each row as a card, like the lists (static/css/app.css .table-cards), and nothing is wider than the screen."""

from decimal import Decimal

import pytest

from clients.models import ContractChange, PaymentStage
from tests.browser.test_phone_lists import _first_card, _login, _open
from tests.clients.factories import ContractFactory, FollowUpVisitFactory
from tests.meetings.factories import ActionItemFactory, MeetingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _label(card, text):
    # The card line's label comes from the column header (static/js/app.js), so a phone reader knows what it is.
    return card.locator(f'td[data-label="{text}"]')


def test_client_contract_and_meeting_details_fit_a_phone(page, live_server, consultant):
    contract = ContractFactory(client__team=consultant.team, client__consultant=consultant, client__name="马先生")
    client = contract.client
    FollowUpVisitFactory(client=client, contract=contract, point="开工回访")
    PaymentStage.objects.create(contract=contract, name="首期款", amount=Decimal("54000"), due_condition="开工前")
    ContractChange.objects.create(
        contract=contract, changed_by=consultant, field="施工金额", old_value="180000", new_value="186000"
    )
    meeting = MeetingFactory(team=consultant.team)
    ActionItemFactory(meeting=meeting, owner=consultant, text="联系材料商确认到货日期")
    _login(page, live_server, consultant)

    _open(page, f"{live_server.url}/clients/{client.pk}/")
    page.click("[data-testid=tab-visits]")
    card = _first_card(page, "visit-plan")
    assert card.locator(".cell-title").inner_text() == "开工回访"
    assert _label(card, "操作").get_by_role("link", name="登记").is_visible()
    assert not _label(card, "方式").is_visible()  # .cell-extra: left out on a phone

    _open(page, f"{live_server.url}/clients/contracts/{contract.pk}/")
    card = _first_card(page, "payments")
    assert card.locator(".cell-title").inner_text() == "首期款"
    # The trigger (签约时, the default) and the condition written under it.
    assert _label(card, "付款条件").inner_text().split() == ["签约时", "开工前"]
    card = _first_card(page, "visit-plan")
    assert card.locator(".cell-title").inner_text() == "开工回访"
    card = _first_card(page, "contract-changes")
    assert card.locator(".cell-title").inner_text() == "施工金额"
    assert "180000 → 186000" in card.inner_text()

    _open(page, f"{live_server.url}/meetings/{meeting.pk}/")
    card = _first_card(page, "action-table")
    assert card.locator(".cell-title").inner_text() == "联系材料商确认到货日期"
    assert _label(card, "操作").get_by_role("button").is_visible()
