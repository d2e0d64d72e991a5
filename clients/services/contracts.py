"""Contract writes: signing (opens the project and the visit plan), edits with their history,
payment stages and scanned attachments."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import (
    Client,
    ClientEvent,
    Contract,
    ContractAttachment,
    ContractChange,
    FollowUpVisit,
    PaymentStage,
    VisitTemplate,
    VisitTemplatePoint,
)
from clients.services.common import _event
from clients.services.money import contract_stages_trigger, stage_make_due
from teams.audit import changes_against_db
from teams.editing import EditConflict, compare_and_set
from teams.facts import facts_save, facts_write
from teams.messages import Message
from teams.models import User
from teams.registry import run_hooks

# name, share of the construction amount, due condition as written, trigger, days to pay.
# 中期 waits for a phase's passed inspection: projects links it to the schedule's gating phase
# (plumbing & electrical) when the schedule is built; the consultant may choose another.
DEFAULT_PAYMENTS = [
    ("首期", Decimal("0.30"), "开工前", PaymentStage.Trigger.SIGNING, 3),
    ("中期", Decimal("0.60"), "水电验收后", PaymentStage.Trigger.PHASE, 7),
    ("尾款", Decimal("0.10"), "竣工验收后", PaymentStage.Trigger.COMPLETION, 7),
]


def contract_next_number(*, signed_date: dt.date) -> str:
    """The documented pattern: ``HT-<yyyymm>-<nnnn>``, a company-wide running number
    within the month of signing (HT-202611-0007)."""
    prefix = f"HT-{signed_date:%Y%m}-"
    numbers = Contract.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    used = [int(n[len(prefix) :]) for n in numbers if n[len(prefix) :].isdigit()]
    return f"{prefix}{max(used, default=0) + 1:04d}"


def _plan_date(point: VisitTemplatePoint, contract: Contract) -> dt.date:
    if point.anchor == VisitTemplatePoint.Anchor.START and contract.planned_start:
        base = contract.planned_start
    elif point.anchor == VisitTemplatePoint.Anchor.FINISH and contract.planned_finish:
        base = contract.planned_finish
    else:
        base = contract.signed_date
    return base + dt.timedelta(days=point.offset_days)


@transaction.atomic
def contract_sign(*, client: Client, by: User, data: dict, template: VisitTemplate | None = None) -> Contract:
    """Sign a contract: the lead becomes signed, the apps hooked on ``contract_signed`` act
    (projects opens the project, teams/registry.py) and the visit plan is created from the
    template — all or nothing."""
    if client.stage not in (Client.Stage.QUOTED, Client.Stage.PROPOSAL, Client.Stage.MEASURED):
        raise ValidationError(_("Only a lead that has been measured, proposed or quoted can sign a contract."))
    data = dict(data)
    signed_date = data.get("signed_date") or timezone.localdate()
    contract = Contract(client=client, team=client.team, signed_by=by, **data)
    contract.signed_date = signed_date
    if not contract.number:
        contract.number = contract_next_number(signed_date=signed_date)
    contract.full_clean()
    # The contract, and its lead's "signed within N days" (performance/rollups.py).
    with facts_write(Client, client.pk), facts_write(Contract) as facts:
        contract.save()
        facts.add(contract.pk)
    for order, (name, share, condition, trigger, days) in enumerate(DEFAULT_PAYMENTS):
        PaymentStage.objects.create(
            contract=contract,
            name=name,
            amount=(contract.construction_amount * share).quantize(Decimal("0.01")),
            due_condition=condition,
            order=order,
            trigger=trigger,
            days_to_pay=days,
        )
    contract_stages_trigger(contract=contract, trigger=PaymentStage.Trigger.SIGNING, on=signed_date)
    old = client.stage
    compare_and_set(
        client,
        expect={"stage": old},
        fields={"stage": Client.Stage.SIGNED, "stage_changed_at": timezone.now(), "version": client.version + 1},
        message=_("Someone else moved this lead just now. Reload the page."),
    )
    run_hooks("contract_signed", client=client, contract=contract, by=by)
    template = template or VisitTemplate.objects.filter(is_default=True).first()
    if template is not None:
        owner = client.team.responsible(preferred=client.consultant) or by
        with facts_write(FollowUpVisit) as facts:
            visits = FollowUpVisit.objects.bulk_create(
                [
                    FollowUpVisit(
                        client=client,
                        contract=contract,
                        team=client.team,
                        owner=owner,
                        point=point.point,
                        channel=point.channel,
                        due_date=_plan_date(point, contract),
                    )
                    for point in template.points.all()
                ]
            )
            facts.add(*(visit.pk for visit in visits))
    # No amount in the timeline: everyone who opens the client file reads it (the archive
    # clerk, the project staff); the money is on the contract page, for those who see contracts.
    _event(client, ClientEvent.Kind.CONTRACT, Message("Contract %(number)s signed", number=contract.number), by)
    return contract


# Contract fields whose changes are kept in the history.
TRACKED_CONTRACT_FIELDS = [
    "number",
    "address",
    "floor_area",
    "style",
    "package",
    "design_fee",
    "construction_amount",
    "signed_date",
    "planned_start",
    "planned_finish",
]


def _record_changes(contract: Contract, by: User, changes, stage_name: str = "") -> None:
    rows = []
    for change in changes:
        texts = change.history_texts()
        if stage_name:
            texts["field"] = Message("Payment %(name)s: %(field)s", name=stage_name, field=texts["field"])
        rows.append(ContractChange(contract=contract, changed_by=by).set_texts(**texts))
    ContractChange.objects.bulk_create(rows)


@transaction.atomic
def contract_update(*, contract: Contract, by: User, version: int, data: dict) -> Contract:
    """Save edited contract details if nobody saved in between (``version``); one history
    entry per changed field, compared with the saved row (teams.audit)."""
    changes = changes_against_db(contract, data, TRACKED_CONTRACT_FIELDS)
    for change in changes:
        setattr(contract, change.name, change.new)
    contract.full_clean()
    with facts_write(Client, contract.client_id), facts_write(Contract, contract.pk):
        updated = Contract.objects.filter(pk=contract.pk, version=version).update(
            **{c.name: c.new for c in changes}, version=version + 1
        )
    if updated != 1:
        raise EditConflict(_("Someone else changed this contract while you were editing. Reload to see their changes."))
    contract.version = version + 1
    _record_changes(contract, by, changes)
    return contract


TRACKED_PAYMENT_FIELDS = ["name", "amount", "due_condition", "trigger", "fixed_date", "days_to_pay"]


@transaction.atomic
def payment_save(
    *,
    contract: Contract,
    by: User,
    name: str,
    amount: Decimal,
    due_condition: str = "",
    trigger: str = PaymentStage.Trigger.SIGNING,
    fixed_date: dt.date | None = None,
    days_to_pay: int = 7,
    payment: PaymentStage | None = None,
) -> PaymentStage:
    """Add or edit a payment stage; each changed field goes into the contract's history. A stage
    already due keeps its trigger (the day it became due is history) but a new number of days
    to pay moves its due date; a new stage due at signing is due at once."""
    if not contract.can_change_money(by):
        raise PermissionDenied
    data = {
        "name": name,
        "amount": amount,
        "due_condition": due_condition,
        "trigger": trigger,
        "fixed_date": fixed_date if trigger == PaymentStage.Trigger.FIXED_DATE else None,
        "days_to_pay": days_to_pay,
    }
    if payment is None:
        payment = PaymentStage(contract=contract, order=contract.payments.count())
    elif payment.triggered_on is not None and (trigger != payment.trigger or data["fixed_date"] != payment.fixed_date):
        raise ValidationError({"trigger": _("This stage is already due; its trigger cannot change.")})
    if amount is not None and amount < payment.received:
        raise ValidationError({"amount": _("The amount cannot be less than what was already received.")})
    changes = changes_against_db(payment, data, TRACKED_PAYMENT_FIELDS)
    saved_name = PaymentStage.objects.filter(pk=payment.pk).values_list("name", flat=True).first() or name
    for key, value in data.items():
        setattr(payment, key, value)
    if payment.triggered_on is not None:
        payment.due_date = payment.triggered_on + dt.timedelta(days=days_to_pay)
    payment.full_clean()
    facts_save(payment)  # its amount and pay-by day are receivable (performance/rollups.py)
    _record_changes(contract, by, changes, stage_name=saved_name)
    if payment.trigger == PaymentStage.Trigger.SIGNING and payment.triggered_on is None:
        stage_make_due(stage=payment, on=contract.signed_date)
    return payment


@transaction.atomic
def payment_stages_resplit(*, contract: Contract, by: User) -> int:
    """Make the stages add up to the current value again (after an approved change order or a new amount): the
    difference is shared by the stages not yet paid in full, in proportion to what each has still to receive,
    never below what a stage already received; the last open stage takes the rounding. Each stage's new amount
    goes into the contract's history. Returns how many stages changed."""
    if not contract.can_change_money(by):
        raise PermissionDenied
    stages = list(PaymentStage.objects.select_for_update().filter(contract=contract).order_by("order", "pk"))
    difference = contract.current_value - sum((s.amount for s in stages), Decimal(0))
    open_stages = [s for s in stages if s.amount > s.received]
    if not difference:
        return 0
    if not open_stages:
        raise ValidationError(_("Every stage is paid in full: add a stage for the difference instead."))
    outstanding = sum((s.amount - s.received for s in open_stages), Decimal(0))
    if outstanding + difference < 0:
        raise ValidationError(_("The reduction is more than the open stages still have to receive."))
    new_amounts, shared = {}, Decimal(0)
    for stage in open_stages[:-1]:
        share = (difference * (stage.amount - stage.received) / outstanding).quantize(Decimal("0.01"))
        new_amounts[stage.pk] = stage.amount + share
        shared += share
    last = open_stages[-1]
    new_amounts[last.pk] = last.amount + difference - shared
    for stage in open_stages:
        changes = changes_against_db(stage, {"amount": new_amounts[stage.pk]}, ["amount"])
        with facts_write(PaymentStage, stage.pk):
            PaymentStage.objects.filter(pk=stage.pk).update(amount=new_amounts[stage.pk])
        _record_changes(contract, by, changes, stage_name=stage.name)
    return sum(1 for s in open_stages if new_amounts[s.pk] != s.amount)


def contract_attach(*, contract: Contract, by: User, upload, content_type: str) -> ContractAttachment:
    """Store a checked upload under a generated name (the form checks type and size)."""
    import uuid
    from pathlib import Path

    suffix = Path(upload.name).suffix.lower()[:8]
    original = upload.name[:200]
    upload.name = f"{uuid.uuid4().hex}{suffix}"
    return ContractAttachment.objects.create(
        contract=contract, file=upload, original_name=original, content_type=content_type, uploaded_by=by
    )
