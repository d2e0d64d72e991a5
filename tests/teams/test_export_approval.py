"""Bulk export controls: a big export of client data waits for the deputy GM's approval; every sheet
names its exporter and the time in its header; every export is in the access log."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from clients.models import AccessLog
from teams import jobs
from teams.models import Job, Notification
from tests.clients.factories import ClientFactory


@pytest.fixture
def four_clients(team, consultant, settings):
    settings.EXPORT_APPROVAL_ROWS = 3
    for i in range(4):
        ClientFactory(team=team, name=f"导出客户{i}")


def export(client):
    return client.get(reverse("clients:list"), {"export": "xlsx"})


@pytest.mark.django_db
def test_export_over_the_threshold_waits_for_the_gm(
    login, consultant, gm, four_clients, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = export(login(consultant))
    job = Job.objects.get(owner=consultant)
    assert response.status_code == 302 and response["Location"] == reverse("teams:job_detail", args=[job.pk])
    assert job.state == Job.State.AWAITING and job.approval_rows == 4 and not job.result
    assert not AccessLog.objects.filter(action="export").exists()  # no file yet
    note = Notification.objects.get(recipient=gm, url=reverse("teams:export_approvals"))
    assert "4" in note.title
    # The queue scan does not run it either.
    assert jobs.job_run(job_id=job.pk) == "claimed"
    # The deputy GM approves in the app; then the file is written, with the exporter in its header.
    page = login(gm).get(reverse("teams:export_approvals"))
    assert reverse("teams:job_approve", args=[job.pk]) in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert login(gm).post(reverse("teams:job_approve", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.decided_by == gm
    sheet = load_workbook(job.result.open("rb")).active
    assert consultant.full_name in sheet.oddHeader.center.text
    assert AccessLog.objects.filter(user=consultant, action="export", row_count=4).exists()


@pytest.mark.django_db
def test_refused_export_fails_and_the_owner_is_told(login, consultant, gm, four_clients):
    export(login(consultant))
    job = Job.objects.get(owner=consultant)
    assert login(gm).post(reverse("teams:job_refuse", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and not job.result
    assert Notification.objects.filter(recipient=consultant, url=reverse("teams:job_detail", args=[job.pk])).exists()
    # Not waiting any more: nothing to approve.
    assert login(gm).post(reverse("teams:job_approve", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_a_double_click_waits_once(login, consultant, four_clients):
    c = login(consultant)
    export(c)
    export(c)
    assert Job.objects.filter(owner=consultant).count() == 1


@pytest.mark.django_db
def test_only_the_gm_approves(login, consultant, outsider, four_clients):
    export(login(consultant))
    job = Job.objects.get(owner=consultant)
    assert login(outsider).post(reverse("teams:job_approve", args=[job.pk])).status_code == 403
    assert login(consultant).post(reverse("teams:job_approve", args=[job.pk])).status_code == 403
    job.refresh_from_db()
    assert job.state == Job.State.AWAITING


@pytest.mark.django_db
def test_gm_export_and_small_exports_do_not_wait(login, consultant, gm, team, settings):
    settings.EXPORT_APPROVAL_ROWS = 3
    for _ in range(3):
        ClientFactory(team=team)
    small = export(login(consultant))
    assert small.status_code == 200
    ClientFactory(team=team)
    assert export(login(gm)).status_code == 200
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_every_sheet_names_its_exporter_and_time(login, consultant, team, time_machine):
    time_machine.move_to("2026-05-06 14:30 +08:00")
    ClientFactory(team=team)
    response = export(login(consultant))
    book = load_workbook(io.BytesIO(response.content))
    header = book.active.oddHeader.center.text
    assert consultant.full_name in header and consultant.username in header and "2026-05-06 14:30" in header
    assert consultant.full_name in book.properties.creator
    # Visible in the grid too, above the header: a screenshot or a pasted copy still names its source.
    grid = book.active["A1"].value
    assert consultant.full_name in grid and consultant.username in grid and "2026-05-06 14:30" in grid
    assert AccessLog.objects.filter(user=consultant, action="export").count() == 1
