import datetime as dt

import factory
from django.utils import timezone

from projects.models import (
    BudgetRequest,
    Crew,
    CrewEvaluation,
    DesignPlan,
    DrawingTask,
    Inspection,
    MaintenanceRequest,
    Project,
    SchedulePhase,
    SiteLog,
)
from teams.roles import Role
from tests.clients.factories import ClientFactory
from tests.facts import CountedFactory
from tests.teams.factories import UserFactory


class ProjectFactory(CountedFactory, factory.django.DjangoModelFactory):
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


class DrawingTaskFactory(CountedFactory, factory.django.DjangoModelFactory):
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


class SchedulePhaseFactory(CountedFactory, factory.django.DjangoModelFactory):
    class Meta:
        model = SchedulePhase

    project = factory.SubFactory(ProjectFactory)
    kind = SchedulePhase.Kind.PLUMBING_ELECTRICAL
    # As the seeded template: plumbing & electrical gates the later phases.
    gates_later = factory.LazyAttribute(lambda p: p.kind == SchedulePhase.Kind.PLUMBING_ELECTRICAL)
    order = 2
    crew = factory.SubFactory(CrewFactory)
    planned_start = factory.LazyFunction(timezone.localdate)
    planned_finish = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=14))


class InspectionFactory(CountedFactory, factory.django.DjangoModelFactory):
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


class DesignPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DesignPlan

    project = factory.SubFactory(ProjectFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = "现代简约方案"
    summary = "客厅开放式，主卧增加衣帽间"
    created_by = factory.LazyAttribute(lambda p: UserFactory(role=Role.DESIGNER, team=p.project.team))


class BudgetRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetRequest

    project = factory.SubFactory(ProjectFactory)
    requested_by = factory.LazyAttribute(lambda b: UserFactory(role=Role.DESIGNER, team=b.project.team))
    clerk = factory.LazyAttribute(lambda b: UserFactory(role=Role.BUDGET_CLERK, team=None))
    quantities = "客厅 30㎡ 地砖；卫生间 2 间"
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=3))


class MaintenanceRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MaintenanceRequest

    project = factory.SubFactory(ProjectFactory, phase=Project.Phase.WARRANTY)
    description = "卫生间漏水"
    promised_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=2))
    # Reported no later than promised (a CheckConstraint), for tests that backdate the promise.
    reported_on = factory.LazyAttribute(lambda m: min(timezone.localdate(), m.promised_on))
    created_by = factory.LazyAttribute(lambda m: UserFactory(role=Role.PROJECT_MANAGER, team=m.project.team))
