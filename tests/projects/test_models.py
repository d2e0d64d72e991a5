import datetime as dt

import pytest
from django.utils import timezone

from projects.models import Project
from teams.roles import Role
from tests.clients.factories import ClientFactory
from tests.projects.factories import DrawingTaskFactory, ProjectFactory, SchedulePhaseFactory
from tests.teams.factories import UserFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_visible_to_the_team_the_assigned_and_the_deputy_gm(project, consultant, designer, pm, gm, outsider):
    lent = UserFactory(role=Role.DESIGNER, team=outsider.team)
    project.designers.add(lent)  # a designer of another team lent to this project
    for user in (consultant, designer, pm, gm, lent):
        assert list(Project.objects.visible_to(user)) == [project], user
    assert not Project.objects.visible_to(outsider).exists()


def test_assigned_to_lists_only_assigned_projects(project, designer, team):
    ProjectFactory(client=ClientFactory(team=team), team=team)
    assert list(Project.objects.assigned_to(designer)) == [project]


def test_front_desk_and_admin_see_no_project(project, front_desk, admin_clerk):
    assert not Project.objects.visible_to(front_desk).exists()
    assert not Project.objects.visible_to(admin_clerk).exists()


def test_drawing_on_time_uses_the_local_date():
    task = DrawingTaskFactory(deadline=dt.date(2026, 5, 11))
    # 23:30 in Shanghai on the deadline day is 15:30 UTC: still on time.
    task.delivered_at = dt.datetime(2026, 5, 11, 15, 30, tzinfo=dt.UTC)
    assert task.on_time is True
    task.delivered_at = dt.datetime(2026, 5, 11, 16, 30, tzinfo=dt.UTC)
    assert task.on_time is False


def test_phase_lateness():
    phase = SchedulePhaseFactory(
        planned_start=TODAY - dt.timedelta(days=10), planned_finish=TODAY - dt.timedelta(days=1)
    )
    assert phase.is_late() and phase.on_schedule is None
    phase.actual_finish = TODAY - dt.timedelta(days=1)
    assert not phase.is_late() and phase.on_schedule is True


def test_permissions_on_the_project(project, consultant, designer, assistant, pm, other_pm, gm):
    assert project.can_manage(consultant) and not project.can_manage(designer)
    assert project.can_design(designer) and project.can_design(assistant) and not project.can_design(pm)
    assert project.can_build(pm) and not project.can_build(other_pm) and not project.can_build(designer)
    assert not project.can_edit(gm)
