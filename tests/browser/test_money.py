"""Contract money in Chromium: the consultant finds an overdue stage on the receivables board, records
a change order with the client's signed paper and approves it, records a receipt, and the board moves."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from clients import services
from clients.models import PaymentStage, Receipt
from projects.models import ChangeOrder, Project
from teams.roles import Role
from tests.browser.helpers import go
from tests.clients.factories import ClientFactory, ContractFactory
from tests.projects.factories import ProjectFactory
from tests.teams.factories import TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cast(tmp_path):
    team = TeamFactory(name="静安一组")
    consultant = UserFactory(username="zhangwei", role=Role.CONSULTANT, team=team, full_name="张伟")
    team.leader = consultant
    team.save(update_fields=["leader"])
    client = ClientFactory(team=team, consultant=consultant, name="王先生")
    contract = ContractFactory(client=client, signed_by=consultant, construction_amount=Decimal("200000"))
    today = timezone.localdate()
    stage = PaymentStage.objects.create(
        contract=contract,
        name="中期",
        amount=Decimal("120000"),
        trigger="phase",
        days_to_pay=7,
        order=1,
    )
    # Through the service, as the phase's inspection does: the receivables rollups count it (performance/rollups.py).
    services.stage_make_due(stage=stage, on=today - dt.timedelta(days=17))
    project = ProjectFactory(
        client=client, team=team, name="王先生的家", contract=contract, phase=Project.Phase.CONSTRUCTION
    )
    scan = tmp_path / "签字.pdf"
    scan.write_bytes(PDF)
    return {"contract": contract, "stage": stage, "project": project, "scan": str(scan)}


def overdue(page) -> Decimal:
    return Decimal(page.get_attribute("[data-testid=tile-receivables_overdue] [data-value]", "data-value"))


def test_consultant_records_a_change_order_and_a_receipt_and_the_board_moves(page, live_server, cast):
    project, contract = cast["project"], cast["contract"]
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "zhangwei")
    page.fill("input[name=password]", "pass-1234")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"{live_server.url}/")

    go(page, "应收款")
    page.wait_for_selector("[data-testid=receivable-tiles]")
    assert overdue(page) == Decimal("120000.00")
    assert contract.number in page.inner_text("[data-testid=receivables]")

    # A change order from a site finding, moving the overdue stage.
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.click("[data-testid=money-link]")
    page.click("[data-testid=change-order-add]")
    page.fill("#id_title", "卫生间防水加高")
    page.check("input[name=source][value=site_finding]")
    page.fill("#id_finding", "墙面渗水")
    page.select_option("#id_stage", str(cast["stage"].pk))
    page.fill("#id_lines-0-description", "防水至顶")
    page.fill("#id_lines-0-unit", "m²")
    page.fill("#id_lines-0-quantity", "20")
    page.fill("#id_lines-0-unit_price", "100")
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=order-total]")
    assert page.inner_text("[data-testid=order-total]") == "2000.00"
    page.fill("#id_client_signed_by", "王先生")
    page.set_input_files("#id_scan", cast["scan"])
    page.click("[data-testid=sign]")
    page.click("[data-testid=approve]")
    page.wait_for_selector("[data-testid=order-status]:has-text('已审批')")
    assert ChangeOrder.objects.get().status == ChangeOrder.Status.APPROVED

    # The contract's line moved; a part payment against the stage.
    page.goto(f"{live_server.url}/clients/contracts/{contract.pk}/")
    assert page.inner_text("[data-testid=money-current]") == "¥202000.00"
    page.click("[data-testid=receipt-add]")
    page.select_option("#id_stage", str(cast["stage"].pk))
    page.fill("#id_amount", "100000")
    page.select_option("#id_method", "bank")
    page.fill("#id_number", "SK-0001")
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=money-received]")
    assert page.inner_text("[data-testid=money-received]") == "¥100000.00"
    assert Receipt.objects.get().number == "SK-0001"

    go(page, "应收款")
    page.wait_for_selector("[data-testid=receivable-tiles]")
    assert overdue(page) == Decimal("22000.00")  # 120,000 + 2,000 − 100,000
