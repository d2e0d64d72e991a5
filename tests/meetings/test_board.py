"""The team board: members, today's meeting, open actions, what each member has due today, other apps' panels."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from clients.models import FollowUpVisit
from complaints.models import Complaint
from meetings import selectors, services
from projects.models import Project
from teams import registry
from teams.registry import HomePanel
from teams.roles import TEAM_ROLES
from tests.clients.factories import ClientFactory, FollowUpVisitFactory
from tests.complaints.factories import ComplaintFactory
from tests.meetings.factories import ActionItemFactory, MeetingScheduleFactory
from tests.projects.factories import DrawingTaskFactory, ProjectFactory, SiteLogFactory
from tests.teams.factories import UserFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 9, 22)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(dt.datetime(2026, 9, 22, 10, 0, tzinfo=SH), tick=False):
        yield


@pytest.fixture
def busy_team(team, consultant, designer, assistant, pm):
    """Work due today and overdue for each kind, plus work due later (not shown)."""
    MeetingScheduleFactory(team=team)
    client = ClientFactory(team=team, consultant=consultant)
    now = dt.datetime(2026, 9, 22, 10, 0, tzinfo=SH)
    acknowledged = Complaint.State.ACKNOWLEDGED
    ComplaintFactory(client=client, handler=designer, state=acknowledged, registered_at=now - dt.timedelta(days=4))
    ComplaintFactory(  # resolve by today
        client=client, handler=designer, state=acknowledged, registered_at=now - dt.timedelta(days=3, hours=-2)
    )
    ComplaintFactory(client=client, handler=designer, state=Complaint.State.CLOSED, registered_at=now)  # closed
    ComplaintFactory(client=client, handler=designer, registered_at=now)  # not yet acknowledged: due today
    FollowUpVisitFactory(client=client, owner=consultant, due_date=TODAY)
    FollowUpVisitFactory(client=client, owner=consultant, due_date=TODAY - dt.timedelta(days=2))
    FollowUpVisitFactory(client=client, owner=consultant, due_date=TODAY + dt.timedelta(days=2))
    FollowUpVisitFactory(client=client, owner=consultant, due_date=TODAY, done_at=now, contract=None)  # done: not due
    project = ProjectFactory(client=client, project_manager=pm, phase=Project.Phase.CONSTRUCTION)
    logged = ProjectFactory(client=client, project_manager=pm, phase=Project.Phase.CONSTRUCTION)
    SiteLogFactory(project=logged, date=TODAY, author=pm)
    ProjectFactory(client=client, project_manager=pm, phase=Project.Phase.DESIGN)
    DrawingTaskFactory(project=project, assignee=assistant, deadline=TODAY)
    DrawingTaskFactory(project=project, assignee=assistant, deadline=TODAY + dt.timedelta(days=3))
    return team


def test_due_today_counts_each_members_work(busy_team, consultant, designer, assistant, pm):
    members = [consultant, designer, assistant, pm]
    rows = {r.member: r for r in selectors.due_today(team=busy_team, members=members, user=consultant, today=TODAY)}
    assert (rows[designer].complaints, rows[designer].complaints_overdue) == (3, 1)
    assert (rows[consultant].visits, rows[consultant].visits_overdue) == (2, 1)
    assert (rows[assistant].drawings, rows[assistant].drawings_overdue) == (1, 0)
    assert rows[pm].site_logs_missing == 1
    assert FollowUpVisit.objects.filter(owner=consultant).count() == 4


def test_member_sees_the_board(login, busy_team, consultant, designer, pm):
    ActionItemFactory(meeting=services.meeting_for_day(team=busy_team, date=TODAY), owner=pm, text="补做闭水试验")
    response = login(designer).get(reverse("meetings:board"))
    html = response.content.decode()
    assert response.status_code == 200
    for name in (consultant.full_name, designer.full_name, pm.full_name):
        assert name in html
    assert "补做闭水试验" in html
    assert 'data-testid="board-due"' in html


def test_board_counts_the_items_carried_over_to_todays_meeting(login, busy_team, designer, pm):
    """Open items of earlier meetings carry over; the board says how many (the meeting page lists them)."""
    yesterday = services.meeting_for_day(team=busy_team, date=TODAY - dt.timedelta(days=1))
    ActionItemFactory(meeting=yesterday, owner=pm, text="补做闭水试验")
    ActionItemFactory(meeting=yesterday, owner=pm, text="复尺", done_at=dt.datetime(2026, 9, 21, 17, 0, tzinfo=SH))
    ActionItemFactory(meeting=services.meeting_for_day(team=busy_team, date=TODAY), owner=pm, text="今天的事")
    html = login(designer).get(reverse("meetings:board")).content.decode()
    assert "延续 1 项未完成的行动项" in html


def test_board_is_fixed_queries(login, busy_team, django_assert_max_num_queries):
    for n in range(8):
        UserFactory(role="designer", team=busy_team, full_name=f"设计师{n}")
    client = login(busy_team.leader)
    client.get(reverse("meetings:board"))  # creates today's meeting
    with django_assert_max_num_queries(15):
        assert client.get(reverse("meetings:board")).status_code == 200


def test_other_team_gets_404(login, busy_team, outsider):
    assert login(outsider).get(reverse("meetings:board") + f"?team={busy_team.pk}").status_code == 404


def test_gm_picks_any_team(login, busy_team, gm, outsider):
    html = login(gm).get(reverse("meetings:board") + f"?team={outsider.team.pk}").content.decode()
    assert outsider.full_name in html


@pytest.mark.parametrize(("who", "status"), [("front_desk", 403), ("budget_clerk", 403), ("pm", 200), ("gm", 200)])
def test_board_permission_matrix(request, login, busy_team, who, status):
    assert login(request.getfixturevalue(who)).get(reverse("meetings:board")).status_code == status


def test_board_renders_other_apps_panels(login, busy_team, designer, monkeypatch):
    seen = {}

    def highlights(request, team):
        seen["team"] = team
        return {"items": [], "today": TODAY}

    panels = [
        HomePanel("highlights", "meetings/panels/action_items.html", frozenset(TEAM_ROLES), highlights, page="board"),
        HomePanel(
            "hidden",
            "meetings/panels/action_items.html",
            frozenset(TEAM_ROLES),
            lambda r, team: None,
            page="board",
        ),
    ]
    monkeypatch.setattr(registry, "PANELS", registry.PANELS + panels)
    html = login(designer).get(reverse("meetings:board")).content.decode()
    assert seen["team"] == busy_team
    assert 'data-testid="panel-highlights"' in html
    assert 'data-testid="panel-hidden"' not in html


def test_consultant_records_leave_and_the_chair_moves(login, busy_team, consultant, designer):
    tomorrow = services.meeting_for_day(team=busy_team, date=TODAY + dt.timedelta(days=1))
    services.meeting_swap_chair(meeting=tomorrow, to_chair=designer, by=consultant)
    response = login(consultant).post(
        reverse("meetings:leave_add"),
        {
            "team": busy_team.pk,
            "member": designer.pk,
            "start_date": "2026-09-23",
            "end_date": "2026-09-24",
            "reason": "年假",
        },
    )
    assert response.status_code == 302
    tomorrow.refresh_from_db()
    assert tomorrow.chair != designer
    assert designer.leaves.get().reason == "年假"
