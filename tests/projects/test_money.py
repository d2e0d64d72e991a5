"""Contract money on the projects floor: a stage due when its phase's inspection passes (not
before), at completion, at the end of the warranty; change orders move the current value only
once approved; the final account reconciles with the receipts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.utils import timezone

from clients import services as client_services
from clients.models import ContractChange, PaymentStage, Receipt
from projects import services
from projects.models import ChangeOrder, Inspection, Project, StagePhase
from projects.uploads import process_upload
from teams.models import Notification
from tests.clients.factories import ClientFactory, ContractFactory
from tests.projects.factories import ProjectFactory, SchedulePhaseFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


@pytest.fixture
def project(consultant, pm):
    contract = ContractFactory(client=ClientFactory(team=consultant.team, consultant=consultant))
    return ProjectFactory(
        client=contract.client, contract=contract, project_manager=pm, phase=Project.Phase.CONSTRUCTION
    )


def scan():
    return process_upload(SimpleUploadedFile("签字.pdf", PDF, content_type="application/pdf"))


def middle_stage(project, **kw):
    return PaymentStage.objects.create(
        contract=project.contract, name="中期", amount=Decimal("108000"), trigger="phase", **kw
    )


def test_stage_due_when_its_phase_inspection_passes_and_not_before(project, consultant, pm):
    phase = SchedulePhaseFactory(project=project)
    other = SchedulePhaseFactory(project=project, kind="carpentry", order=4)
    s = middle_stage(project)
    services.stage_link_phase(stage=s, phase=phase, by=consultant)
    day = timezone.localdate() - dt.timedelta(days=1)
    services.inspection_record(
        phase=phase, by=pm, inspected_on=day, result=Inspection.Result.RECTIFY, rectify_items="线管", reinspect_by=day
    )
    services.inspection_record(phase=other, by=pm, inspected_on=day, result=Inspection.Result.PASS)
    s.refresh_from_db()
    assert s.due_date is None and s.status(timezone.localdate()) == "planned"
    services.inspection_record(phase=phase, by=pm, inspected_on=day, result=Inspection.Result.PASS)
    s.refresh_from_db()
    assert s.triggered_on == day and s.due_date == day + dt.timedelta(days=7)
    assert Notification.objects.filter(recipient=consultant, url__endswith=f"/contracts/{s.contract_id}/").exists()


def test_linking_a_phase_already_passed_makes_the_stage_due_from_that_day(project, consultant, pm):
    phase = SchedulePhaseFactory(project=project)
    day = timezone.localdate() - dt.timedelta(days=2)
    services.inspection_record(phase=phase, by=pm, inspected_on=day, result=Inspection.Result.PASS)
    s = middle_stage(project)
    services.stage_link_phase(stage=s, phase=phase, by=consultant)
    s.refresh_from_db()
    assert s.triggered_on == day


def test_linking_a_phase_of_another_project_is_refused(project, consultant):
    s = middle_stage(project)
    with pytest.raises(ValidationError):
        services.stage_link_phase(stage=s, phase=SchedulePhaseFactory(), by=consultant)


def test_schedule_links_the_waiting_stage_to_the_gating_phase(project, consultant):
    s = middle_stage(project)
    services.schedule_apply_template(project=project, by=consultant, start=timezone.localdate())
    link = StagePhase.objects.get(stage=s)
    assert link.phase.gates_later


def test_completion_and_warranty_end_make_their_stages_due(project, consultant):
    final = PaymentStage.objects.create(contract=project.contract, name="尾款", amount=Decimal(1), trigger="completion")
    retention = PaymentStage.objects.create(
        contract=project.contract, name="质保金", amount=Decimal(1), trigger="warranty_end"
    )
    assert services.stages_on_completion(project=project, on=timezone.localdate()) == 1
    project.warranty_until = timezone.localdate() + dt.timedelta(days=1)
    project.save(update_fields=["warranty_until"])
    assert services.warranty_stages_scan() == 0
    assert services.warranty_stages_scan(today=project.warranty_until) == 1
    assert services.warranty_stages_scan(today=project.warranty_until) == 0
    final.refresh_from_db()
    retention.refresh_from_db()
    assert final.due_date and retention.triggered_on == project.warranty_until


def lines():
    return [
        {
            "kind": "addition",
            "description": "增加吊顶",
            "unit": "m²",
            "quantity": Decimal("20"),
            "unit_price": Decimal("300"),
        },
        {
            "kind": "reduction",
            "description": "取消墙纸",
            "unit": "m²",
            "quantity": Decimal("10"),
            "unit_price": Decimal("50"),
        },
    ]


def test_change_order_moves_the_current_value_only_when_approved(project, consultant):
    contract = project.contract
    s = middle_stage(project)
    order = services.change_order_create(
        project=project, by=consultant, title="吊顶", source="site_finding", finding="原顶不平", lines=lines(), stage=s
    )
    assert order.total == Decimal("5500.00")
    contract.refresh_from_db()
    assert contract.approved_changes == 0
    with pytest.raises(ValidationError):
        services.change_order_approve(order=order, by=consultant)  # the client has not signed
    services.change_order_client_sign(
        order=order, by=consultant, signed_on=timezone.localdate(), signed_by="业主", scan=scan()
    )
    contract.refresh_from_db()
    assert contract.approved_changes == 0
    services.change_order_approve(order=order, by=consultant)
    contract.refresh_from_db()
    s.refresh_from_db()
    assert contract.approved_changes == Decimal("5500.00")
    assert contract.current_value == contract.construction_amount + Decimal("5500.00")
    assert s.amount == Decimal("113500.00")
    assert ContractChange.objects.filter(contract=contract, field__contains=order.number).exists()
    order.refresh_from_db()
    assert order.status == ChangeOrder.Status.APPROVED and order.client_scan.name
    with pytest.raises(ValidationError):
        services.change_order_approve(order=order, by=consultant)  # once


def test_rejected_change_order_changes_nothing(project, consultant):
    order = services.change_order_create(
        project=project, by=consultant, title="x", source="site_finding", finding="y", lines=lines()
    )
    services.change_order_reject(order=order, by=consultant)
    project.contract.refresh_from_db()
    assert project.contract.approved_changes == 0


def test_pm_and_other_team_cannot_draft_change_orders(project, pm, outsider):
    for user in (pm, outsider):
        with pytest.raises(PermissionDenied):
            services.change_order_create(
                project=project, by=user, title="x", source="site_finding", finding="y", lines=lines()
            )


def test_final_account_reconciles_with_raw_rows(project, consultant):
    contract = project.contract
    s = middle_stage(project)
    for total_lines in (lines(), [lines()[1]]):
        order = services.change_order_create(
            project=project, by=consultant, title="x", source="site_finding", finding="y", lines=total_lines
        )
        services.change_order_client_sign(
            order=order, by=consultant, signed_on=timezone.localdate(), signed_by="业主", scan=scan()
        )
        services.change_order_approve(order=order, by=consultant)
    services.change_order_create(
        project=project, by=consultant, title="draft", source="site_finding", finding="y", lines=lines()
    )
    client_services.receipt_record(
        stage=s, by=consultant, amount=Decimal("50000"), received_on=timezone.localdate(), method="bank"
    )
    contract.refresh_from_db()
    account = client_services.contract_money(contract)
    approved = sum(
        line.amount for o in ChangeOrder.objects.filter(contract=contract, status="approved") for line in o.lines.all()
    )
    received = Receipt.objects.filter(contract=contract).aggregate(t=Sum("amount"))["t"]
    assert account.approved_changes == approved == Decimal("5000.00")
    assert account.final == contract.construction_amount + approved
    assert account.received == received
    assert account.outstanding == account.final - received


def test_completion_writes_the_final_account_into_the_contract_history(project, consultant):
    contract = project.contract
    final = PaymentStage.objects.create(contract=contract, name="尾款", amount=Decimal("18000"), trigger="completion")
    client_services.receipt_record(
        stage=PaymentStage.objects.create(contract=contract, name="首期", amount=Decimal("54000")),
        by=consultant,
        amount=Decimal("54000"),
        received_on=timezone.localdate(),
        method="bank",
    )
    services.stages_on_completion(project=project, on=timezone.localdate(), by=consultant)
    final.refresh_from_db()
    assert final.due_date == timezone.localdate() + dt.timedelta(days=7)
    row = ContractChange.objects.get(contract=contract, field="竣工决算")
    assert row.new_value == "180000.00，已收 54000.00，未收 126000.00"
