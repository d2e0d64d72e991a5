from decimal import Decimal

import pytest
from django.db import transaction

from clients.models import PaymentStage
from teams.audit import changes_against_db
from tests.clients.factories import ContractFactory

pytestmark = pytest.mark.django_db


def test_compares_with_the_row_even_when_the_instance_was_already_changed():
    stage = PaymentStage.objects.create(contract=ContractFactory(), name="中期", amount=Decimal("231600"))
    stage.amount = Decimal("240900")  # what ModelForm.is_valid() does to its instance
    with transaction.atomic():
        changes = changes_against_db(stage, {"amount": Decimal("240900"), "name": "中期"}, ["name", "amount"])
    assert [(c.name, c.old_text, c.new_text) for c in changes] == [("amount", "231600.00", "240900.00")]


def test_a_new_record_changes_every_field_given_a_value_and_hidden_values_stay_out():
    stage = PaymentStage(contract=ContractFactory())
    with transaction.atomic():
        changes = changes_against_db(
            stage, {"name": "尾款", "due_condition": "", "amount": Decimal(5)}, ["name", "due_condition", "amount"],
            hidden=["amount"],
        )  # fmt: skip
    assert [(c.name, c.old_text, c.new_text, c.hidden) for c in changes] == [
        ("name", "", "尾款", False),
        ("amount", "", "", True),
    ]
    assert str(changes[1]) == "金额（元）已修改"
