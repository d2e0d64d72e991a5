"""Contract money on the clients floor: stages due at their trigger, receipts, refunds and
reversing entries, the overdue scan (reminder, then escalation, each once), the final account."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from clients import services
from clients.models import Client, PaymentStage, Receipt
from teams.models import Notification
from tests.clients.factories import ClientFactory, ContractFactory


@pytest.fixture
def contract(consultant):
    return ContractFactory(client=ClientFactory(team=consultant.team, consultant=consultant))


def stage(contract, **kw):
    values = {"name": "首期", "amount": Decimal("54000.00"), "trigger": PaymentStage.Trigger.SIGNING}
    values.update(kw)
    return PaymentStage.objects.create(contract=contract, **values)


def test_signing_makes_only_the_signing_stage_due_and_tells_the_consultant(consultant):
    client = ClientFactory(team=consultant.team, consultant=consultant, stage=Client.Stage.QUOTED)
    signed = timezone.localdate()
    contract = services.contract_sign(
        client=client, by=consultant, data={"signed_date": signed, "construction_amount": Decimal(200000)}
    )
    first, middle, last = contract.payments.order_by("order")
    assert (first.trigger, first.triggered_on, first.due_date) == ("signing", signed, signed + dt.timedelta(days=3))
    assert middle.trigger == "phase" and middle.due_date is None
    assert last.trigger == "completion" and last.due_date is None
    assert Notification.objects.filter(recipient=consultant, title__contains="首期").count() == 1


def test_receipts_partial_refund_and_reversal_add_up(contract, consultant):
    s = stage(contract)
    today = timezone.localdate()
    first = services.receipt_record(
        stage=s, by=consultant, amount=Decimal("20000"), received_on=today, method="bank", number="SK-001"
    )
    services.receipt_record(
        stage=s, by=consultant, amount=Decimal("34000"), received_on=today, method="wechat", number="SK-002"
    )
    s.refresh_from_db()
    assert s.received == Decimal("54000") and s.paid_date == today and s.status(today) == "paid"
    services.receipt_record(
        stage=s, by=consultant, amount=Decimal("1000"), received_on=today, method="bank", refund=True, reason="多收"
    )
    reversal = services.receipt_reverse(receipt=first, by=consultant, reason="金额录错")
    s.refresh_from_db()
    raw = Receipt.objects.filter(stage=s).aggregate(total=Sum("amount"))["total"]
    assert s.received == raw == Decimal("33000")
    assert s.paid_date is None and s.outstanding == Decimal("21000")
    assert reversal.amount == Decimal("-20000") and reversal.reverses == first
    first.refresh_from_db()
    assert first.amount == Decimal("20000")  # the receipt itself is never rewritten
    account = services.contract_money(contract)
    assert account.received == Decimal("33000")
    assert account.outstanding == contract.current_value - Decimal("33000")


def test_a_receipt_is_reversed_once_and_a_reversal_not_at_all(contract, consultant):
    s = stage(contract)
    receipt = services.receipt_record(
        stage=s, by=consultant, amount=Decimal("100"), received_on=timezone.localdate(), method="cash"
    )
    reversal = services.receipt_reverse(receipt=receipt, by=consultant, reason="重复")
    with pytest.raises(ValidationError):
        services.receipt_reverse(receipt=receipt, by=consultant, reason="again")
    with pytest.raises(ValidationError):
        services.receipt_reverse(receipt=reversal, by=consultant, reason="undo")
    s.refresh_from_db()
    assert s.received == 0


def test_database_refuses_a_negative_receipt_and_a_refund_without_reason(contract, consultant):
    s = stage(contract)
    base = {"contract": contract, "stage": s, "received_on": timezone.localdate(), "recorded_by": consultant}
    with transaction.atomic(), pytest.raises(IntegrityError):
        Receipt.objects.create(kind="receipt", amount=Decimal("-1"), **base)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Receipt.objects.create(kind="refund", amount=Decimal("-1"), reason="", **base)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Receipt.objects.create(kind="reversal", amount=Decimal("-1"), reason="x", **base)  # reverses nothing


def test_refund_cannot_exceed_what_was_received(contract, consultant):
    s = stage(contract)
    with pytest.raises(ValidationError):
        services.receipt_record(
            stage=s,
            by=consultant,
            amount=Decimal("1"),
            received_on=timezone.localdate(),
            method="bank",
            refund=True,
            reason="x",
        )


def test_only_the_teams_consultant_and_the_gm_change_money(contract, outsider, pm, gm):
    s = stage(contract)
    for user in (outsider, pm):
        with pytest.raises(PermissionDenied):
            services.receipt_record(
                stage=s, by=user, amount=Decimal("1"), received_on=timezone.localdate(), method="bank"
            )
    services.receipt_record(stage=s, by=gm, amount=Decimal("1"), received_on=timezone.localdate(), method="bank")


def test_overdue_scan_reminds_then_escalates_each_once(contract, consultant, gm):
    today = timezone.localdate()
    s = stage(contract, triggered_on=today - dt.timedelta(days=20), due_date=today - dt.timedelta(days=17))
    fresh = stage(
        contract, name="中期", triggered_on=today - dt.timedelta(days=3), due_date=today - dt.timedelta(days=1)
    )
    first = services.payment_stages_scan()
    second = services.payment_stages_scan()
    assert first == {"due": 0, "reminded": 2, "escalated": 1}
    assert second == {"due": 0, "reminded": 0, "escalated": 0}
    assert Notification.objects.filter(recipient=consultant, title__contains="逾期").count() == 2
    assert Notification.objects.filter(recipient=gm).count() == 1
    s.refresh_from_db()
    fresh.refresh_from_db()
    assert s.reminded_at and s.escalated_at and fresh.reminded_at and fresh.escalated_at is None


def test_paid_stage_is_not_reminded(contract, consultant):
    today = timezone.localdate()
    s = stage(
        contract, amount=Decimal("10"), triggered_on=today - dt.timedelta(days=9), due_date=today - dt.timedelta(days=2)
    )
    services.receipt_record(stage=s, by=consultant, amount=Decimal("10"), received_on=today, method="bank")
    assert services.payment_stages_scan()["reminded"] == 0


def test_fixed_date_stage_becomes_due_on_its_date_not_before(contract, consultant):
    today = timezone.localdate()
    later = stage(contract, name="质保金", trigger="fixed_date", fixed_date=today + dt.timedelta(days=1))
    now_due = stage(contract, name="二期", trigger="fixed_date", fixed_date=today, days_to_pay=5)
    assert services.payment_stages_scan()["due"] == 1
    assert services.payment_stages_scan()["due"] == 0
    later.refresh_from_db()
    now_due.refresh_from_db()
    assert later.due_date is None
    assert now_due.due_date == today + dt.timedelta(days=5)


def test_stage_due_only_once_even_if_triggered_twice(contract):
    s = stage(contract, trigger="completion")
    day = timezone.localdate()
    assert services.stage_make_due(stage=s, on=day) is True
    assert services.stage_make_due(stage=s, on=day + dt.timedelta(days=3)) is False
    s.refresh_from_db()
    assert s.triggered_on == day


def test_beat_task_runs_the_scan_twice_and_sends_once(contract, consultant, gm):
    import projects.tasks  # noqa: F401 (registers its task)
    from clients.tasks import scan_payment_stages
    from config.celery import BEAT_SCHEDULE, app

    assert BEAT_SCHEDULE["clients-scan-payment-stages"]["task"] in app.tasks
    assert BEAT_SCHEDULE["projects-warranty-payment-stages"]["task"] in app.tasks
    today = timezone.localdate()
    stage(contract, triggered_on=today - dt.timedelta(days=40), due_date=today - dt.timedelta(days=33))
    assert scan_payment_stages() == {"due": 0, "reminded": 1, "escalated": 1}
    assert scan_payment_stages() == {"due": 0, "reminded": 0, "escalated": 0}
    assert Notification.objects.filter(recipient=gm).count() == 1


def test_resplit_shares_the_difference_over_the_open_stages_and_keeps_the_history(contract, consultant, login):
    Contract = type(contract)
    Contract.objects.filter(pk=contract.pk).update(construction_amount=Decimal("100000"), approved_changes=0)
    contract.refresh_from_db()
    paid = stage(contract, name="首期", amount=Decimal("30000"), order=0)
    services.receipt_record(
        stage=paid, by=consultant, amount=Decimal("30000"), received_on=timezone.localdate(), method="bank"
    )
    stage(contract, name="中期", amount=Decimal("40000"), order=1, trigger="completion")
    stage(contract, name="尾款", amount=Decimal("20000"), order=2, trigger="completion")
    # 10,000 missing: shared 2 : 1 by what the open stages still have to receive; the paid stage untouched.
    browser = login(consultant)
    page = browser.get(f"/clients/contracts/{contract.pk}/").content.decode()
    assert 'data-testid="payments-resplit"' in page
    browser.post(f"/clients/contracts/{contract.pk}/payments/resplit/")
    amounts = dict(contract.payments.values_list("name", "amount"))
    assert amounts == {"首期": Decimal("30000"), "中期": Decimal("46666.67"), "尾款": Decimal("23333.33")}
    assert sum(amounts.values()) == contract.current_value
    assert contract.changes.filter(field__contains="中期", old_value="40000.00", new_value="46666.67").exists()
    assert services.payment_stages_resplit(contract=contract, by=consultant) == 0  # adds up now: nothing to do
    assert 'data-testid="payments-resplit"' not in browser.get(f"/clients/contracts/{contract.pk}/").content.decode()


def test_resplit_never_goes_below_what_was_received(contract, consultant, outsider):
    Contract = type(contract)
    Contract.objects.filter(pk=contract.pk).update(construction_amount=Decimal("10000"), approved_changes=0)
    contract.refresh_from_db()
    s = stage(contract, amount=Decimal("50000"))
    services.receipt_record(
        stage=s, by=consultant, amount=Decimal("45000"), received_on=timezone.localdate(), method="bank"
    )
    with pytest.raises(ValidationError):
        services.payment_stages_resplit(contract=contract, by=consultant)
    with pytest.raises(PermissionDenied):
        services.payment_stages_resplit(contract=contract, by=outsider)
    assert contract.payments.get().amount == Decimal("50000")
