import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from projects import services
from projects.defaults import STANDARD_PHASES
from projects.models import (
    CompletionItem,
    DesignChange,
    DesignPlan,
    DrawingTask,
    Inspection,
    MaintenanceRequest,
    Project,
    ProjectEvent,
    SchedulePhase,
)
from projects.uploads import ProcessedFile
from teams.editing import EditConflict
from teams.models import Notification
from teams.roles import Role
from tests.clients.factories import ClientFactory
from tests.projects.factories import (
    BudgetRequestFactory,
    CrewFactory,
    DesignPlanFactory,
    DrawingTaskFactory,
    InspectionFactory,
    MaintenanceRequestFactory,
    SchedulePhaseFactory,
)
from tests.teams.factories import UserFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 5, 11)


def test_project_open_keeps_signature_and_notifies_the_consultant(team, consultant):
    client = ClientFactory(team=team, consultant=consultant)
    project = services.project_open(client=client, team=team)
    assert project.phase == Project.Phase.DESIGN
    assert project.name == str(client)
    assert ProjectEvent.objects.filter(project=project).count() == 1
    assert Notification.objects.filter(recipient=consultant, url=project.get_absolute_url()).exists()


def test_project_update_refuses_a_stale_form(project, consultant, designer):
    data = {
        "name": "新名字",
        "address": "x",
        "project_manager": project.project_manager,
        "planned_start": None,
        "planned_finish": None,
        "designers": [designer],
        "assistants": [],
    }
    services.project_update(project=project, by=consultant, version=0, data=data)
    with pytest.raises(EditConflict):
        services.project_update(project=Project.objects.get(pk=project.pk), by=consultant, version=0, data=data)
    project.refresh_from_db()
    assert project.name == "新名字"
    assert project.version == 1


def test_project_update_only_by_the_team_consultant(project, designer, outsider):
    with pytest.raises(PermissionDenied):
        services.project_update(project=project, by=designer, version=0, data={})


def _ready_for_construction(project, designer, pm):
    DesignPlanFactory(project=project, status=DesignPlan.Status.CONFIRMED, created_by=designer)
    project.safety_plan = "临时用电三级配电"
    project.save(update_fields=["safety_plan"])
    services.schedule_apply_template(project=project, by=pm, start=TODAY)
    services.disclosure_record(
        project=project,
        by=pm,
        date=TODAY,
        designer=designer,
        project_manager=pm,
        crew=None,
        crew_leader="老李",
        points="水电走向",
    )


def test_construction_needs_confirmed_plan_safety_plan_schedule_and_disclosure(project, designer, pm):
    reasons = services.project_blockers(project, Project.Phase.CONSTRUCTION)
    assert len(reasons) == 4
    with pytest.raises(ValidationError):
        services.project_advance(project=project, to_phase=Project.Phase.CONSTRUCTION, by=pm)
    _ready_for_construction(project, designer, pm)
    services.project_advance(project=project, to_phase=Project.Phase.CONSTRUCTION, by=pm)
    project.refresh_from_db()
    assert project.phase == Project.Phase.CONSTRUCTION
    assert project.actual_start == timezone.localdate()
    assert ProjectEvent.objects.filter(project=project, text__contains="→").exists()


def test_phase_change_reads_in_each_readers_language(project, designer, pm):
    _ready_for_construction(project, designer, pm)
    Notification.objects.all().delete()
    with translation.override("en"):
        services.project_advance(project=project, to_phase=Project.Phase.CONSTRUCTION, by=pm)

    event = ProjectEvent.objects.filter(project=project).first()
    note = Notification.objects.get(recipient=designer)
    assert event.text == "阶段：设计 → 施工"  # the text column: the site language
    with translation.override("zh-hans"):
        assert event.display_text == "阶段：设计 → 施工"
        assert note.display_title == f"{project.name} 已进入施工阶段"
    with translation.override("en"):
        assert event.display_text == "Phase: Design → Construction"
        assert note.display_title == f"{project.name} is now in phase Construction"


def test_phase_cannot_skip(project, pm):
    with pytest.raises(ValidationError):
        services.project_advance(project=project, to_phase=Project.Phase.COMPLETED, by=pm)


def test_phase_advance_twice_moves_once(project, designer, pm):
    _ready_for_construction(project, designer, pm)
    stale = Project.objects.get(pk=project.pk)
    services.project_advance(project=project, to_phase=Project.Phase.CONSTRUCTION, by=pm)
    with pytest.raises(EditConflict):
        services.project_advance(project=stale, to_phase=Project.Phase.CONSTRUCTION, by=pm)


def test_completion_needs_every_phase_finished_and_passed(project, designer, pm):
    _ready_for_construction(project, designer, pm)
    services.project_advance(project=project, to_phase=Project.Phase.CONSTRUCTION, by=pm)
    assert services.project_blockers(project, Project.Phase.COMPLETED)
    for phase in project.phases.all():
        SchedulePhase.objects.filter(pk=phase.pk).update(actual_start=TODAY, actual_finish=phase.planned_finish)
        InspectionFactory(phase=phase, inspector=pm, result=Inspection.Result.PASS)
    assert services.project_blockers(project, Project.Phase.COMPLETED) == []
    services.project_advance(project=project, to_phase=Project.Phase.COMPLETED, by=pm)
    project.refresh_from_db()
    assert project.actual_finish == max(p.planned_finish for p in project.phases.all())


def test_warranty_needs_completion_documents_handed_over(project, pm, consultant):
    Project.objects.filter(pk=project.pk).update(phase=Project.Phase.COMPLETED, actual_finish=TODAY)
    project.refresh_from_db()
    assert services.project_blockers(project, Project.Phase.WARRANTY)
    with pytest.raises(ValidationError):
        services.completion_hand_over(project=project, by=pm)
    for kind in CompletionItem.Kind.values:
        services.completion_collect(project=project, by=pm, kind=kind)
    services.completion_hand_over(project=project, by=pm)
    assert project.completion_handed_to == consultant
    services.project_advance(project=project, to_phase=Project.Phase.WARRANTY, by=pm)
    assert project.warranty_until == TODAY.replace(year=TODAY.year + 2)


def test_completion_item_collected_once(project, pm):
    services.completion_collect(project=project, by=pm, kind=CompletionItem.Kind.AS_BUILT)
    with pytest.raises(ValidationError):
        services.completion_collect(project=project, by=pm, kind=CompletionItem.Kind.AS_BUILT)


def test_schedule_template_creates_seven_consecutive_phases_once(project, pm):
    created = services.schedule_apply_template(project=project, by=pm, start=TODAY)
    assert [p.kind for p in created] == [k for k, _days, _gates in STANDARD_PHASES]
    phases = list(project.phases.order_by("order"))
    for before, after in zip(phases, phases[1:], strict=False):
        assert after.planned_start == before.planned_finish + dt.timedelta(days=1)
    assert services.schedule_apply_template(project=project, by=pm, start=TODAY) == []


def test_plumbing_and_electrical_gates_the_next_phases(project, pm):
    services.schedule_apply_template(project=project, by=pm, start=TODAY)
    pe = project.phases.get(kind=SchedulePhase.Kind.PLUMBING_ELECTRICAL)
    masonry = project.phases.get(kind=SchedulePhase.Kind.MASONRY_TILING)

    def start(phase):
        return services.phase_update(
            phase=SchedulePhase.objects.get(pk=phase.pk),
            by=pm,
            version=SchedulePhase.objects.get(pk=phase.pk).version,
            planned_start=phase.planned_start,
            planned_finish=phase.planned_finish,
            actual_start=TODAY,
            actual_finish=None,
            crew=None,
        )

    with pytest.raises(ValidationError) as error:
        start(masonry)
    assert "actual_start" in error.value.message_dict
    services.inspection_record(
        phase=pe,
        by=pm,
        inspected_on=TODAY,
        result=Inspection.Result.RECTIFY,
        rectify_items="插座高度不对",
        reinspect_by=TODAY,
    )
    with pytest.raises(ValidationError):
        start(masonry)
    services.inspection_record(phase=pe, by=pm, inspected_on=TODAY, result=Inspection.Result.PASS)
    assert start(masonry).actual_start == TODAY


def test_phase_update_refuses_a_stale_version(project, pm):
    phase = SchedulePhaseFactory(project=project)
    kwargs = {
        "by": pm,
        "version": 0,
        "planned_start": phase.planned_start,
        "planned_finish": phase.planned_finish,
        "actual_start": None,
        "actual_finish": None,
        "crew": None,
    }
    services.phase_update(phase=phase, **kwargs)
    with pytest.raises(EditConflict):
        services.phase_update(phase=SchedulePhase.objects.get(pk=phase.pk), **kwargs)


def test_a_pm_edits_only_their_projects(project, other_pm):
    with pytest.raises(PermissionDenied):
        services.site_log_write(
            project=project, by=other_pm, date=TODAY, weather="晴", workers_on_site=3, work_done="x"
        )
    with pytest.raises(PermissionDenied):
        services.schedule_apply_template(project=project, by=other_pm, start=TODAY)


def test_rectify_needs_items_and_reinspection_date(project, pm):
    phase = SchedulePhaseFactory(project=project)
    with pytest.raises(ValidationError):
        services.inspection_record(phase=phase, by=pm, inspected_on=TODAY, result=Inspection.Result.RECTIFY)
    first = services.inspection_record(
        phase=phase, by=pm, inspected_on=TODAY, result="rectify", rectify_items="a\nb", reinspect_by=TODAY
    )
    second = services.inspection_record(phase=phase, by=pm, inspected_on=TODAY, result="pass")
    assert first.rectify_list == ["a", "b"]
    assert second.reinspection_of == first
    assert second.inspector == pm and second.inspected_on == TODAY


def test_plan_versions_number_up_and_confirmation_is_recorded(project, designer, consultant):
    first = services.plan_create(project=project, by=designer, title="方案", summary="s")
    second = services.plan_create(project=project, by=designer, title="方案", summary="s2")
    assert (first.number, second.number) == (1, 2)
    with pytest.raises(ValidationError):
        services.plan_record_answer(plan=second, by=designer, confirmed=True, on=TODAY, client_name="王先生")
    services.plan_submit(plan=second, by=designer)
    services.plan_record_answer(plan=second, by=designer, confirmed=True, on=TODAY, client_name="王先生", notes="好")
    second.refresh_from_db()
    assert second.status == DesignPlan.Status.CONFIRMED
    assert (second.confirmed_on, second.confirmed_by, second.client_notes) == (TODAY, "王先生", "好")
    assert Notification.objects.filter(recipient=consultant, title__contains="v2").exists()


def test_assistant_of_another_project_cannot_write_design(project, other_assistant):
    with pytest.raises(PermissionDenied):
        services.plan_create(project=project, by=other_assistant, title="x", summary="y")


def test_drawing_on_time_and_late(project, designer, assistant):
    task = services.drawing_task_create(
        project=project, by=designer, kind="rendering", title="客厅效果图", assignee=assistant, deadline=TODAY
    )
    assert Notification.objects.filter(recipient=assistant).exists()
    with time_machine.travel(dt.datetime(2026, 5, 11, 23, 0, tzinfo=timezone.get_current_timezone())):
        services.drawing_task_deliver(task=task, by=assistant)
    assert task.on_time is True
    late = DrawingTaskFactory(project=project, assignee=assistant, deadline=TODAY)
    with time_machine.travel(dt.datetime(2026, 5, 12, 9, 0, tzinfo=timezone.get_current_timezone())):
        assert late.is_overdue()
        services.drawing_task_deliver(task=late, by=assistant)
    assert late.on_time is False
    with pytest.raises(EditConflict):
        services.drawing_task_deliver(task=late, by=assistant)


def test_revision_counts_on_the_original(project, designer, assistant):
    task = DrawingTaskFactory(project=project, assignee=assistant, title="主卧施工图")
    revision = services.drawing_task_revise(task=task, by=designer, deadline=TODAY, reason="改门洞")
    task.refresh_from_db()
    assert task.revision_count == 1
    assert revision.revision_of == task and revision.assignee == assistant
    services.drawing_task_revise(task=revision, by=designer, deadline=TODAY, reason="再改")
    task.refresh_from_db()
    assert task.revision_count == 2


def test_approved_design_change_opens_revision_tasks(project, designer, assistant):
    drawing = DrawingTaskFactory(project=project, assignee=assistant)
    change = services.change_propose(
        project=project,
        by=designer,
        reason="业主要求",
        content="厨房改开放式",
        cost_impact=Decimal("3500"),
        schedule_impact_days=3,
        affected_drawings=[drawing],
    )
    services.change_decide(
        change=change, by=designer, approved=True, on=TODAY, client_name="王先生", revision_deadline=None
    )
    assert change.status == DesignChange.Status.APPROVED
    revision = DrawingTask.objects.get(design_change=change)
    assert revision.revision_of == drawing
    assert revision.deadline == TODAY + dt.timedelta(days=3)
    with pytest.raises(EditConflict):
        services.change_decide(
            change=change, by=designer, approved=False, on=TODAY, client_name="x", revision_deadline=None
        )


def test_budget_returned_only_by_its_clerk_and_once(project, designer, budget_clerk):
    request = services.budget_request_create(
        project=project, by=designer, clerk=budget_clerk, quantities="地砖 40㎡", due_on=TODAY
    )
    assert Notification.objects.filter(recipient=budget_clerk).exists()
    other_clerk = UserFactory(role=Role.BUDGET_CLERK, team=None)
    with pytest.raises(PermissionDenied):
        services.budget_return(request=request, by=other_clerk, amount=Decimal("1"))
    services.budget_return(request=request, by=budget_clerk, amount=Decimal("186000"))
    request.refresh_from_db()
    assert request.status == "returned" and request.amount == Decimal("186000")
    assert request.turnaround is not None
    assert Notification.objects.filter(recipient=designer, title__contains="186000").exists()
    with pytest.raises(EditConflict):
        services.budget_return(request=request, by=budget_clerk, amount=Decimal("2"))


def test_disclosure_confirmed_by_each_attendee(project, designer, pm, assistant):
    disclosure = services.disclosure_record(
        project=project,
        by=pm,
        date=TODAY,
        designer=designer,
        project_manager=pm,
        crew=None,
        crew_leader="老李",
        points="防水高度",
    )
    with pytest.raises(PermissionDenied):
        services.disclosure_confirm(disclosure=disclosure, by=assistant)
    services.disclosure_confirm(disclosure=disclosure, by=designer)
    services.disclosure_confirm(disclosure=disclosure, by=pm)
    assert not disclosure.fully_confirmed
    services.disclosure_confirm(disclosure=disclosure, by=pm, crew_leader=True)
    assert disclosure.fully_confirmed


def test_site_log_one_per_day_with_photos(project, pm):
    photo = ProcessedFile("a.jpg", b"\xff\xd8jpeg", "image/jpeg", ".jpg")
    log = services.site_log_write(
        project=project, by=pm, date=TODAY, weather="晴", workers_on_site=5, work_done="贴砖", photos=[photo, photo]
    )
    assert log.photos.count() == 2
    # Stored under a generated name in the project's folder, never the name the phone sent
    # (a random hex token may itself end in "a", so compare whole names).
    assert all(
        p.file.name.startswith(f"projects/{project.pk}/") and p.file.name.rsplit("/", 1)[1] != "a.jpg"
        for p in log.photos.all()
    )
    with pytest.raises(ValidationError):
        services.site_log_write(project=project, by=pm, date=TODAY, weather="晴", workers_on_site=5, work_done="x")


def test_crew_evaluation_once_per_crew_and_phase(project, pm):
    phase = SchedulePhaseFactory(project=project, crew=CrewFactory())
    scores = {"quality": 5, "schedule": 4, "tidiness": 4, "safety": 5, "cooperation": 3}
    evaluation = services.crew_evaluate(phase=phase, by=pm, evaluated_on=TODAY, scores=scores)
    assert evaluation.average == 4.2
    assert evaluation.evaluated_by == pm
    with pytest.raises(ValidationError):
        services.crew_evaluate(phase=phase, by=pm, evaluated_on=TODAY, scores=scores)
    with pytest.raises(ValidationError):
        services.crew_evaluate(
            phase=SchedulePhaseFactory(project=project, kind="painting", crew=None),
            by=pm,
            evaluated_on=TODAY,
            scores=scores,
        )


@time_machine.travel(dt.datetime(2026, 5, 11, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False)
def test_maintenance_lifecycle_and_reopen(project, pm):
    # On TODAY: a repair cannot be promised for a day already past.
    Project.objects.filter(pk=project.pk).update(phase=Project.Phase.WARRANTY)
    project.refresh_from_db()
    request = services.maintenance_create(project=project, by=pm, source="call", description="漏水", promised_on=TODAY)
    services.maintenance_done(request=request, by=pm, done_on=TODAY, work_notes="换阀门")
    services.maintenance_confirm(request=request, by=pm, satisfied=False, on=TODAY, feedback="还在滴")
    assert request.status == MaintenanceRequest.Status.OPEN and request.done_on is None
    services.maintenance_done(request=request, by=pm, done_on=TODAY, work_notes="再修")
    services.maintenance_confirm(request=request, by=pm, satisfied=True, on=TODAY)
    request.refresh_from_db()
    assert request.status == MaintenanceRequest.Status.CONFIRMED and request.client_confirmed_on == TODAY


def test_maintenance_only_after_completion(project, pm):
    with pytest.raises(ValidationError):
        services.maintenance_create(project=project, by=pm, source="call", description="x", promised_on=TODAY)


def test_drawing_reminders_day_before_and_on_the_day_run_twice_send_once(project, assistant):
    tomorrow = DrawingTaskFactory(project=project, assignee=assistant, deadline=TODAY + dt.timedelta(days=1))
    today = DrawingTaskFactory(project=project, assignee=assistant, deadline=TODAY)
    DrawingTaskFactory(project=project, assignee=assistant, deadline=TODAY, delivered_at=timezone.now())
    DrawingTaskFactory(project=project, assignee=assistant, deadline=TODAY + dt.timedelta(days=5))
    with time_machine.travel(dt.datetime(2026, 5, 11, 8, 0, tzinfo=timezone.get_current_timezone())):
        assert services.drawing_reminders_send() == 2
        assert services.drawing_reminders_send() == 0
    assert Notification.objects.filter(recipient=assistant, title__contains=tomorrow.title).count() == 1
    assert Notification.objects.filter(recipient=assistant, title__contains=today.title).count() == 1
    with time_machine.travel(dt.datetime(2026, 5, 12, 8, 0, tzinfo=timezone.get_current_timezone())):
        assert services.drawing_reminders_send() == 1  # "tomorrow" is now due today


def test_overdue_maintenance_reminds_then_escalates_once(project, pm, consultant, gm):
    request = MaintenanceRequestFactory(project=project, promised_on=TODAY, created_by=pm)
    with time_machine.travel(dt.datetime(2026, 5, 12, 10, 0, tzinfo=timezone.get_current_timezone())):
        assert services.maintenance_escalate() == 1
        assert services.maintenance_escalate() == 0
    assert Notification.objects.filter(recipient=pm).count() == 1
    assert Notification.objects.filter(recipient=consultant).count() == 1
    assert not Notification.objects.filter(recipient=gm).exists()
    with time_machine.travel(dt.datetime(2026, 5, 13, 10, 0, tzinfo=timezone.get_current_timezone())):
        assert services.maintenance_escalate() == 1
        assert services.maintenance_escalate() == 0
    assert Notification.objects.filter(recipient=gm).count() == 1
    request.refresh_from_db()
    assert request.reminded_at and request.escalated_at


def test_budget_factory_visible_to_its_clerk_only(budget_clerk):
    mine = BudgetRequestFactory(clerk=budget_clerk)
    BudgetRequestFactory()
    assert list(Project.objects.visible_to(budget_clerk)) == [mine.project]
