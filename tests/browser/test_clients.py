"""A consultant's day in Chromium: move a lead through the stages on the board, sign a
contract, see the visit plan, record a visit, read the lost-lead report and its chart."""

import datetime as dt

import pytest
from django.utils import timezone

from clients.defaults import ensure_defaults
from clients.models import Client, FollowUpVisit, LostReason
from tests.browser.helpers import go
from tests.clients.factories import ClientFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def clients_defaults(transactional_db):
    ensure_defaults()


def _login(page, live_server, user):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pass-1234")
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_consultant_moves_a_lead_signs_and_records_a_visit(page, live_server, consultant):
    lead = ClientFactory(team=consultant.team, consultant=consultant, name="钱女士", stage="new")
    _login(page, live_server, consultant)

    go(page, "销售看板")
    card = f"[data-testid=card-{lead.pk}]"
    for column in ["contacted", "measured", "proposal", "quoted"]:
        page.click(f"[data-testid=advance-{lead.pk}]")
        page.locator(f"[data-testid=column-{column}] {card}").wait_for()
    lead.refresh_from_db()
    assert lead.stage == "quoted" and lead.measured_on == timezone.localdate()

    page.locator(card).get_by_text("签约").click()
    today = timezone.localdate()
    page.fill("input[name=design_fee]", "8000")
    page.fill("input[name=construction_amount]", "186000")
    page.fill("input[name=planned_start]", (today + dt.timedelta(days=7)).isoformat())
    page.fill("input[name=planned_finish]", (today + dt.timedelta(days=97)).isoformat())
    page.click("[data-testid=save-contract]")
    page.get_by_text("项目和回访计划已生成").wait_for()
    assert page.locator("[data-testid=visit-plan] tbody tr").count() == 7
    lead.refresh_from_db()
    assert lead.stage == "signed"

    page.goto(f"{live_server.url}/clients/{lead.pk}/")
    page.click("[data-testid=tab-visits]")
    page.locator("[data-testid=record-visit]").first.click()
    page.select_option("select[name=satisfaction]", "5")
    page.fill("textarea[name=outcome]", "设计方案已确认，客户很满意。")
    page.click("[data-testid=save-visit]")
    page.get_by_text("回访已登记").wait_for()
    visit = FollowUpVisit.objects.filter(client=lead).exclude(done_at=None).get()
    assert visit.satisfaction == 5


def test_consultant_reads_the_lost_report_with_its_chart(page, live_server, consultant):
    reason = LostReason.objects.get(code="price")
    for _ in range(3):
        client = ClientFactory(team=consultant.team, stage="lost")
        Client.objects.filter(pk=client.pk).update(lost_reason=reason, lost_at=timezone.now(), lost_stage="quoted")
    _login(page, live_server, consultant)
    go(page, "丢单分析")
    assert page.locator("[data-testid=lost-total]").inner_text() == "3"
    page.locator("[data-testid=reason-chart] canvas").wait_for()
    page.locator("[data-testid=trend-chart] canvas").wait_for()
    page.fill("textarea[name=conclusions]", "价格是主要原因。")
    page.click("[data-testid=save-conclusions]")
    page.get_by_text("分析结论已保存").wait_for()
    assert consultant.team.lost_reports.get().conclusions == "价格是主要原因。"


def test_consultant_drags_a_card_to_another_column(page, live_server, consultant):
    lead = ClientFactory(team=consultant.team, consultant=consultant, name="孙先生", stage="new")
    _login(page, live_server, consultant)
    page.goto(f"{live_server.url}/clients/pipeline/")
    page.locator(f"[data-testid=card-{lead.pk}]").drag_to(
        page.locator("[data-testid=column-contacted] .card-body").first
    )
    page.locator(f"[data-testid=column-contacted] [data-testid=card-{lead.pk}]").wait_for()
    lead.refresh_from_db()
    assert lead.stage == "contacted"
    assert lead.events.filter(kind="stage").count() == 1
