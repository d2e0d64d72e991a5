"""Contract money (收款): payment stages becoming due when their trigger happens, receipts,
refunds and reversing entries, the overdue scan, and the final account (决算).

A stage is due from the day its trigger happens — signing (here), a phase's passed inspection,
completion and the end of the warranty (projects/services/money.py calls
``contract_stages_trigger``), or its fixed date (the daily scan) — and must be paid within its
``days_to_pay``. Receipts are appended, never edited: a mistake is cancelled by a reversing
entry. Each write keeps ``PaymentStage.received`` (the stage's receipts added up) in the same
transaction; ``tests/clients/test_money.py`` reconciles it with the raw rows."""

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Contract, ContractChange, PaymentStage, Receipt
from teams.editing import claim
from teams.facts import facts_save, facts_write
from teams.messages import Message
from teams.models import NotificationKind, User
from teams.numbers import MoneySum
from teams.selectors import deputy_gms
from teams.services import notify


def _contract_url(contract: Contract) -> str:
    return reverse("clients:contract_detail", args=[contract.pk])


def _check_money_rights(contract: Contract, by: User) -> None:
    if not contract.can_change_money(by):
        raise PermissionDenied


def stage_make_due(*, stage: PaymentStage, on: dt.date) -> bool:
    """The stage's trigger happened on ``on``: it is due, to be paid within its days to pay.
    Only the first call counts (a conditional UPDATE), so a second inspection or a double
    scan changes nothing; the team's consultant is told once."""
    due = on + dt.timedelta(days=stage.days_to_pay)
    with facts_write(PaymentStage, stage.pk):  # now a receivable (performance/rollups.py)
        won = PaymentStage.objects.filter(pk=stage.pk, triggered_on=None).update(triggered_on=on, due_date=due) == 1
    if not won:
        return False
    stage.triggered_on, stage.due_date = on, due
    contract = stage.contract
    notify(
        kind=NotificationKind.MONEY,
        recipients=[contract.team.responsible(preferred=contract.client.consultant)],
        title=Message(
            "Payment stage due: %(contract)s · %(stage)s, pay by %(date)s",
            contract=contract.number,
            stage=stage.name,
            date=due,
        ),
        body=Message("Client %(client)s.", client=contract.client),
        url=_contract_url(contract),
    )
    return True


def contract_stages_trigger(*, contract: Contract, trigger: str, on: dt.date) -> int:
    """Every stage of ``contract`` waiting for ``trigger`` becomes due on ``on``."""
    stages = contract.payments.filter(trigger=trigger, triggered_on=None).select_related(
        "contract__team", "contract__client__consultant"
    )
    return sum(stage_make_due(stage=stage, on=on) for stage in stages)


def _amount_via(receipt: Receipt) -> Message:
    """A receipt in the contract's history: its amount, and its number or else how it was paid."""
    via = receipt.number or Receipt.Method(receipt.method).label
    return Message("%(amount)s (%(via)s)", amount=str(receipt.amount), via=via)


def _stage_add_received(stage: PaymentStage, amount: Decimal, on: dt.date) -> None:
    with facts_write(PaymentStage, stage.pk):  # what is still receivable (performance/rollups.py)
        PaymentStage.objects.filter(pk=stage.pk).update(received=F("received") + amount)
    stage.refresh_from_db(fields=["received", "amount", "paid_date"])
    paid = stage.received >= stage.amount and stage.amount > 0
    paid_date = (stage.paid_date or on) if paid else None
    if paid_date != stage.paid_date:
        PaymentStage.objects.filter(pk=stage.pk).update(paid_date=paid_date)
        stage.paid_date = paid_date


def _store_scan(receipt: Receipt, upload, content_type: str) -> None:
    if upload is None:
        return
    receipt.scan_name = upload.name[:200]
    receipt.scan_type = content_type
    upload.name = f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()[:8]}"
    receipt.scan = upload


@transaction.atomic
def receipt_record(
    *,
    stage: PaymentStage,
    by: User,
    amount: Decimal,
    received_on: dt.date,
    method: str,
    number: str = "",
    refund: bool = False,
    reason: str = "",
    scan=None,
    scan_type: str = "",
) -> Receipt:
    """Record money received against ``stage`` (a part payment is fine), or with ``refund``
    money paid back (stored negative, with its reason)."""
    contract = stage.contract
    _check_money_rights(contract, by)
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("Enter an amount more than 0.")})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("The date cannot be in the future.")})
    if refund and not reason.strip():
        raise ValidationError({"reason": _("A refund needs a reason.")})
    if refund and amount > stage.received:
        raise ValidationError({"amount": _("A refund cannot be more than was received for this stage.")})
    receipt = Receipt(
        contract=contract,
        stage=stage,
        kind=Receipt.Kind.REFUND if refund else Receipt.Kind.RECEIPT,
        amount=-amount if refund else amount,
        received_on=received_on,
        method=method,
        number=number.strip(),
        reason=reason.strip(),
        recorded_by=by,
    )
    _store_scan(receipt, scan, scan_type)
    receipt.full_clean()
    facts_save(receipt)
    _stage_add_received(stage, receipt.amount, received_on)
    what = Message("Refund %(stage)s", stage=stage.name) if refund else Message("Receipt %(stage)s", stage=stage.name)
    ContractChange(contract=contract, changed_by=by).set_texts(field=what, new=_amount_via(receipt)).save()
    return receipt


@transaction.atomic
def receipt_reverse(*, receipt: Receipt, by: User, reason: str, on: dt.date | None = None) -> Receipt:
    """Cancel ``receipt`` with a reversing entry of the opposite amount; the receipt itself
    stays as it was. A receipt is reversed at most once (the database holds it)."""
    _check_money_rights(receipt.contract, by)
    if receipt.kind == Receipt.Kind.REVERSAL:
        raise ValidationError(_("A reversing entry cannot itself be reversed; record the receipt again."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the receipt is reversed.")})
    if Receipt.objects.filter(reverses=receipt).exists():
        raise ValidationError(_("This receipt has already been reversed."))
    reversal = Receipt(
        contract=receipt.contract,
        stage=receipt.stage,
        kind=Receipt.Kind.REVERSAL,
        amount=-receipt.amount,
        received_on=on or timezone.localdate(),
        method=receipt.method,
        number="",
        reason=reason.strip(),
        reverses=receipt,
        recorded_by=by,
    )
    reversal.full_clean()
    facts_save(reversal)
    _stage_add_received(receipt.stage, reversal.amount, reversal.received_on)
    ContractChange(contract=receipt.contract, changed_by=by).set_texts(
        field=Message("Reversing entry %(stage)s", stage=receipt.stage.name),
        old=_amount_via(receipt),
        new=str(reversal.amount),
    ).save()
    return reversal


@dataclass(frozen=True)
class FinalAccount:
    """决算: what the contract is worth at the end and how the money stands."""

    original: Decimal
    approved_changes: Decimal
    final: Decimal
    received: Decimal
    outstanding: Decimal
    stages_total: Decimal

    @property
    def stages_difference(self) -> Decimal:
        """Stages added up minus the final value: 0 when the plan covers the contract."""
        return self.stages_total - self.final


def contract_money(contract: Contract) -> FinalAccount:
    """The contract's money line (original, approved changes, current value, received,
    outstanding) — at completion it is the final account. Two queries."""
    stages_total = contract.payments.aggregate(total=MoneySum("amount"))["total"] or Decimal("0.00")
    received = Receipt.objects.filter(contract=contract).aggregate(total=MoneySum("amount"))["total"] or Decimal("0.00")
    final = contract.current_value
    return FinalAccount(
        original=contract.construction_amount,
        approved_changes=contract.approved_changes,
        final=final,
        received=received,
        outstanding=final - received,
        stages_total=stages_total,
    )


def _overdue_stages(today: dt.date):
    return PaymentStage.objects.filter(due_date__lt=today, received__lt=F("amount")).select_related(
        "contract__team", "contract__client__consultant"
    )


def payment_stages_scan(*, now=None, escalate_days: int | None = None) -> dict:
    """The daily scan: stages whose fixed date has come become due; an overdue stage reminds the
    team's consultant once, and ``RECEIVABLE_ESCALATE_DAYS`` days overdue the deputy GM once
    (each claimed by a conditional UPDATE, so running it twice sends nothing twice)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    days = settings.RECEIVABLE_ESCALATE_DAYS if escalate_days is None else escalate_days
    made_due = 0
    for stage in PaymentStage.objects.filter(
        trigger=PaymentStage.Trigger.FIXED_DATE, triggered_on=None, fixed_date__lte=today
    ).select_related("contract__team", "contract__client__consultant"):
        with transaction.atomic():
            made_due += stage_make_due(stage=stage, on=stage.fixed_date)
    reminded = escalated = 0
    for stage in _overdue_stages(today).filter(reminded_at=None):
        contract = stage.contract
        with transaction.atomic():
            if not claim(stage, "reminded_at", now):
                continue
            notify(
                kind=NotificationKind.MONEY,
                recipients=[contract.team.responsible(preferred=contract.client.consultant)],
                title=Message(
                    "Payment overdue: %(contract)s · %(stage)s, due %(date)s",
                    contract=contract.number,
                    stage=stage.name,
                    date=stage.due_date,
                ),
                body=Message("Outstanding %(amount)s yuan.", amount=stage.outstanding),
                url=_contract_url(contract),
            )
            reminded += 1
    gms = list(deputy_gms())
    limit = today - dt.timedelta(days=days)
    for stage in _overdue_stages(today).filter(reminded_at__isnull=False, escalated_at=None, due_date__lt=limit):
        contract = stage.contract
        with transaction.atomic():
            if not claim(stage, "escalated_at", now):
                continue
            notify(
                kind=NotificationKind.MONEY,
                recipients=gms,
                title=Message(
                    "Payment overdue %(days)s days: %(contract)s · %(stage)s",
                    days=stage.days_overdue(today),
                    contract=contract.number,
                    stage=stage.name,
                ),
                body=Message(
                    "Team %(team)s, outstanding %(amount)s yuan, due %(date)s.",
                    team=contract.team,
                    amount=stage.outstanding,
                    date=stage.due_date,
                ),
                url=_contract_url(contract),
            )
            escalated += 1
    return {"due": made_due, "reminded": reminded, "escalated": escalated}
