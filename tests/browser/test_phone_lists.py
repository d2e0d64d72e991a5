"""Lists and forms on a 375 px phone: nothing wider than the screen, rows as cards, filters behind 筛选
with a count of the active ones (static/css/app.css .table-cards, templates/includes/filter_form.html)."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.clients.factories import ClientFactory
from tests.complaints.factories import ComplaintFactory
from tests.projects.factories import ProjectFactory, SchedulePhaseFactory
from tests.reception.factories import CallFactory, VisitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


def _login(page, live_server, user):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pass-1234")
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{live_server.url}/")


def _open(page, url):
    page.goto(url)
    page.wait_for_load_state("load")
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"{url}: {width} px wide on a {inner} px screen"


def _first_card(page, table):
    row = page.locator(f"[data-testid={table}] tbody tr").first
    # A card: the table's header is hidden, the row is a box as wide as the list, its cells stacked.
    assert not page.locator(f"[data-testid={table}] thead").is_visible()
    assert page.evaluate("el => getComputedStyle(el).display", row.element_handle()) == "flex", "rows are not cards"
    return row


def test_consultant_lists_and_project_form_fit_a_phone(page, live_server, consultant):
    ClientFactory(team=consultant.team, consultant=consultant, name="马先生", stage="new")
    ClientFactory(team=consultant.team, consultant=consultant, name="钱女士", stage="contacted")
    complaint = ComplaintFactory(client__team=consultant.team, client__consultant=consultant, caller_name="孙先生")
    project = ProjectFactory(client__team=consultant.team, client__consultant=consultant)
    _login(page, live_server, consultant)

    _open(page, f"{live_server.url}/clients/")
    card = _first_card(page, "client-table")
    assert card.locator(".cell-title").is_visible()
    # The name reads on one line, not one character per line (马/先/生).
    assert page.locator("[data-testid=client-table] .cell-title a", has_text="马先生").bounding_box()["height"] < 40
    toggle = page.locator("[data-testid=filter-toggle]")
    assert toggle.is_visible() and page.locator("[data-testid=filter-count]").count() == 0
    assert not page.locator("#filter-panel select[name=stage]").is_visible()
    toggle.click()
    page.select_option("#filter-panel select[name=stage]", "new")
    page.fill("#filter-panel input[name=q]", "马")
    # Enter in the search field submits the form wherever the panel's opening animation has put the button.
    with page.expect_navigation(url="**stage=new**"):
        page.press("#filter-panel input[name=q]", "Enter")
    assert page.locator("[data-testid=filter-count]").inner_text() == "2"
    assert page.locator("[data-testid=client-table] tbody tr").count() == 1

    _open(page, f"{live_server.url}/complaints/?scope=team")
    card = _first_card(page, "complaint-table")
    assert card.get_by_text(complaint.caller_name).is_visible()
    assert page.locator("[data-testid=filter-toggle]").is_visible()

    for form in ("edit/", "plans/new/", "logs/new/", "changes/new/"):
        _open(page, f"{live_server.url}/projects/{project.pk}/{form}")
        assert page.locator("form.record-form [data-testid=save]").is_visible()

    # The 13 project tabs scroll sideways, with a hint at the edge until the end is reached.
    _open(page, f"{live_server.url}/projects/{project.pk}/")
    bar = page.locator("[data-testid=tabs-scroll]")
    assert "is-scrollable" in bar.get_attribute("class") and "at-end" not in bar.get_attribute("class")
    assert page.locator("[data-testid=tabs-hint]").is_visible()
    page.locator("#project-tabs").evaluate("el => el.scrollTo(el.scrollWidth, 0)")
    page.locator("[data-testid=tabs-scroll].at-end").wait_for()

    # The schedule: one card per phase, its dates on one line each (not wrapped over six lines).
    SchedulePhaseFactory(project=project)
    _open(page, f"{live_server.url}/projects/{project.pk}/schedule/")
    card = _first_card(page, "schedule-table")
    assert card.locator(".cell-title").is_visible()
    assert card.locator("td").nth(2).bounding_box()["height"] < 30


def test_front_desk_sees_forward_state_and_visitor_actions_on_a_phone(page, live_server, front_desk, consultant):
    now = timezone.now()
    CallFactory(
        caller_name="周先生",
        important=True,
        forward_to=consultant,
        forwarded_at=now,
        ack_due_at=now + dt.timedelta(minutes=30),
    )
    VisitFactory(visitor_name="吴女士")
    _login(page, live_server, front_desk)

    _open(page, f"{live_server.url}/reception/calls/")
    card = _first_card(page, "call-table")
    assert card.locator("[data-testid=forward-state]").is_visible()
    assert page.locator("[data-testid=filter-toggle]").is_visible()

    _open(page, f"{live_server.url}/reception/visits/")
    card = _first_card(page, "visit-table")
    actions = card.locator("[data-testid=visit-actions]")
    assert actions.get_by_role("button", name="建立单源").is_visible()
    assert card.get_by_role("button").count() >= 2  # left now + make a lead


def test_team_board_target_card_and_lost_report_read_as_cards_on_a_phone(page, live_server, consultant, designer):
    from clients.models import Client
    from tests.meetings.factories import ActionItemFactory
    from tests.performance.helpers import make_card

    ActionItemFactory(meeting__team=consultant.team, owner=designer, text="整理本周回访名单")
    card = make_card(designer, month=timezone.localdate().replace(day=1))
    ClientFactory(team=consultant.team, consultant=consultant, stage=Client.Stage.LOST, lost_at=timezone.now())
    _login(page, live_server, consultant)

    _open(page, f"{live_server.url}/board/")
    assert _first_card(page, "board-due").locator(".cell-title").is_visible()
    assert _first_card(page, "board-actions").get_by_text("整理本周回访名单").is_visible()

    _open(page, f"{live_server.url}/performance/cards/{card.pk}/")
    assert _first_card(page, "card-items").locator(".cell-title", has_text="签约单数").is_visible()

    _open(page, f"{live_server.url}/clients/lost-report/")
    assert _first_card(page, "lost-reasons").locator(".cell-title").is_visible()
