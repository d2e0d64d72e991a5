"""Journeys through the project page in Chromium: design plan confirmed, drawing delivered,
and a PM on a phone writing a site log with a photo, recording an inspection and scoring the crew."""

import datetime as dt

import pytest
from django.utils import timezone
from PIL import Image

from projects.models import CrewEvaluation, DesignPlan, Inspection, SiteLog
from teams.roles import Role
from tests.clients.factories import ClientFactory
from tests.projects.factories import CrewFactory, DrawingTaskFactory, ProjectFactory, SchedulePhaseFactory
from tests.teams.factories import TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cast():
    team = TeamFactory(name="静安一组")
    consultant = UserFactory(username="zhangwei", role=Role.CONSULTANT, team=team, full_name="张伟")
    team.leader = consultant
    team.save(update_fields=["leader"])
    designer = UserFactory(username="liuyang", role=Role.DESIGNER, team=team, full_name="刘洋")
    assistant = UserFactory(username="chenjing", role=Role.ASSISTANT_DESIGNER, team=team, full_name="陈静")
    pm = UserFactory(username="yangqiang", role=Role.PROJECT_MANAGER, team=team, full_name="杨强")
    client = ClientFactory(team=team, consultant=consultant, name="王先生")
    project = ProjectFactory(
        client=client, team=team, name="王先生的家", project_manager=pm, designers=[designer], assistants=[assistant]
    )
    return {"designer": designer, "assistant": assistant, "pm": pm, "project": project}


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "site.png"
    Image.new("RGB", (2000, 1500), (180, 140, 90)).save(path)
    return str(path)


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pass-1234")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"{live_server.url}/")


def test_designer_submits_a_plan_and_records_the_clients_confirmation(page, live_server, cast, photo):
    project = cast["project"]
    _login(page, live_server, "liuyang")
    page.goto(f"{live_server.url}/projects/{project.pk}/#design")
    page.click("[data-testid=plan-add]")
    page.fill("#id_title", "现代简约方案")
    page.fill("#id_summary", "客厅餐厅打通，主卧加衣帽间")
    page.set_input_files("#id_files", photo)
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=plan-1]")
    page.click("[data-testid=plan-submit]")
    page.click("[data-testid=plan-answer]")
    page.check("#id_confirmed_0")
    page.fill("#id_client_name", "王先生")
    page.click("[data-testid=save]")
    status = page.locator("[data-testid=plan-1] [data-testid=plan-status]")
    assert status.inner_text() == "客户已确认"
    plan = DesignPlan.objects.get()
    assert plan.status == DesignPlan.Status.CONFIRMED and plan.files.count() == 1


def test_assistant_delivers_a_drawing(page, live_server, cast, photo):
    project = cast["project"]
    task = DrawingTaskFactory(
        project=project,
        assignee=cast["assistant"],
        title="客厅效果图",
        deadline=timezone.localdate() + dt.timedelta(days=1),
    )
    _login(page, live_server, "chenjing")
    assert "客厅效果图" in page.content()  # on the assistant's home panel
    page.goto(f"{live_server.url}/projects/{project.pk}/#drawings")
    page.click(f"[data-testid=drawing-{task.pk}] [data-testid=deliver]")
    page.set_input_files("#id_files", photo)
    page.click("[data-testid=save]")
    row = page.locator(f"[data-testid=drawing-{task.pk}]")
    row.wait_for()
    assert "按时" in row.inner_text()
    task.refresh_from_db()
    assert task.delivered_at is not None


def test_pm_on_a_phone_writes_a_site_log_inspects_and_scores_the_crew(page, live_server, cast, photo):
    project = cast["project"]
    phase = SchedulePhaseFactory(project=project, crew=CrewFactory(name="李师傅水电队"))
    page.set_viewport_size({"width": 390, "height": 844})
    _login(page, live_server, "yangqiang")
    page.goto(f"{live_server.url}/projects/{project.pk}/#logs")
    page.click("[data-testid=log-add]")
    page.fill("#id_weather", "晴")
    page.fill("#id_workers_on_site", "5")
    page.fill("#id_work_done", "水电开槽，布管")
    page.set_input_files("#id_photos", photo)
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid^=log-] .thumbs img")
    log = SiteLog.objects.get()
    assert log.photos.count() == 1 and log.author == cast["pm"]

    page.goto(f"{live_server.url}/projects/{project.pk}/#inspections")
    page.click("[data-testid=inspection-add]")
    page.select_option("#id_phase", str(phase.pk))
    page.check("input[name=result][value=pass]")
    page.fill("#id_notes", "管线横平竖直，打压合格")
    page.click("[data-testid=save]")
    page.wait_for_selector("#tab-inspections")
    assert Inspection.objects.get().result == Inspection.Result.PASS

    page.goto(f"{live_server.url}/projects/{project.pk}/#crews")
    page.click("[data-testid=evaluation-add]")
    page.select_option("#id_phase", str(phase.pk))
    for name, score in [("quality", 5), ("schedule", 4), ("tidiness", 4), ("safety", 5), ("cooperation", 5)]:
        page.check(f"input[name={name}][value='{score}']")
    page.click("[data-testid=save]")
    page.wait_for_selector("#tab-crews")
    assert "4.6" in page.locator("#tab-crews").inner_text()
    evaluation = CrewEvaluation.objects.get()
    assert evaluation.evaluated_by == cast["pm"] and evaluation.crew.name == "李师傅水电队"
