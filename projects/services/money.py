"""Contract money that follows the works (the stages and receipts are in clients/services/money.py):

- a payment stage triggered by a phase's passed inspection points at one of the project's
  schedule phases (``StagePhase``); the pass makes it due (``stages_on_inspection_passed``,
  called by ``inspection_record``), completion makes the completion stages due
  (``project_advance``), the end of the warranty the retention (``warranty_stages_scan``);
- change orders (变更单): priced lines, the client's signed paper (scan), then the consultant's
  approval, which alone moves the contract's current value (and, if the order says so, a stage).
"""

import datetime as dt
import uuid
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Contract, ContractChange, PaymentStage
from clients.services import contract_money, contract_stages_trigger, stage_make_due
from projects.models import (
    ChangeOrder,
    ChangeOrderLine,
    DesignChange,
    Inspection,
    Project,
    SchedulePhase,
    SiteLog,
    StagePhase,
)
from projects.services.common import _event
from projects.uploads import ProcessedFile
from teams.editing import compare_and_set
from teams.facts import facts_write
from teams.messages import Message
from teams.models import NotificationKind, User
from teams.services import notify


def _money_rights(project: Project, by: User) -> Contract:
    contract = project.contract
    if contract is None or not contract.can_change_money(by):
        raise PermissionDenied
    return contract


def _passed_on(phase: SchedulePhase) -> dt.date | None:
    last = phase.inspections.order_by("-inspected_on", "-pk").first()
    return last.inspected_on if last and last.result == Inspection.Result.PASS else None


@transaction.atomic
def stage_link_phase(*, stage: PaymentStage, phase: SchedulePhase, by: User) -> PaymentStage:
    """Make ``stage`` due when ``phase``'s inspection passes (a phase of the contract's project).
    If the phase has already passed, the stage is due from that inspection's day."""
    project = phase.project
    if project.contract_id != stage.contract_id:
        raise ValidationError(_("Choose a phase of this contract's project."))
    _money_rights(project, by)
    if stage.triggered_on is not None:
        raise ValidationError(_("This stage is already due; its trigger cannot change."))
    StagePhase.objects.update_or_create(stage=stage, defaults={"phase": phase})
    if stage.trigger != PaymentStage.Trigger.PHASE:
        PaymentStage.objects.filter(pk=stage.pk).update(trigger=PaymentStage.Trigger.PHASE)
        stage.trigger = PaymentStage.Trigger.PHASE
    ContractChange(contract=stage.contract, changed_by=by).set_texts(
        field=Message("Payment %(name)s: due when", name=stage.name),
        new=Message("inspection of %(phase)s passed", phase=phase.display_name),
    ).save()
    passed = _passed_on(phase)
    if passed is not None:
        stage_make_due(stage=stage, on=passed)
    return stage


def stages_link_gating_phase(*, project: Project) -> int:
    """When the schedule is built: stages waiting for a phase with none chosen yet (the default
    中期) wait for the schedule's gating phase (plumbing & electrical)."""
    if project.contract_id is None:
        return 0
    gate = project.phases.filter(gates_later=True).order_by("order", "pk").first()
    if gate is None:
        return 0
    waiting = PaymentStage.objects.filter(
        contract_id=project.contract_id, trigger=PaymentStage.Trigger.PHASE, phase_link__isnull=True
    )
    links = StagePhase.objects.bulk_create([StagePhase(stage=stage, phase=gate) for stage in waiting])
    return len(links)


def stages_on_inspection_passed(*, phase: SchedulePhase, on: dt.date) -> int:
    """``phase`` passed its inspection on ``on``: the stages waiting for it become due."""
    stages = PaymentStage.objects.filter(phase_link__phase=phase, triggered_on=None).select_related(
        "contract__team", "contract__client__consultant"
    )
    return sum(stage_make_due(stage=stage, on=on) for stage in stages)


def stages_on_completion(*, project: Project, on: dt.date, by: User | None = None) -> int:
    """Completion: the completion stages become due, and the final account (决算 = original +
    approved changes, against the receipts) goes into the contract's history."""
    if project.contract_id is None:
        return 0
    contract = Contract.objects.get(pk=project.contract_id)
    made = contract_stages_trigger(contract=contract, trigger=PaymentStage.Trigger.COMPLETION, on=on)
    if by is not None:
        account = contract_money(contract)
        ContractChange(contract=contract, changed_by=by).set_texts(
            field=Message("Final account at completion"),
            old=Message(
                "original %(original)s + changes %(changes)s",
                original=str(account.original),
                changes=str(account.approved_changes),
            ),
            new=Message(
                "%(final)s, received %(received)s, outstanding %(outstanding)s",
                final=str(account.final),
                received=str(account.received),
                outstanding=str(account.outstanding),
            ),
        ).save()
    return made


def warranty_stages_scan(*, today: dt.date | None = None) -> int:
    """Daily: the retention (质保金) of each project whose warranty has ended becomes due."""
    today = today or timezone.localdate()
    made = 0
    projects = (
        Project.objects.filter(
            warranty_until__lte=today,
            contract__payments__trigger=PaymentStage.Trigger.WARRANTY_END,
            contract__payments__triggered_on=None,
        )
        .select_related("contract")
        .distinct()
    )
    for project in projects:
        with transaction.atomic():
            made += contract_stages_trigger(
                contract=project.contract, trigger=PaymentStage.Trigger.WARRANTY_END, on=project.warranty_until
            )
    return made


def change_order_next_number(*, on: dt.date) -> str:
    """``BG-<yyyymm>-<nnnn>``, a company-wide running number within the month."""
    prefix = f"BG-{on:%Y%m}-"
    numbers = ChangeOrder.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    used = [int(n[len(prefix) :]) for n in numbers if n[len(prefix) :].isdigit()]
    return f"{prefix}{max(used, default=0) + 1:04d}"


def _check_change_order(project, contract, *, lines, design_change, site_log, stage, source, finding) -> None:
    if not lines:
        raise ValidationError(_("Add at least one line."))
    if design_change is not None and design_change.project_id != project.pk:
        raise ValidationError({"design_change": _("Choose a design change of this project.")})
    if site_log is not None and site_log.project_id != project.pk:
        raise ValidationError({"site_log": _("Choose a site log of this project.")})
    if stage is not None and stage.contract_id != contract.pk:
        raise ValidationError({"stage": _("Choose a payment stage of this contract.")})
    if source == ChangeOrder.Source.SITE_FINDING and not finding.strip():
        raise ValidationError({"finding": _("Describe what was found on site.")})


def _write_lines(order: ChangeOrder, lines: list[dict]) -> Decimal:
    rows = [ChangeOrderLine(change_order=order, **line) for line in lines]
    for row in rows:
        row.full_clean(exclude=["change_order"])
    ChangeOrderLine.objects.bulk_create(rows)
    return sum((row.amount for row in rows), Decimal(0))


@transaction.atomic
def change_order_create(
    *,
    project: Project,
    by: User,
    title: str,
    source: str,
    lines: list[dict],
    design_change: DesignChange | None = None,
    site_log: SiteLog | None = None,
    finding: str = "",
    stage: PaymentStage | None = None,
) -> ChangeOrder:
    """Draft a change order with its lines (each ``kind``, ``description``, ``unit``,
    ``quantity``, ``unit_price``); it changes nothing until approved."""
    contract = _money_rights(project, by)
    _check_change_order(
        project,
        contract,
        lines=lines,
        design_change=design_change,
        site_log=site_log,
        stage=stage,
        source=source,
        finding=finding,
    )
    if source == ChangeOrder.Source.SITE_FINDING:
        design_change = None
    order = ChangeOrder(
        project=project,
        contract=contract,
        number=change_order_next_number(on=timezone.localdate()),
        title=title,
        source=source,
        design_change=design_change,
        site_log=site_log,
        finding=finding.strip(),
        stage=stage,
        created_by=by,
    )
    order.full_clean()
    order.save()
    order.total = _write_lines(order, lines)
    ChangeOrder.objects.filter(pk=order.pk).update(total=order.total)
    _event(project, by, Message("Change order %(number)s drafted: %(title)s", number=order.number, title=title))
    return order


@transaction.atomic
def change_order_revise(
    *,
    order: ChangeOrder,
    by: User,
    version: int,
    title: str,
    source: str,
    lines: list[dict],
    design_change: DesignChange | None = None,
    site_log: SiteLog | None = None,
    finding: str = "",
    stage: PaymentStage | None = None,
) -> ChangeOrder:
    """Rework a draft before the client signs it (the paper they sign is the revised one); the timeline keeps
    the total it had. Refused once signed, and when someone else saved it in between (``version``)."""
    project = order.project
    contract = _money_rights(project, by)
    if order.status != ChangeOrder.Status.DRAFT:
        raise ValidationError(_("Only a change order awaiting the client can be revised."))
    _check_change_order(
        project,
        contract,
        lines=lines,
        design_change=design_change,
        site_log=site_log,
        stage=stage,
        source=source,
        finding=finding,
    )
    if source == ChangeOrder.Source.SITE_FINDING:
        design_change = None
    was = order.total
    compare_and_set(
        order,
        expect={"status": ChangeOrder.Status.DRAFT, "version": version},
        fields={
            "title": title,
            "source": source,
            "design_change": design_change,
            "site_log": site_log,
            "finding": finding.strip(),
            "stage": stage,
            "version": version + 1,
        },
        message=_("Someone else changed this change order just now. Reload the page."),
    )
    order.lines.all().delete()
    order.total = _write_lines(order, lines)
    ChangeOrder.objects.filter(pk=order.pk).update(total=order.total)
    _event(
        project,
        by,
        Message(
            "Change order %(number)s revised: %(was)s → %(total)s yuan", number=order.number, was=was, total=order.total
        ),
    )
    return order


def _store_scan(order: ChangeOrder, scan: ProcessedFile) -> None:
    order.client_scan.save(f"{uuid.uuid4().hex}{scan.extension}", ContentFile(scan.content), save=False)
    order.client_scan_name = Path(scan.name).name[:200]
    order.client_scan_type = scan.content_type


@transaction.atomic
def change_order_client_sign(
    *, order: ChangeOrder, by: User, signed_on: dt.date, signed_by: str, scan: ProcessedFile
) -> ChangeOrder:
    """The client signed the paper change order: record the day, who signed and the scan."""
    _money_rights(order.project, by)
    if order.status != ChangeOrder.Status.DRAFT:
        raise ValidationError(_("Only a change order awaiting the client can be signed."))
    if signed_on > timezone.localdate():
        raise ValidationError({"client_signed_on": _("The date cannot be in the future.")})
    _store_scan(order, scan)
    fields = {
        "status": ChangeOrder.Status.CLIENT_APPROVED,
        "client_signed_on": signed_on,
        "client_signed_by": signed_by.strip(),
        "client_scan": order.client_scan.name,
        "client_scan_name": order.client_scan_name,
        "client_scan_type": order.client_scan_type,
        "version": order.version + 1,
    }
    compare_and_set(
        order,
        expect={"status": ChangeOrder.Status.DRAFT},
        fields=fields,
        message=_("Someone else changed this change order just now. Reload the page."),
    )
    _event(order.project, by, Message("Change order %(number)s signed by the client", number=order.number))
    return order


@transaction.atomic
def change_order_approve(*, order: ChangeOrder, by: User) -> ChangeOrder:
    """The consultant (or the deputy GM) approves a change order the client signed: the
    contract's current value moves by its total, and so does its stage if it names one."""
    contract = _money_rights(order.project, by)
    if order.status != ChangeOrder.Status.CLIENT_APPROVED:
        raise ValidationError(_("A change order is approved after the client has signed it."))
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.current_value + order.total < 0:
        raise ValidationError(_("Reductions cannot take the contract's value below 0."))
    stage = None
    if order.stage_id:
        stage = PaymentStage.objects.select_for_update().get(pk=order.stage_id)
        if stage.amount + order.total < 0:
            raise ValidationError(_("The reduction is larger than the stage it moves."))
    with facts_write(ChangeOrder, order.pk):
        compare_and_set(
            order,
            expect={"status": ChangeOrder.Status.CLIENT_APPROVED},
            fields={
                "status": ChangeOrder.Status.APPROVED,
                "approved_by": by,
                "approved_at": timezone.now(),
                "version": order.version + 1,
            },
            message=_("Someone else changed this change order just now. Reload the page."),
        )
    old_value = contract.current_value
    Contract.objects.filter(pk=contract.pk).update(approved_changes=F("approved_changes") + order.total)
    contract.refresh_from_db(fields=["approved_changes"])
    history = [
        ContractChange(contract=contract, changed_by=by).set_texts(
            field=Message("Current value (change order %(number)s)", number=order.number),
            old=str(old_value),
            new=str(contract.current_value),
        )
    ]
    if stage is not None:
        with facts_write(PaymentStage, stage.pk):  # its receivable moves (performance/rollups.py)
            PaymentStage.objects.filter(pk=stage.pk).update(amount=F("amount") + order.total)
        history.append(
            ContractChange(contract=contract, changed_by=by).set_texts(
                field=Message("Payment %(name)s: amount", name=stage.name),
                old=str(stage.amount),
                new=str(stage.amount + order.total),
            )
        )
    ContractChange.objects.bulk_create(history)
    _event(order.project, by, Message("Change order %(number)s approved", number=order.number))
    notify(
        kind=NotificationKind.MONEY,
        recipients=[u for u in [order.created_by] if u.pk != by.pk],
        title=Message("Change order %(number)s approved", number=order.number),
        url=order.project.get_absolute_url() + "money/",
    )
    return order


@transaction.atomic
def change_order_reject(*, order: ChangeOrder, by: User) -> ChangeOrder:
    """Withdraw a change order the client refused (or that is wrong); it changes nothing."""
    _money_rights(order.project, by)
    if not order.is_open:
        raise ValidationError(_("Only an open change order can be rejected."))
    compare_and_set(
        order,
        expect={"status": order.status},
        fields={"status": ChangeOrder.Status.REJECTED, "version": order.version + 1},
        message=_("Someone else changed this change order just now. Reload the page."),
    )
    _event(order.project, by, Message("Change order %(number)s rejected", number=order.number))
    return order
