"""Impossible values are refused by the database (CheckConstraint) as well as by the forms; payment stages
that do not add up to the construction amount are flagged on the contract page with the difference."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from clients.forms import ContractForm, PaymentForm
from clients.models import Client, Contract, PaymentStage
from tests.clients.factories import ClientFactory, ContractFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("model", "values"),
    [
        (Contract, {"design_fee": Decimal("-1")}),
        (Contract, {"construction_amount": Decimal("-0.01")}),
        (Contract, {"floor_area": Decimal("0")}),
        (Contract, {"planned_start": dt.date(2026, 12, 2), "planned_finish": dt.date(2026, 12, 1)}),
        (PaymentStage, {"amount": Decimal("-100")}),
        (Client, {"floor_area": Decimal("-5")}),
    ],
)
def test_database_refuses_impossible_values(model, values):
    contract = ContractFactory()
    row = {Contract: contract, Client: contract.client}.get(model) or PaymentStage.objects.create(
        contract=contract, name="首期", amount=Decimal(1000)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**values)


def test_contract_form_refuses_negative_amounts_and_a_future_signing_date():
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    form = ContractForm(
        {"signed_date": tomorrow, "design_fee": "-8000", "construction_amount": "-1", "floor_area": "0"}
    )
    assert not form.is_valid()
    assert form.errors["design_fee"] == ["设计费不能为负数。"]
    assert form.errors["construction_amount"] == ["工程金额不能为负数。"]
    assert form.errors["floor_area"] == ["面积必须大于 0。"]
    assert form.errors["signed_date"] == ["该日期在今天之后，请填写实际发生的日期。"]


def test_payment_form_refuses_a_negative_amount_and_a_fixed_date_stage_without_date():
    form = PaymentForm({"name": "中期", "amount": "-231600", "trigger": "fixed_date", "days_to_pay": "7"})
    assert not form.is_valid()
    assert "付款金额不能为负数。" in form.errors["amount"]
    assert form.errors["fixed_date"] == ["按固定日期付款的节点需要填写日期。"]


def test_contract_page_flags_stages_that_do_not_add_up(login, consultant):
    contract = ContractFactory(client=ClientFactory(team=consultant.team), construction_amount=Decimal("386000"))
    for name, amount in [("首期", "115800"), ("中期", "240900"), ("尾款", "38600")]:
        PaymentStage.objects.create(contract=contract, name=name, amount=Decimal(amount))
    assert contract.payments_difference == Decimal("9300")
    html = login(consultant).get(reverse("clients:contract_detail", args=[contract.pk])).content.decode()
    assert 'data-testid="payments-difference"' in html and "多出 9300.00 元" in html

    PaymentStage.objects.filter(contract=contract, name="中期").update(amount=Decimal("222300"))
    html = login(consultant).get(reverse("clients:contract_detail", args=[contract.pk])).content.decode()
    assert "还差 9300.00 元" in html

    PaymentStage.objects.filter(contract=contract, name="中期").update(amount=Decimal("231600"))
    html = login(consultant).get(reverse("clients:contract_detail", args=[contract.pk])).content.decode()
    assert 'data-testid="payments-difference"' not in html
