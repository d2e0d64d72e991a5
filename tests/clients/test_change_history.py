"""变更记录: every tracked field of contracts, payment stages and clients, changed through its edit page
(whose ModelForm writes into the instance before the service runs), leaves one entry with old and new value."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from clients.forms import ClientForm, ContractForm, PaymentForm
from clients.models import Client, ClientEvent, Contract, ContractChange, PaymentStage
from clients.services import EDITABLE_FIELDS, TRACKED_CONTRACT_FIELDS, TRACKED_PAYMENT_FIELDS
from clients.services.leads import PERSONAL_FIELDS
from tests.clients.factories import ClientFactory, ContractFactory
from tests.forms import shown_values

pytestmark = pytest.mark.django_db


def label(model, name) -> str:
    return str(model._meta.get_field(name).verbose_name)


# field → (value posted, how the history shows the old value, how it shows the new value)
CONTRACT_EDITS = {
    "number": ("HT-202611-0999", "HT-2026-00001", "HT-202611-0999"),
    "address": ("静安区新闸路 8 号", "", "静安区新闸路 8 号"),
    "floor_area": ("118.5", "", "118.5"),
    "style": ("北欧", "", "北欧"),
    "package": ("全包", "", "全包"),
    "design_fee": ("9500", "8000.00", "9500.00"),
    "construction_amount": ("240900", "180000.00", "240900.00"),
    "signed_date": ("2026-11-02", "2026-11-01", "2026-11-02"),
    "planned_start": ("2026-12-01", "", "2026-12-01"),
    "planned_finish": ("2027-03-01", "", "2027-03-01"),
}


def test_every_tracked_contract_field_is_in_the_table():
    assert set(CONTRACT_EDITS) == set(TRACKED_CONTRACT_FIELDS)


@pytest.mark.parametrize("field", list(CONTRACT_EDITS))
def test_contract_edit_records_each_changed_field(login, consultant, field):
    contract = ContractFactory(
        client=ClientFactory(team=consultant.team), number="HT-2026-00001", signed_date=dt.date(2026, 11, 1)
    )
    value, old, new = CONTRACT_EDITS[field]
    data = {**shown_values(ContractForm(instance=contract, initial={"version": contract.version})), field: value}
    response = login(consultant).post(reverse("clients:contract_edit", args=[contract.pk]), data)
    assert response.status_code == 302
    change = Contract.objects.get(pk=contract.pk).changes.get()
    assert (change.field, change.old_value, change.new_value) == (label(Contract, field), old, new)
    assert change.changed_by == consultant


PAYMENT_EDITS = {
    "name": ("中期款", "中期", "中期款"),
    "amount": ("240900", "231600.00", "240900.00"),
    "due_condition": ("木工验收后", "水电验收后", "木工验收后"),
    "trigger": ("completion", "签约时", "竣工时"),
    "fixed_date": ("2026-11-20", "2026-10-20", "2026-11-20"),
    "days_to_pay": ("10", "7", "10"),
}
# The stage's starting state for a field that needs another one (a fixed date needs that trigger).
PAYMENT_START = {"fixed_date": {"trigger": "fixed_date", "fixed_date": "2026-10-20"}}


def test_every_tracked_payment_field_is_in_the_table():
    assert set(PAYMENT_EDITS) == set(TRACKED_PAYMENT_FIELDS)


@pytest.mark.parametrize("field", list(PAYMENT_EDITS))
def test_payment_stage_edit_records_each_changed_field(login, consultant, field):
    contract = ContractFactory(client=ClientFactory(team=consultant.team))
    stage = PaymentStage.objects.create(
        contract=contract,
        name="中期",
        amount=Decimal("231600"),
        due_condition="水电验收后",
        order=1,
        **{"trigger": "phase", **PAYMENT_START.get(field, {})},
    )
    if field == "trigger":
        stage.trigger = "signing"
        stage.save(update_fields=["trigger"])
    value, old, new = PAYMENT_EDITS[field]
    data = {**shown_values(PaymentForm(instance=stage)), field: value}
    response = login(consultant).post(reverse("clients:payment_edit", args=[contract.pk, stage.pk]), data)
    assert response.status_code == 302
    change = contract.changes.get()
    assert change.field == f"付款 中期：{label(PaymentStage, field)}"
    assert (change.old_value, change.new_value) == (old, new)
    # Read in the reader's language: the same row in English (issue 13: history is not frozen in one language).
    with translation.override("en"):
        english = str(PaymentStage._meta.get_field(field).verbose_name)
        assert ContractChange.objects.get(pk=change.pk).shown["field"] == f"Payment 中期: {english}"


def test_new_payment_stage_records_what_it_was_given(login, consultant):
    contract = ContractFactory(client=ClientFactory(team=consultant.team))
    data = {"name": "尾款", "amount": "26000", "trigger": "completion", "days_to_pay": "7"}
    login(consultant).post(reverse("clients:payment_add", args=[contract.pk]), data)
    assert {(c.field, c.old_value, c.new_value) for c in contract.changes.all()} == {
        (f"付款 尾款：{label(PaymentStage, 'name')}", "", "尾款"),
        (f"付款 尾款：{label(PaymentStage, 'amount')}", "", "26000.00"),
        (f"付款 尾款：{label(PaymentStage, 'trigger')}", "", "竣工时"),
        (f"付款 尾款：{label(PaymentStage, 'days_to_pay')}", "", "7"),
    }


CLIENT_EDITS = {
    "name": ("李先生", "王美丽", "李先生"),
    "phone": ("13900001111", None, None),
    "phone2": ("13900002222", None, None),
    "wechat": ("wx_li", None, None),
    "district": ("静安区", "", "静安区"),
    "community": ("静安枫景", "", "静安枫景"),
    "building": ("3 号楼 1201", "", "3 号楼 1201"),
    "property_type": ("villa", Client.PropertyType.APARTMENT.label, Client.PropertyType.VILLA.label),
    "floor_area": ("96", "", "96.0"),
    "budget": ("20_40", "", Client.Budget.B20_40.label),
    "intent": ("high", Client.Intent.MEDIUM.label, Client.Intent.HIGH.label),
    "source": ("online", Client.Source.HOTLINE.label, Client.Source.ONLINE.label),
    "referrer": ("张阿姨", "", "张阿姨"),
    "consultant": (None, None, None),  # filled in below: another consultant of the team
    "notes": ("周末方便联系", "", "周末方便联系"),
}


def test_every_editable_client_field_is_in_the_table():
    assert set(CLIENT_EDITS) == set(EDITABLE_FIELDS)


@pytest.mark.parametrize("field", list(CLIENT_EDITS))
def test_client_edit_records_each_changed_field(login, consultant, field):
    from tests.teams.factories import UserFactory

    lead = ClientFactory(team=consultant.team, consultant=consultant, name="王美丽", phone="13812345678")
    value, old, new = CLIENT_EDITS[field]
    if field == "consultant":
        other = UserFactory(role="consultant", team=consultant.team, full_name="赵顾问")
        value, old, new = str(other.pk), str(consultant), str(other)
    data = {**shown_values(ClientForm(instance=lead, team=lead.team, initial={"version": lead.version})), field: value}
    response = login(consultant).post(reverse("clients:edit", args=[lead.pk]), data)
    assert response.status_code == 302
    event = Client.objects.get(pk=lead.pk).events.get(kind=ClientEvent.Kind.EDIT)
    if field in PERSONAL_FIELDS:  # named, the number itself kept out of the timeline
        assert event.text == f"{label(Client, field)}已修改" and value not in event.text
    else:
        assert event.text == f"{label(Client, field)}：{old or '—'} → {new}"
    # An English reader reads the same line in English: field name and choice labels too.
    with translation.override("en"):
        english = event.display_text
        assert english.startswith(f"{label(Client, field)}") and "：" not in english
        if field in ("property_type", "intent", "source"):
            assert english == f"{label(Client, field)}: {old} → {new}"
