"""Impossible values are refused by the database (CheckConstraint) and, for what depends on today, by the
forms and services: nothing that happened is dated in the future, no new deadline or promise is already over."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from complaints.models import DeadlinePolicy
from projects import services
from projects.forms import DrawingTaskForm, InspectionForm, MaintenanceDoneForm, MaintenanceForm, PhaseForm
from projects.models import (
    BudgetRequest,
    CrewEvaluation,
    Inspection,
    MaintenanceRequest,
    PhaseTemplate,
    Project,
    SchedulePhase,
)
from reception.models import Visit
from tests.projects.factories import (
    BudgetRequestFactory,
    CrewEvaluationFactory,
    InspectionFactory,
    MaintenanceRequestFactory,
    ProjectFactory,
    SchedulePhaseFactory,
)
from tests.reception.factories import VisitFactory

pytestmark = pytest.mark.django_db

D1, D2 = dt.date(2026, 11, 1), dt.date(2026, 11, 2)
BAD = [
    (Project, ProjectFactory, {"planned_start": D2, "planned_finish": D1}),
    (Project, ProjectFactory, {"actual_start": D2, "actual_finish": D1}),
    (SchedulePhase, SchedulePhaseFactory, {"planned_start": D2, "planned_finish": D1}),
    (SchedulePhase, SchedulePhaseFactory, {"actual_start": D2, "actual_finish": D1}),
    (CrewEvaluation, CrewEvaluationFactory, {"quality": 6}),
    (CrewEvaluation, CrewEvaluationFactory, {"cooperation": 0}),
    (BudgetRequest, BudgetRequestFactory, {"amount": Decimal("-1")}),
    (MaintenanceRequest, MaintenanceRequestFactory, {"reported_on": D2, "promised_on": D1}),
    (MaintenanceRequest, MaintenanceRequestFactory, {"reported_on": D2, "done_on": D1}),
    (Inspection, InspectionFactory, {"inspected_on": D2, "reinspect_by": D1}),
    (PhaseTemplate, None, {"duration": 0}),
    (Visit, VisitFactory, {"party_size": 0}),
    (DeadlinePolicy, None, {"resolve_minutes": 0}),
]


@pytest.mark.parametrize(("model", "factory", "values"), BAD, ids=[f"{m.__name__}-{'-'.join(v)}" for m, _f, v in BAD])
def test_database_refuses_impossible_values(model, factory, values):
    if factory is not None:
        row = factory()
    elif model is DeadlinePolicy:
        row = DeadlinePolicy.objects.create(severity="normal", ack_minutes=30, resolve_minutes=1620)
    else:
        row = PhaseTemplate.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**values)


FUTURE = "该日期在今天之后，请填写实际发生的日期。"
PAST = "该日期已过，请选择今天或以后的日期。"


def test_phase_form_refuses_actual_dates_in_the_future():
    phase = SchedulePhaseFactory()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    data = {"version": 1, "planned_start": phase.planned_start, "planned_finish": phase.planned_finish}
    form = PhaseForm({**data, "actual_start": tomorrow, "actual_finish": tomorrow}, instance=phase)
    assert not form.is_valid()
    assert form.errors["actual_start"] == [FUTURE] and form.errors["actual_finish"] == [FUTURE]


def test_a_future_actual_finish_cannot_finish_the_project(pm, project):
    today = timezone.localdate()
    phase = SchedulePhaseFactory(project=project, actual_start=today)
    with pytest.raises(ValidationError) as exc:
        services.phase_update(
            phase=phase,
            by=pm,
            version=phase.version,
            planned_start=phase.planned_start,
            planned_finish=phase.planned_finish,
            actual_start=today,
            actual_finish=today + dt.timedelta(days=10),
            crew=phase.crew,
        )
    assert exc.value.message_dict == {"actual_finish": [FUTURE]}
    phase.refresh_from_db()
    assert phase.actual_finish is None


def test_new_deadlines_and_promises_cannot_be_in_the_past(project):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    drawing = DrawingTaskForm({"kind": "rendering", "title": "客厅效果图", "deadline": yesterday}, project=project)
    assert not drawing.is_valid() and drawing.errors["deadline"] == [PAST]
    maintenance = MaintenanceForm(
        {"source": "call", "description": "漏水", "promised_on": yesterday}, project=project, user=project.team.leader
    )
    assert not maintenance.is_valid() and maintenance.errors["promised_on"] == [PAST]


def test_actual_dates_of_inspections_and_repairs_cannot_be_in_the_future(project):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    inspection = InspectionForm({"inspected_on": tomorrow, "result": "pass"}, project=project)
    assert not inspection.is_valid() and inspection.errors["inspected_on"] == [FUTURE]
    done = MaintenanceDoneForm({"done_on": tomorrow, "work_notes": "已修"})
    assert not done.is_valid() and done.errors["done_on"] == [FUTURE]
