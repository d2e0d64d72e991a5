"""The record forms of the project page: each saves through its service and lands on its tab."""

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import (
    BudgetRequest,
    CompletionItem,
    DesignChange,
    DesignConsultation,
    DesignReview,
    DrawingTask,
    MaintenanceRequest,
    Project,
    SchedulePhase,
    TechnicalDisclosure,
)
from teams.models import Notification
from tests.projects.factories import DrawingTaskFactory, SchedulePhaseFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate().isoformat()


def _post(web, name, project, data, *args):
    return web.post(reverse(f"projects:{name}", args=[project.pk, *args]), data)


def test_consultation_and_drawing_task_by_the_designer(login, project, designer, assistant):
    web = login(designer)
    response = _post(web, "consultation_add", project, {"date": TODAY, "question": "能做地暖吗？", "answer": "可以"})
    assert response.status_code == 302 and response.url.endswith("#design")
    assert DesignConsultation.objects.get().recorded_by == designer
    _post(
        web,
        "drawing_add",
        project,
        {"kind": "construction", "title": "水电施工图", "assignee": assistant.pk, "deadline": TODAY, "notes": ""},
    )
    task = DrawingTask.objects.get()
    assert task.assignee == assistant and task.created_by == designer
    assert Notification.objects.filter(recipient=assistant).exists()


def test_design_review_opens_a_revision_task(login, project, designer, assistant, pm):
    drawing = DrawingTaskFactory(project=project, assignee=assistant, title="主卧施工图")
    web = login(designer)
    _post(
        web,
        "review_add",
        project,
        {"date": TODAY, "attendees": [designer.pk, pm.pk], "opinions": "衣柜深度不足", "decisions": "改为600"},
    )
    review = DesignReview.objects.get()
    assert set(review.attendees.all()) == {designer, pm}
    response = _post(
        web, "review_revision", project, {"drawing": drawing.pk, "reason": "衣柜加深", "deadline": TODAY}, review.pk
    )
    assert response.status_code == 302
    revision = DrawingTask.objects.get(review=review)
    assert revision.revision_of == drawing
    assert "主卧施工图" in web.get(reverse("projects:detail", args=[project.pk])).content.decode()


def test_budget_request_goes_to_the_clerk(login, project, designer, budget_clerk):
    response = _post(
        login(designer),
        "budget_add",
        project,
        {"clerk": budget_clerk.pk, "quantities": "地砖 40㎡", "due_on": TODAY},
    )
    assert response.status_code == 302
    assert BudgetRequest.objects.get().clerk == budget_clerk
    assert Notification.objects.filter(recipient=budget_clerk).exists()


def test_disclosure_recorded_and_confirmed(login, project, designer, pm):
    web = login(pm)
    _post(
        web,
        "disclosure_add",
        project,
        {"date": TODAY, "designer": designer.pk, "project_manager": pm.pk, "crew_leader": "老李", "points": "防水"},
    )
    disclosure = TechnicalDisclosure.objects.get()
    _post(web, "disclosure_confirm", project, {}, disclosure.pk)
    _post(web, "disclosure_confirm", project, {"crew": "1"}, disclosure.pk)
    _post(login(designer), "disclosure_confirm", project, {}, disclosure.pk)
    disclosure.refresh_from_db()
    assert disclosure.fully_confirmed


def test_design_change_approved_by_the_client(login, project, designer, assistant):
    drawing = DrawingTaskFactory(project=project, assignee=assistant)
    web = login(designer)
    _post(
        web,
        "change_add",
        project,
        {
            "reason": "业主要求",
            "content": "厨房开放",
            "cost_impact": "3500",
            "schedule_impact_days": 2,
            "affected_drawings": [drawing.pk],
        },
    )
    change = DesignChange.objects.get()
    _post(web, "change_decide", project, {"approved": "yes", "on": TODAY, "client_name": "王先生"}, change.pk)
    change.refresh_from_db()
    assert change.status == DesignChange.Status.APPROVED
    assert DrawingTask.objects.filter(design_change=change, revision_of=drawing).exists()


def test_construction_plan_and_schedule_template(login, project, pm):
    web = login(pm)
    response = _post(web, "construction_plan", project, {"version": 0, "construction_method": "", "safety_plan": ""})
    assert response.status_code == 200  # the safety plan is mandatory
    _post(web, "construction_plan", project, {"version": 0, "construction_method": "先水电", "safety_plan": "三级配电"})
    project.refresh_from_db()
    assert project.safety_plan == "三级配电" and project.version == 1
    response = _post(web, "schedule_template", project, {"start": TODAY})
    assert response.status_code == 302
    assert SchedulePhase.objects.filter(project=project).count() == 7


def test_consultant_edits_staff_and_a_stale_form_is_refused(login, project, consultant, designer, pm):
    web = login(consultant)
    data = {"name": "王府", "address": "静安区", "designers": [designer.pk], "project_manager": pm.pk, "version": 0}
    assert _post(web, "edit", project, data).status_code == 302
    project.refresh_from_db()
    assert project.name == "王府"
    response = _post(web, "edit", project, {**data, "name": "旧表单"})
    assert response.status_code == 200
    assert "旧表单" in response.content.decode()
    project.refresh_from_db()
    assert project.name == "王府"


def test_completion_checklist_and_hand_over(login, project, pm, consultant):
    Project.objects.filter(pk=project.pk).update(phase=Project.Phase.COMPLETED)
    web = login(pm)
    for kind in CompletionItem.Kind.values:
        assert _post(web, "completion_add", project, {"kind": kind, "notes": ""}).status_code == 302
    _post(web, "completion_hand_over", project, {})
    project.refresh_from_db()
    assert project.completion_handed_to == consultant
    assert Notification.objects.filter(recipient=consultant, url__contains="#completion").exists()


def test_maintenance_request_to_client_confirmation(login, project, pm):
    Project.objects.filter(pk=project.pk).update(phase=Project.Phase.WARRANTY)
    web = login(pm)
    response = _post(
        web,
        "maintenance_add",
        project,
        {"source": "call", "description": "漏水", "promised_on": TODAY},
    )
    assert response.status_code == 302
    item = MaintenanceRequest.objects.get()
    _post(web, "maintenance_done", project, {"done_on": TODAY, "work_notes": "换阀门"}, item.pk)
    _post(web, "maintenance_confirm", project, {"satisfied": "yes", "on": TODAY, "feedback": "好"}, item.pk)
    item.refresh_from_db()
    assert item.status == MaintenanceRequest.Status.CONFIRMED


def test_phase_edit_enforces_the_plumbing_gate(login, project, pm):
    SchedulePhaseFactory(project=project, kind="plumbing_electrical", order=2)
    masonry = SchedulePhaseFactory(project=project, kind="masonry_tiling", order=3)
    response = login(pm).post(
        reverse("projects:phase_edit", args=[project.pk, masonry.pk]),
        {
            "version": 0,
            "planned_start": masonry.planned_start.isoformat(),
            "planned_finish": masonry.planned_finish.isoformat(),
            "actual_start": TODAY,
            "actual_finish": "",
        },
    )
    assert response.status_code == 200
    assert "水电验收合格" in response.content.decode()
    masonry.refresh_from_db()
    assert masonry.actual_start is None


def test_outsider_cannot_post_records(login, project, outsider, assistant):
    drawing = DrawingTaskFactory(project=project, assignee=assistant)
    web = login(outsider)
    assert _post(web, "completion_hand_over", project, {}).status_code == 404
    assert _post(web, "consultation_add", project, {"date": TODAY, "question": "x"}).status_code == 404
    assert _post(web, "drawing_deliver", project, {}, drawing.pk).status_code == 404
    assert not DesignConsultation.objects.exists()


def test_pm_corrects_a_site_log_and_adds_photos(login, project, pm, other_pm):
    from tests.projects.conftest import make_image
    from tests.projects.factories import SiteLogFactory

    log = SiteLogFactory(project=project, author=pm)
    url = reverse("projects:site_log_edit", args=[project.pk, log.pk])
    assert login(other_pm).get(url).status_code == 403
    web = login(pm)
    data = {"version": 0, "weather": "小雨", "workers_on_site": 6, "work_done": "水电开槽完成", "problems": ""}
    response = web.post(url, {**data, "photos": [make_image()]})
    assert response.status_code == 302
    log.refresh_from_db()
    assert (log.weather, log.work_done, log.photos.count(), log.version) == ("小雨", "水电开槽完成", 1, 1)
    response = web.post(url, {**data, "work_done": "过时的表单"})
    assert response.status_code == 200 and "过时的表单" in response.content.decode()
    log.refresh_from_db()
    assert log.work_done == "水电开槽完成"


def test_disclosure_confirmed_with_htmx_returns_the_card(login, project, designer, pm):
    from projects import services

    disclosure = services.disclosure_record(
        project=project,
        by=pm,
        date=timezone.localdate(),
        designer=designer,
        project_manager=pm,
        crew=None,
        crew_leader="老李",
        points="防水上翻1.8米",
    )
    response = login(designer).post(
        reverse("projects:disclosure_confirm", args=[project.pk, disclosure.pk]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and f'id="disclosure-{disclosure.pk}"' in html and "<html" not in html
    disclosure.refresh_from_db()
    assert disclosure.designer_confirmed_at is not None
