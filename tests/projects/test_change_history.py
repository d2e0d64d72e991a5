"""The project's timeline names every changed detail and schedule date, old and new, when it is edited
through its page (whose ModelForm writes into the instance before the service runs)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.forms import PhaseForm, ProjectForm
from projects.models import Project, SchedulePhase
from teams.roles import Role
from tests.forms import shown_values
from tests.projects.factories import CrewFactory, SchedulePhaseFactory
from tests.teams.factories import UserFactory

pytestmark = pytest.mark.django_db


def label(model, name) -> str:
    return str(model._meta.get_field(name).verbose_name)


def texts(project) -> list[str]:
    return list(project.events.values_list("text", flat=True))


@pytest.mark.parametrize(
    "field", ["name", "address", "project_manager", "planned_start", "planned_finish", "designers", "assistants"]
)
def test_project_edit_records_each_changed_field(login, project, consultant, field):
    Project.objects.filter(pk=project.pk).update(planned_start=dt.date(2026, 12, 1))
    project.refresh_from_db()
    old_text = {"name": "王先生的家", "address": project.address, "planned_start": "2026-12-01", "planned_finish": "—"}
    roles = {"project_manager": Role.PROJECT_MANAGER, "designers": Role.DESIGNER, "assistants": Role.ASSISTANT_DESIGNER}
    if field in roles:
        person = UserFactory(role=roles[field], team=project.team, full_name="新同事")
        value, new = (str(person.pk), "新同事") if field == "project_manager" else ([str(person.pk)], "新同事")
        old = str(getattr(project, field)) if field == "project_manager" else str(getattr(project, field).get())
    else:
        value = {"name": "王先生的新家", "address": "长宁区虹桥路 9 号"}.get(field, "2027-01-15")
        old, new = old_text[field], value
    form = ProjectForm(instance=project, team=project.team, user=consultant)
    response = login(consultant).post(reverse("projects:edit", args=[project.pk]), {**shown_values(form), field: value})
    assert response.status_code == 302
    assert texts(project) == [f"{label(Project, field)}：{old} → {new}"]


@pytest.mark.parametrize("field", ["planned_start", "planned_finish", "actual_start", "actual_finish", "crew"])
def test_phase_edit_records_each_changed_field(login, project, pm, field):
    today = timezone.localdate()
    phase = SchedulePhaseFactory(project=project, actual_start=today - dt.timedelta(days=3))
    value = {
        "planned_start": today - dt.timedelta(days=1),
        "planned_finish": today + dt.timedelta(days=20),
        "actual_start": today - dt.timedelta(days=2),
        "actual_finish": today,
    }.get(field)
    old = getattr(phase, field)
    if field == "crew":
        crew = CrewFactory(name="鲁班队")
        value, new, old = str(crew.pk), "鲁班队", str(old)
    else:
        new, old = value.isoformat(), old.isoformat() if old else "—"
    data = {**shown_values(PhaseForm(instance=phase)), field: value}
    response = login(pm).post(reverse("projects:phase_edit", args=[project.pk, phase.pk]), data)
    assert response.status_code == 302
    assert texts(project) == [f"进度 {phase}：{label(SchedulePhase, field)}：{old} → {new}"]
