"""Every spine factory builds a valid row (the other tests rely on them)."""

import pytest

from tests.clients import factories as clients
from tests.complaints import factories as complaints
from tests.meetings import factories as meetings
from tests.projects import factories as projects
from tests.reception import factories as reception
from tests.teams import factories as teams

FACTORIES = [
    teams.TeamFactory, teams.UserFactory, teams.NotificationFactory, meetings.MeetingFactory,
    meetings.MeetingAttendanceFactory, meetings.ActionItemFactory, meetings.TrainingFactory,
    meetings.TrainingAttendanceFactory,
    clients.ClientFactory, clients.ContractFactory, clients.FollowUpVisitFactory, clients.LostLeadReportFactory,
    projects.ProjectFactory, projects.DrawingTaskFactory, projects.CrewFactory, projects.SchedulePhaseFactory,
    projects.InspectionFactory, projects.CrewEvaluationFactory, projects.SiteLogFactory,
    complaints.ComplaintFactory, complaints.ComplaintEventFactory, reception.CallFactory, reception.VisitFactory,
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_factory_builds_a_valid_row(factory):
    row = factory()
    row.full_clean()
    assert type(row).objects.filter(pk=row.pk).exists()
