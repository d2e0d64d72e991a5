"""What the apps register with teams/registry.py: the board's "due today" counts, demo seeders, hooks."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from complaints.models import Complaint
from projects.models import Project
from teams import registry
from tests.clients.factories import ClientFactory, FollowUpVisitFactory
from tests.complaints.factories import ComplaintFactory
from tests.projects.factories import DrawingTaskFactory, ProjectFactory, SiteLogFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 9, 22, 10, 0, tzinfo=SH)
TODAY = NOW.date()


@pytest.fixture
def busy_team(team, consultant, designer, assistant, pm):
    """Work due today and overdue for each kind, plus work due later or done (not counted)."""
    client = ClientFactory(team=team, consultant=consultant)
    acknowledged = Complaint.State.ACKNOWLEDGED
    with time_machine.travel(NOW, tick=False):
        ComplaintFactory(client=client, handler=designer, state=acknowledged, registered_at=NOW - dt.timedelta(days=4))
        ComplaintFactory(client=client, handler=designer, state=acknowledged, registered_at=NOW)  # due in 3 days
        ComplaintFactory(client=client, handler=designer, registered_at=NOW)  # to acknowledge today
        FollowUpVisitFactory(client=client, owner=consultant, due_date=TODAY)
        FollowUpVisitFactory(client=client, owner=consultant, due_date=TODAY - dt.timedelta(days=2))
        FollowUpVisitFactory(client=client, owner=consultant, due_date=TODAY + dt.timedelta(days=2))
        project = ProjectFactory(client=client, project_manager=pm, phase=Project.Phase.CONSTRUCTION)
        logged = ProjectFactory(client=client, project_manager=pm, phase=Project.Phase.CONSTRUCTION)
        SiteLogFactory(project=logged, date=TODAY, author=pm)
        DrawingTaskFactory(project=project, assignee=assistant, deadline=TODAY - dt.timedelta(days=1))
        DrawingTaskFactory(project=project, assignee=assistant, deadline=TODAY + dt.timedelta(days=3))
    return team


def _counts(rows):
    return {(r.member_id, r.kind): (r.n, r.overdue) for r in rows}


def test_each_app_counts_its_own_due_today(busy_team, consultant, designer, assistant, pm, gm):
    counts = _counts(registry.due_today_rows(busy_team, gm, TODAY))
    assert counts == {
        (designer.pk, "complaints"): (2, 1),
        (consultant.pk, "visits"): (2, 1),
        (assistant.pk, "drawings"): (1, 1),
        (pm.pk, "site_logs_missing"): (1, 0),
    }


def test_due_today_counts_only_what_the_viewer_may_see(busy_team, designer, outsider):
    # A consultant of another team sees none of this team's complaints, visits or projects.
    assert registry.due_today_rows(busy_team, outsider, TODAY) == []
    # A designer sees the team's complaints and projects, and only their own follow-up visits.
    kinds = {r.kind for r in registry.due_today_rows(busy_team, designer, TODAY)}
    assert kinds == {"complaints", "drawings", "site_logs_missing"}


def test_demo_seeders_run_after_those_they_wait_for():
    names = [s.name for s in registry.demo_seeders()]
    assert names == [
        "teams",
        "meetings",
        "clients",
        "projects",
        "money",
        "reception",
        "complaints",
        "portal",
        "performance",
    ]


def test_demo_seeders_waiting_for_each_other_are_refused(monkeypatch):
    monkeypatch.setattr(registry, "DEMO_SEEDERS", {})
    registry.register_demo_seeder("b", lambda ctx: None, after=["a"])
    registry.register_demo_seeder("a", lambda ctx: None, after=["c"])
    registry.register_demo_seeder("c", lambda ctx: None)
    assert [s.name for s in registry.demo_seeders()] == ["c", "a", "b"]
    registry.register_demo_seeder("d", lambda ctx: None, after=["e"])
    registry.register_demo_seeder("e", lambda ctx: None, after=["d"])
    with pytest.raises(ValueError, match="wait for each other"):
        registry.demo_seeders()


def test_signing_a_contract_runs_the_projects_hook():
    assert [fn.__name__ for fn in registry.HOOKS["contract_signed"]] == ["project_open_for_contract"]
    assert [fn.__name__ for fn in registry.HOOKS["client_access"]] == ["projects_assigned"]
