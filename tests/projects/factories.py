import datetime as dt

import factory
from django.utils import timezone

from projects.models import Crew, CrewEvaluation, DrawingTask, Inspection, Project, SchedulePhase, SiteLog
from teams.roles import Role
from tests.clients.factories import ClientFactory
from tests.teams.factories import UserFactory


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    client = factory.SubFactory(ClientFactory)
    team = factory.SelfAttribute("client.team")
    name = factory.LazyAttribute(lambda p: f"{p.client.name}的家")
    address = "上海市静安区南京西路 1 号"

    @factory.post_generation
    def designers(self, create, extracted, **kwargs):
        if create and extracted:
            self.designers.set(extracted)

    @factory.post_generation
    def assistants(self, create, extracted, **kwargs):
        if create and extracted:
            self.assistants.set(extracted)


class DrawingTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DrawingTask

    project = factory.SubFactory(ProjectFactory)
    kind = DrawingTask.Kind.RENDERING
    title = factory.Sequence(lambda n: f"客厅效果图 {n}")
    assignee = factory.LazyAttribute(lambda t: UserFactory(role=Role.ASSISTANT_DESIGNER, team=t.project.team))
    deadline = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=5))


class CrewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Crew

    name = factory.Sequence(lambda n: f"施工{n}队")
    leader = "老李"
    phone = "13700000000"
    trade = "水电"


class SchedulePhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchedulePhase

    project = factory.SubFactory(ProjectFactory)
    kind = SchedulePhase.Kind.PLUMBING_ELECTRICAL
    order = 2
    crew = factory.SubFactory(CrewFactory)
    planned_start = factory.LazyFunction(timezone.localdate)
    planned_finish = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=14))


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    phase = factory.SubFactory(SchedulePhaseFactory)
    inspected_on = factory.LazyFunction(timezone.localdate)
    inspector = factory.LazyAttribute(lambda i: UserFactory(role=Role.PROJECT_MANAGER, team=i.phase.project.team))
    result = Inspection.Result.PASS


class CrewEvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CrewEvaluation

    phase = factory.SubFactory(SchedulePhaseFactory)
    crew = factory.SelfAttribute("phase.crew")
    evaluated_by = factory.LazyAttribute(lambda e: UserFactory(role=Role.PROJECT_MANAGER, team=e.phase.project.team))
    evaluated_on = factory.LazyFunction(timezone.localdate)
    quality = 4
    schedule = 4
    tidiness = 5
    safety = 5
    cooperation = 4


class SiteLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SiteLog

    project = factory.SubFactory(ProjectFactory)
    date = factory.LazyFunction(timezone.localdate)
    author = factory.LazyAttribute(
        lambda s: s.project.project_manager or UserFactory(role=Role.PROJECT_MANAGER, team=s.project.team)
    )
    weather = "晴"
    workers_on_site = 4
    work_done = "水电开槽"
