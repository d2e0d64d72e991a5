"""The contract page's money line and the receipt pages: who may, what the database holds after."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from clients import services
from clients.models import PaymentStage, Receipt
from tests.clients.factories import ClientFactory, ContractFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


@pytest.fixture
def contract(consultant):
    contract = ContractFactory(
        client=ClientFactory(team=consultant.team, consultant=consultant), construction_amount=Decimal("200000")
    )
    PaymentStage.objects.create(contract=contract, name="首期", amount=Decimal("60000"), order=0)
    return contract


def stage_of(contract):
    return contract.payments.get()


def test_contract_page_shows_the_money_in_one_line(login, consultant, contract):
    services.receipt_record(
        stage=stage_of(contract),
        by=consultant,
        amount=Decimal("25000"),
        received_on=timezone.localdate(),
        method="bank",
        number="SK-1",
    )
    html = login(consultant).get(reverse("clients:contract_detail", args=[contract.pk])).content.decode()
    line = html[html.index('data-testid="money-line"') :][:2500]
    for testid, text in [
        ("money-original", "¥200000.00"),
        ("money-changes", "¥0.00"),
        ("money-current", "¥200000.00"),
        ("money-received", "¥25000.00"),
        ("money-outstanding", "¥175000.00"),
    ]:
        assert f'data-testid="{testid}">{text}<' in line
    assert "SK-1" in html


def test_receipt_recorded_through_the_form_with_its_scan(login, consultant, contract):
    stage = stage_of(contract)
    data = {
        "stage": stage.pk,
        "amount": "60000",
        "received_on": timezone.localdate().isoformat(),
        "method": "wechat",
        "number": "SK-77",
        "scan": SimpleUploadedFile("收据.pdf", PDF, content_type="application/pdf"),
    }
    web = login(consultant)
    response = web.post(reverse("clients:receipt_add", args=[contract.pk]), data)
    assert response.status_code == 302
    receipt = Receipt.objects.get()
    stage.refresh_from_db()
    assert (receipt.amount, receipt.number, stage.received, stage.paid_date) == (
        Decimal("60000.00"),
        "SK-77",
        Decimal("60000.00"),
        timezone.localdate(),
    )
    scan = web.get(reverse("clients:receipt_scan", args=[contract.pk, receipt.pk]))
    assert scan.status_code == 200 and b"".join(scan.streaming_content).startswith(b"%PDF")


def test_refund_without_reason_keeps_what_was_typed(login, consultant, contract):
    data = {
        "stage": stage_of(contract).pk,
        "amount": "500",
        "received_on": timezone.localdate().isoformat(),
        "method": "cash",
        "number": "TK-9",
        "refund": "on",
    }
    response = login(consultant).post(reverse("clients:receipt_add", args=[contract.pk]), data)
    assert response.status_code == 200
    assert "退款需要填写原因" in response.content.decode() and 'value="TK-9"' in response.content.decode()
    assert not Receipt.objects.exists()


def test_reversal_through_the_form(login, consultant, contract):
    receipt = services.receipt_record(
        stage=stage_of(contract), by=consultant, amount=Decimal("100"), received_on=timezone.localdate(), method="bank"
    )
    url = reverse("clients:receipt_reverse", args=[contract.pk, receipt.pk])
    assert login(consultant).post(url, {"reason": "录错"}).status_code == 302
    assert Receipt.objects.get(reverses=receipt).amount == Decimal("-100.00")
    assert login(consultant).get(url).status_code == 404  # reversed once


def test_other_teams_contract_money_answers_404(login, outsider, contract, consultant):
    receipt = services.receipt_record(
        stage=stage_of(contract), by=consultant, amount=Decimal("100"), received_on=timezone.localdate(), method="bank"
    )
    web = login(outsider)
    for url in (
        reverse("clients:contract_detail", args=[contract.pk]),
        reverse("clients:receipt_add", args=[contract.pk]),
        reverse("clients:receipt_reverse", args=[contract.pk, receipt.pk]),
        reverse("clients:receipt_scan", args=[contract.pk, receipt.pk]),
    ):
        assert web.get(url).status_code == 404, url
        assert web.post(url, {"reason": "x"}).status_code == 404, url
    assert Receipt.objects.count() == 1


def test_pm_and_archive_clerk_never_see_amounts(login, pm, admin_clerk, contract):
    for user in (pm, admin_clerk):
        assert login(user).get(reverse("clients:contract_detail", args=[contract.pk])).status_code == 403
        assert login(user).get(reverse("clients:receipt_add", args=[contract.pk])).status_code == 403


def test_future_receipt_date_is_refused(login, consultant, contract):
    data = {
        "stage": stage_of(contract).pk,
        "amount": "1",
        "method": "bank",
        "received_on": (timezone.localdate() + dt.timedelta(days=1)).isoformat(),
    }
    assert login(consultant).post(reverse("clients:receipt_add", args=[contract.pk]), data).status_code == 200
    assert not Receipt.objects.exists()


def test_home_panel_lists_the_teams_overdue_payments_only(login, consultant, outsider, contract):
    today = timezone.localdate()
    PaymentStage.objects.filter(contract=contract).update(
        triggered_on=today - dt.timedelta(days=12), due_date=today - dt.timedelta(days=5)
    )
    other = ContractFactory(client=ClientFactory(team=outsider.team, consultant=outsider))
    PaymentStage.objects.create(
        contract=other,
        name="尾款",
        amount=Decimal("9"),
        triggered_on=today - dt.timedelta(days=8),
        due_date=today - dt.timedelta(days=1),
    )
    html = login(consultant).get(reverse("teams:home")).content.decode()
    panel = html[html.index('data-testid="panel-receivables"') :][:1500]
    assert contract.number in panel and "1 个节点 · ¥60000.00" in panel
    assert other.number not in panel
