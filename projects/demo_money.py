"""Demo money (part of ``seed_demo``, after the projects): each demo project with a schedule gets
its contract, payment stages that follow its works (首期 at signing, 中期 at the plumbing &
electrical inspection, 尾款 at completion, 质保金 at the end of the warranty), receipts that
leave a few stages overdue at different ages, one reversed receipt, and change orders (one
approved, one waiting for the client), so the receivables board is not empty."""

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from clients import services as client_services
from clients.models import Contract, PaymentStage
from projects.models import ChangeOrder, Project
from projects.services import (
    change_order_approve,
    change_order_client_sign,
    change_order_create,
    stage_link_phase,
    stages_on_completion,
    warranty_stages_scan,
)
from projects.uploads import ProcessedFile

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
METHODS = ["bank", "wechat", "alipay", "card"]


def _scan() -> ProcessedFile:
    return ProcessedFile("变更单签字.pdf", PDF, "application/pdf", ".pdf")


def seed(ctx) -> None:
    projects = (
        Project.objects.filter(contract=None, phases__isnull=False)
        .select_related("team__leader", "client")
        .distinct()
        .order_by("team__name", "pk")
    )
    for number, project in enumerate(projects):
        consultant = project.team.leader
        if consultant is None:
            continue
        _contract_for(ctx, project, consultant, number)


def _contract_for(ctx, project, consultant, number) -> None:
    rng, today = ctx.rng, ctx.today
    signed = project.created_at.date()
    amount = Decimal(rng.randint(15, 50) * 10000)
    contract = Contract.objects.create(
        number=client_services.contract_next_number(signed_date=signed),
        client=project.client,
        team=project.team,
        signed_date=signed,
        design_fee=Decimal(rng.choice([5000, 8000, 12000])),
        construction_amount=amount,
        signed_by=consultant,
        address=project.address,
    )
    Project.objects.filter(pk=project.pk).update(contract=contract)
    project.contract = contract
    long_warranty = project.phase in (Project.Phase.WARRANTY, Project.Phase.CLOSED)
    plan = [
        ("首期", Decimal("0.30"), PaymentStage.Trigger.SIGNING, 3),
        ("中期", Decimal("0.60"), PaymentStage.Trigger.PHASE, 7),
        ("尾款", Decimal("0.05") if long_warranty else Decimal("0.10"), PaymentStage.Trigger.COMPLETION, 7),
    ]
    if long_warranty:
        plan.append(("质保金", Decimal("0.05"), PaymentStage.Trigger.WARRANTY_END, 15))
    stages = [
        PaymentStage.objects.create(
            contract=contract,
            name=name,
            amount=(amount * share).quantize(Decimal("0.01")),
            trigger=trigger,
            days_to_pay=days,
            order=order,
        )
        for order, (name, share, trigger, days) in enumerate(plan)
    ]
    client_services.contract_stages_trigger(contract=contract, trigger=PaymentStage.Trigger.SIGNING, on=signed)
    gate = project.phases.filter(gates_later=True).order_by("order").first() or project.phases.order_by("order").first()
    stage_link_phase(stage=stages[1], phase=gate, by=consultant)
    if project.phase in (Project.Phase.COMPLETED, Project.Phase.WARRANTY, Project.Phase.CLOSED):
        stages_on_completion(project=project, on=min(project.actual_finish or today, today))
    warranty_stages_scan(today=today)
    _receipts(ctx, project, consultant, number)
    _change_orders(ctx, project, consultant, number)


def _pay(stage, consultant, amount, on, rng, number):
    # The first receipt of each contract comes with its scan (a PDF), as the paper receipts do.
    first = stage.order == 0 and number == 1
    return client_services.receipt_record(
        stage=stage,
        by=consultant,
        amount=amount,
        received_on=on,
        method=rng.choice(METHODS),
        number=f"SK{stage.contract.number[3:]}-{stage.order}{number}",
        scan=SimpleUploadedFile("收据.pdf", PDF, content_type="application/pdf") if first else None,
        scan_type="application/pdf" if first else "",
    )


def _receipts(ctx, project, consultant, number) -> None:
    rng, today = ctx.rng, ctx.today
    for stage in PaymentStage.objects.filter(contract=project.contract).order_by("order").select_related("contract"):
        if stage.due_date is None:
            continue
        on = min(stage.triggered_on + timedelta(days=rng.randint(0, stage.days_to_pay)), today)
        overdue_days = (today - stage.due_date).days
        if stage.order == 0 or overdue_days > 120:
            _pay(stage, consultant, stage.amount, on, rng, 1)
        elif number % 3 == 0:
            # Paid in two parts; the second still owed (overdue by now).
            _pay(stage, consultant, (stage.amount / 2).quantize(Decimal("0.01")), on, rng, 1)
        elif number % 3 == 1:
            wrong = _pay(stage, consultant, stage.amount - 1000, on, rng, 1)
            client_services.receipt_reverse(receipt=wrong, by=consultant, reason="金额录入错误，冲正后重录", on=on)
            _pay(stage, consultant, stage.amount, on, rng, 2)
        # number % 3 == 2: nothing received yet — overdue


def _change_orders(ctx, project, consultant, number) -> None:
    if project.phase == Project.Phase.DESIGN:
        return
    final = PaymentStage.objects.filter(contract=project.contract, trigger=PaymentStage.Trigger.COMPLETION).first()
    change = project.design_changes.order_by("pk").first()
    lines = [
        {
            "kind": "addition",
            "description": "客厅增加石膏板吊顶",
            "unit": "m²",
            "quantity": Decimal("24"),
            "unit_price": Decimal("260"),
        },
        {
            "kind": "addition",
            "description": "卫生间加做防水至顶",
            "unit": "m²",
            "quantity": Decimal("18"),
            "unit_price": Decimal("85"),
        },
        {
            "kind": "reduction",
            "description": "取消次卧墙纸",
            "unit": "m²",
            "quantity": Decimal("32"),
            "unit_price": Decimal("45"),
        },
    ]
    finding = project.site_logs.order_by("date").first()
    order = change_order_create(
        project=project,
        by=consultant,
        title="吊顶与防水增项",
        source=ChangeOrder.Source.SITE_FINDING,
        finding="拆除后发现原顶面不平，卫生间墙面渗水。",
        site_log=finding,
        lines=lines,
        stage=final if final is not None and final.triggered_on is None else None,
    )
    signed_on = min(ctx.today, (finding.date if finding else ctx.today) + timedelta(days=2))
    change_order_client_sign(
        order=order, by=consultant, signed_on=signed_on, signed_by=project.client.name, scan=_scan()
    )
    change_order_approve(order=order, by=consultant)
    if change is not None and number % 2 == 0:
        change_order_create(
            project=project,
            by=consultant,
            title="设计变更增项",
            source=ChangeOrder.Source.DESIGN_CHANGE,
            design_change=change,
            lines=[
                {
                    "kind": "addition",
                    "description": change.content[:100] or "设计变更",
                    "unit": "项",
                    "quantity": Decimal("1"),
                    "unit_price": max(change.cost_impact, Decimal(0)),
                }
            ],
        )


__all__ = ["seed"]
