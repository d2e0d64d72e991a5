"""The editable schedule template (施工进度模板) and per-project phases: template edits reach the next
schedules only, custom phases are added and removed by the project's PM, the gate follows its flag,
and every page shows a phase by its display name."""

import datetime as dt
import importlib

import pytest
from django.apps import apps as global_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from projects import services
from projects.models import Inspection, PhaseTemplate, SchedulePhase
from teams.models import CalendarDay
from teams.roles import Role
from tests.projects.factories import (
    CrewEvaluationFactory,
    CrewFactory,
    InspectionFactory,
    ProjectFactory,
    SchedulePhaseFactory,
)
from tests.teams.factories import UserFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
FRIDAY = dt.date(2026, 9, 4)


def _names(project):
    return [p.display_name for p in project.phases.order_by("order")]


def _start(phase, by):
    phase = SchedulePhase.objects.get(pk=phase.pk)
    return services.phase_update(
        phase=phase,
        by=by,
        version=phase.version,
        planned_start=phase.planned_start,
        planned_finish=phase.planned_finish,
        actual_start=TODAY,
        actual_finish=None,
        crew=None,
    )


# --- The template ------------------------------------------------------------------------------------


def test_the_seeded_template_is_the_seven_standard_phases_with_the_plumbing_gate():
    rows = list(PhaseTemplate.objects.order_by("order"))
    assert [r.kind for r in rows] == [k for k in SchedulePhase.Kind.values if k != "custom"]
    assert [r.display_name for r in rows] == ["拆除", "水电", "泥瓦", "木作", "油漆", "安装", "保洁"]
    assert [r.kind for r in rows if r.gates_later] == ["plumbing_electrical"]
    assert all(r.is_active and r.duration_unit == "calendar" for r in rows)


def test_the_seed_migration_reverses_and_reapplies(project, pm):
    services.schedule_apply_template(project=project, by=pm, start=TODAY)
    seed = importlib.import_module("projects.migrations.0009_seed_phase_template")
    seed.backward(global_apps, None)
    assert not PhaseTemplate.objects.exists()
    assert project.phases.count() == 7 and not project.phases.filter(template__isnull=False).exists()
    seed.forward(global_apps, None)
    assert PhaseTemplate.objects.count() == 7
    # Existing schedules are linked to the rows again, and plumbing & electrical still gates.
    assert not project.phases.filter(template=None).exists()
    assert list(project.phases.filter(gates_later=True).values_list("kind", flat=True)) == ["plumbing_electrical"]


def test_template_edits_change_the_next_schedule_not_existing_ones(project, pm, team):
    services.schedule_apply_template(project=project, by=pm, start=FRIDAY)
    before = _names(project)
    PhaseTemplate.objects.filter(kind="carpentry").update(name="全屋定制木作")
    PhaseTemplate.objects.filter(kind="cleaning").update(is_active=False)
    masonry = PhaseTemplate.objects.get(kind="masonry_tiling")
    PhaseTemplate.objects.create(name="防水", order=masonry.order, duration=2, gates_later=True)
    PhaseTemplate.objects.filter(kind="demolition").update(duration=5)

    later = ProjectFactory(team=team, client=project.client, project_manager=pm)
    services.schedule_apply_template(project=later, by=pm, start=FRIDAY)

    assert _names(later) == ["拆除", "水电", "泥瓦", "防水", "全屋定制木作", "油漆", "安装"]
    waterproofing = later.phases.get(name="防水")
    assert waterproofing.kind == SchedulePhase.Kind.CUSTOM and waterproofing.gates_later
    assert later.phases.get(kind="demolition").planned_finish == FRIDAY + dt.timedelta(days=4)
    assert [p.order for p in later.phases.order_by("order")] == [1, 2, 3, 4, 5, 6, 7]
    # The project scheduled before the edits keeps its phases, names and dates.
    assert _names(project) == before == ["拆除", "水电", "泥瓦", "木作", "油漆", "安装", "保洁"]
    assert project.phases.get(kind="demolition").planned_finish == FRIDAY + dt.timedelta(days=2)
    # Renaming the template row afterwards does not rename the phases already created from it.
    PhaseTemplate.objects.filter(kind="carpentry").update(name="木工")
    assert later.phases.get(kind="carpentry").display_name == "全屋定制木作"


def test_a_duration_in_working_days_skips_weekends_and_holidays(project, pm):
    PhaseTemplate.objects.exclude(kind="demolition").update(is_active=False)
    PhaseTemplate.objects.filter(kind="demolition").update(duration=3, duration_unit="working")
    CalendarDay.objects.create(date=FRIDAY + dt.timedelta(days=3), is_working_day=False, name="中秋节")
    (phase,) = services.schedule_apply_template(project=project, by=pm, start=FRIDAY - dt.timedelta(days=1))
    # Thursday, Friday, (weekend, Monday holiday), Tuesday.
    assert phase.planned_start == FRIDAY - dt.timedelta(days=1)
    assert phase.planned_finish == FRIDAY + dt.timedelta(days=4)


def test_a_custom_template_row_needs_a_name_and_a_standard_kind_is_used_once():
    with pytest.raises(ValidationError):
        PhaseTemplate(kind="custom", name="").full_clean()
    with pytest.raises(ValidationError):
        PhaseTemplate(kind="painting", name="二次油漆").full_clean()
    PhaseTemplate(kind="custom", name="成品保护").full_clean()


def test_admin_lists_and_edits_the_template(client):
    admin = UserFactory(role=Role.CONSULTANT, is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get(reverse("admin:projects_phasetemplate_changelist"))
    assert response.status_code == 200 and "水电" in response.content.decode()
    row = PhaseTemplate.objects.get(kind="plumbing_electrical")
    data = {
        "name": "水电改造",
        "kind": "plumbing_electrical",
        "order": row.order,
        "duration": 8,
        "duration_unit": "working",
        "is_active": "on",
    }
    response = client.post(reverse("admin:projects_phasetemplate_change", args=[row.pk]), data)
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.name, row.duration, row.duration_unit, row.gates_later) == ("水电改造", 8, "working", False)


# --- The gate follows the flag -----------------------------------------------------------------------


def test_the_gate_follows_the_flag_of_the_template(project, pm):
    PhaseTemplate.objects.filter(kind="plumbing_electrical").update(gates_later=False)
    PhaseTemplate.objects.filter(kind="carpentry").update(gates_later=True)
    services.schedule_apply_template(project=project, by=pm, start=TODAY)
    # Plumbing & electrical no longer gates: masonry starts before its inspection.
    assert _start(project.phases.get(kind="masonry_tiling"), pm).actual_start == TODAY
    # Carpentry now gates painting, and the message names it.
    with pytest.raises(ValidationError) as error:
        _start(project.phases.get(kind="painting"), pm)
    assert "木作" in error.value.message_dict["actual_start"][0]
    services.inspection_record(
        phase=project.phases.get(kind="carpentry"), by=pm, inspected_on=TODAY, result=Inspection.Result.PASS
    )
    assert _start(project.phases.get(kind="painting"), pm).actual_start == TODAY


def test_a_gating_custom_phase_notifies_when_passed(project, pm, designer):
    custom = services.phase_add(
        project=project, by=pm, name="防水闭水", gates_later=True, planned_start=TODAY, planned_finish=TODAY
    )
    later = services.phase_add(project=project, by=pm, name="贴砖", planned_start=TODAY, planned_finish=TODAY)
    with pytest.raises(ValidationError):
        _start(later, pm)
    services.inspection_record(phase=custom, by=pm, inspected_on=TODAY, result=Inspection.Result.PASS)
    assert designer.notifications.filter(title__contains="防水闭水").exists()
    assert _start(later, pm).actual_start == TODAY


# --- Adding and removing phases of one project -------------------------------------------------------


def test_pm_adds_a_custom_phase_after_another_and_the_order_follows(project, pm):
    services.schedule_apply_template(project=project, by=pm, start=FRIDAY)
    pe = project.phases.get(kind="plumbing_electrical")
    phase = services.phase_add(
        project=project, by=pm, name="防水", after=pe, planned_start=pe.planned_finish, planned_finish=pe.planned_finish
    )
    assert _names(project) == ["拆除", "水电", "防水", "泥瓦", "木作", "油漆", "安装", "保洁"]
    assert [p.order for p in project.phases.order_by("order")] == list(range(1, 9))
    assert phase.kind == SchedulePhase.Kind.CUSTOM and phase.template is None and not phase.gates_later
    # Added after plumbing & electrical, it waits for its inspection like the other later phases.
    with pytest.raises(ValidationError):
        _start(phase, pm)
    start = project.planned_start or TODAY
    first = services.phase_add(
        project=project, by=pm, name="成品保护", at_start=True, planned_finish=start + dt.timedelta(days=2)
    )
    assert first.order == 1 and first.planned_start == start
    assert project.events.filter(text__contains="成品保护").exists()


def test_pm_adds_a_template_phase_back_with_its_default_duration(project, pm):
    services.schedule_apply_template(project=project, by=pm, start=FRIDAY)
    cleaning = project.phases.get(kind="cleaning")
    cleaning.delete()
    installation = project.phases.get(kind="installation")
    row = PhaseTemplate.objects.get(kind="cleaning")
    phase = services.phase_add(project=project, by=pm, template=row)
    assert phase.order == 7 and phase.template == row and phase.display_name == "保洁"
    assert phase.planned_start == installation.planned_finish + dt.timedelta(days=1)
    assert phase.planned_finish == phase.planned_start + dt.timedelta(days=row.duration - 1)
    with pytest.raises(ValidationError) as error:
        services.phase_add(project=project, by=pm, template=row)
    assert "template" in error.value.message_dict


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "水电"}, "name"),  # the schedule already shows a phase of this name
        ({"name": "防水"}, "planned_finish"),  # a custom phase has no default duration
        ({"name": "防水", "planned_start": TODAY, "planned_finish": TODAY - dt.timedelta(days=1)}, "planned_finish"),
    ],
)
def test_adding_a_phase_explains_what_is_wrong(project, pm, changes, field):
    SchedulePhaseFactory(project=project, kind="plumbing_electrical")
    with pytest.raises(ValidationError) as error:
        services.phase_add(project=project, by=pm, **changes)
    assert field in error.value.message_dict
    assert project.phases.count() == 1


def test_an_inactive_template_row_cannot_be_added(project, pm):
    row = PhaseTemplate.objects.get(kind="painting")
    row.is_active = False
    row.save()
    with pytest.raises(ValidationError):
        services.phase_add(project=project, by=pm, template=row)


def test_only_the_projects_pm_or_the_consultant_change_the_schedule(project, pm, consultant, designer, team):
    other_pm = UserFactory(role=Role.PROJECT_MANAGER, team=team)
    for user in (other_pm, designer):
        with pytest.raises(PermissionDenied):
            services.phase_add(project=project, by=user, name="防水", planned_finish=TODAY)
    phase = services.phase_add(project=project, by=consultant, name="防水", planned_finish=TODAY)
    with pytest.raises(PermissionDenied):
        services.phase_remove(phase=phase, by=other_pm)
    services.phase_remove(phase=phase, by=pm)
    assert not project.phases.exists()


def test_a_phase_not_started_is_removed_and_the_rest_renumbered(project, pm):
    services.schedule_apply_template(project=project, by=pm, start=FRIDAY)
    services.phase_remove(phase=project.phases.get(kind="carpentry"), by=pm)
    assert _names(project) == ["拆除", "水电", "泥瓦", "油漆", "安装", "保洁"]
    assert [p.order for p in project.phases.order_by("order")] == list(range(1, 7))
    assert project.events.filter(text__contains="木作").exists()


@pytest.mark.parametrize("record", ["started", "inspected", "evaluated"])
def test_a_started_inspected_or_evaluated_phase_is_kept(project, pm, record):
    phase = SchedulePhaseFactory(project=project, kind="demolition", order=1, crew=CrewFactory())
    if record == "started":
        SchedulePhase.objects.filter(pk=phase.pk).update(actual_start=TODAY)
    elif record == "inspected":
        InspectionFactory(phase=phase, inspector=pm, result=Inspection.Result.RECTIFY)
    else:
        CrewEvaluationFactory(phase=phase, evaluated_by=pm)
    with pytest.raises(ValidationError):
        services.phase_remove(phase=phase, by=pm)
    assert SchedulePhase.objects.filter(pk=phase.pk).exists()


# --- Views -------------------------------------------------------------------------------------------


def test_pm_adds_a_custom_phase_from_the_schedule_page(login, project, pm):
    services.schedule_apply_template(project=project, by=pm, start=FRIDAY)
    pe = project.phases.get(kind="plumbing_electrical")
    web = login(pm)
    schedule = web.get(reverse("projects:schedule", args=[project.pk])).content.decode()
    assert reverse("projects:phase_add", args=[project.pk]) in schedule
    form = web.get(reverse("projects:phase_add", args=[project.pk])).content.decode()
    assert "水电之后" in form and "保洁" not in form.split('name="template"')[1].split("</select>")[0]
    data = {"template": "", "name": "防水", "position": str(pe.pk), "planned_start": "", "planned_finish": ""}
    response = web.post(reverse("projects:phase_add", args=[project.pk]), data)
    assert response.status_code == 200  # no finish for a custom phase: the form comes back with what was typed
    assert "请填写计划完工日期" in response.content.decode() and 'value="防水"' in response.content.decode()
    data["planned_start"] = data["planned_finish"] = pe.planned_finish.isoformat()
    response = web.post(reverse("projects:phase_add", args=[project.pk]), data)
    assert response.status_code == 302 and response.url == reverse("projects:schedule", args=[project.pk])
    assert _names(project)[2] == "防水"


def test_pm_removes_a_phase_by_post_only(login, project, pm):
    phase = SchedulePhaseFactory(project=project, kind="custom", name="防水", order=1)
    web = login(pm)
    url = reverse("projects:phase_remove", args=[project.pk, phase.pk])
    page = web.get(reverse("projects:schedule", args=[project.pk])).content.decode()
    assert url in page
    assert web.get(url).status_code == 405
    assert web.post(url).status_code == 302
    assert not SchedulePhase.objects.filter(pk=phase.pk).exists()
    SchedulePhase.objects.filter(pk=SchedulePhaseFactory(project=project).pk).update(actual_start=TODAY)
    started = project.phases.get()
    assert (
        url.replace(str(phase.pk), str(started.pk))
        not in web.get(reverse("projects:schedule", args=[project.pk])).content.decode()
    )
    response = web.post(reverse("projects:phase_remove", args=[project.pk, started.pk]), follow=True)
    assert "已开工，不能删除" in response.content.decode()
    assert SchedulePhase.objects.filter(pk=started.pk).exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("pm", 200), ("consultant", 200), ("other_pm", 403), ("designer", 403), ("gm", 403), ("outsider", 404)],
)
def test_who_may_add_and_remove_phases(request, login, project, who, status):
    phase = SchedulePhaseFactory(project=project, kind="custom", name="防水", order=1)
    web = login(request.getfixturevalue(who))
    assert web.get(reverse("projects:phase_add", args=[project.pk])).status_code == status
    response = web.post(reverse("projects:phase_remove", args=[project.pk, phase.pk]))
    assert response.status_code == (302 if status == 200 else status)
    assert SchedulePhase.objects.filter(pk=phase.pk).exists() == (status != 200)


def test_a_phase_of_another_project_is_404(login, project, pm, team):
    elsewhere = SchedulePhaseFactory(project=ProjectFactory(team=team, client=project.client), kind="custom", name="x")
    response = login(pm).post(reverse("projects:phase_remove", args=[project.pk, elsewhere.pk]))
    assert response.status_code == 404


def test_pages_show_the_phase_by_its_display_name(login, project, pm, consultant):
    crew = CrewFactory(name="老周水电队")
    phase = SchedulePhaseFactory(
        project=project,
        kind="custom",
        name="防水闭水",
        crew=crew,
        order=1,
        planned_start=TODAY - dt.timedelta(days=5),
        planned_finish=TODAY - dt.timedelta(days=1),
        actual_start=TODAY - dt.timedelta(days=5),
    )
    InspectionFactory(phase=phase, inspector=pm, result=Inspection.Result.RECTIFY, reinspect_by=TODAY)
    CrewEvaluationFactory(phase=phase, crew=crew, evaluated_by=pm)
    web = login(consultant)
    detail = web.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "工序未完成：防水闭水" in detail  # the list of what is late
    assert detail.count("防水闭水") >= 4  # also the Gantt, the inspections and the crew evaluations tabs
    assert "自定义工序" not in detail
    schedule = web.get(reverse("projects:schedule", args=[project.pk])).content.decode()
    assert schedule.count("防水闭水") >= 2  # the Gantt bar and the table
    assert "防水闭水" in web.get(reverse("projects:crew_detail", args=[crew.pk])).content.decode()
    assert "防水闭水" in web.get(reverse("projects:inspection_add", args=[project.pk])).content.decode()
    assert phase.get_kind_display() == "防水闭水"  # what other apps (performance drill-downs) show


def test_project_page_and_schedule_queries_do_not_grow_with_custom_phases(
    login, project, consultant, pm, django_assert_max_num_queries
):
    first = SchedulePhaseFactory(project=project, kind="demolition", order=1)
    InspectionFactory(phase=first, inspector=pm)
    CrewEvaluationFactory(phase=first, evaluated_by=pm)
    web = login(consultant)
    urls = [reverse("projects:detail", args=[project.pk]), reverse("projects:schedule", args=[project.pk])]
    counts = []
    for url in urls:
        with django_assert_max_num_queries(45) as few:
            web.get(url)
        counts.append(len(few.captured_queries))
    for i in range(5):
        phase = SchedulePhaseFactory(project=project, kind="custom", name=f"自定义{i}", order=i + 2)
        InspectionFactory(phase=phase, inspector=pm)
        CrewEvaluationFactory(phase=phase, evaluated_by=pm)
    for url, count in zip(urls, counts, strict=True):
        with django_assert_max_num_queries(count):
            assert web.get(url).status_code == 200


def test_removable_reads_only_prefetched_rows(project, pm, django_assert_num_queries):
    phase = SchedulePhaseFactory(project=project, kind="demolition", order=1)
    CrewEvaluationFactory(phase=phase, evaluated_by=pm)
    with_evaluations = SchedulePhase.objects.prefetch_related("inspections", "evaluations").get(pk=phase.pk)
    without = SchedulePhase.objects.prefetch_related("inspections").get(pk=phase.pk)
    with django_assert_num_queries(0):
        assert not with_evaluations.removable
        assert without.removable  # offered; phase_remove then refuses (tested above)
