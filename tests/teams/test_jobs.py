"""Long work as background jobs with progress (teams/jobs.py, the job views, big exports in teams/exports.py)."""

import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from clients.models import AccessLog
from teams import jobs, tasks
from teams.models import Job, Notification
from teams.roles import Role
from tests.clients.factories import ClientFactory
from tests.conftest import real_broker
from tests.sheets import open_table
from tests.teams.factories import UserFactory


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def big(settings, team, consultant):
    """Five clients of the team and a threshold of 3 rows: the client list export is big."""
    settings.EXPORT_INLINE_MAX_ROWS = 3
    return [ClientFactory(team=team, consultant=consultant, name=f"客户{n}") for n in range(5)]


@pytest.fixture
def runner_kinds():
    """Test runners registered for one test only."""
    saved = dict(jobs.RUNNERS)
    yield jobs.RUNNERS
    jobs.RUNNERS.clear()
    jobs.RUNNERS.update(saved)


def _start_big_export(client, django_capture_on_commit_callbacks, *, execute=False):
    with django_capture_on_commit_callbacks(execute=execute):
        response = client.get(reverse("clients:list"), {"export": "xlsx", "q": ""})
    return response, Job.objects.get()


def test_big_export_starts_a_job_and_the_task_writes_every_row(
    login, big, consultant, outsider, django_capture_on_commit_callbacks
):
    client = login(consultant)
    response, job = _start_big_export(client, django_capture_on_commit_callbacks)
    # No workbook in the web request: the user is sent to the job's page.
    assert response.status_code == 302 and response.url == reverse("teams:job_detail", args=[job.pk])
    assert job.state == Job.State.QUEUED and job.owner == consultant and job.kind == "export"
    assert not AccessLog.objects.filter(action="export").exists()

    assert tasks.run_job(job.pk) == "done"
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.progress == 100 and job.finished_at
    names = sorted(row[0] for row in open_table(job.result.read())[1:])
    assert names == [f"客户{n}" for n in range(5)]
    # The export is logged once, by the job, with its real row count.
    assert list(AccessLog.objects.filter(action="export").values_list("row_count", "user")) == [(5, consultant.pk)]
    note = Notification.objects.get(recipient=consultant)
    assert note.url == reverse("teams:job_detail", args=[job.pk])

    download = client.get(reverse("teams:job_download", args=[job.pk]))
    assert download.status_code == 200 and "no-store" in download["Cache-Control"]
    assert "attachment" in download["Content-Disposition"] and "clients-" in download["Content-Disposition"]
    assert (
        load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.max_row == 7
    )  # watermark, header, 5 rows

    other = login(outsider)
    for name in ("teams:job_detail", "teams:job_status", "teams:job_download"):
        assert other.get(reverse(name, args=[job.pk])).status_code == 404


def test_small_export_stays_immediate(login, settings, team, consultant):
    settings.EXPORT_INLINE_MAX_ROWS = 3
    ClientFactory.create_batch(3, team=team, consultant=consultant)
    response = login(consultant).get(reverse("clients:list"), {"export": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert load_workbook(io.BytesIO(response.content)).active.max_row == 5  # watermark, header, 3 rows
    assert not Job.objects.exists()


def test_with_eager_celery_the_job_runs_after_commit(login, big, consultant, django_capture_on_commit_callbacks):
    _response, job = _start_big_export(login(consultant), django_capture_on_commit_callbacks, execute=True)
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.result


def test_a_job_delivered_twice_runs_once(login, big, consultant, django_capture_on_commit_callbacks):
    _response, job = _start_big_export(login(consultant), django_capture_on_commit_callbacks)
    assert tasks.run_job(job.pk) == "done"
    assert tasks.run_job(job.pk) == "claimed"
    assert AccessLog.objects.filter(action="export").count() == 1
    assert Notification.objects.filter(recipient=consultant).count() == 1


def test_broker_down_the_job_stays_queued_and_the_scan_runs_it(
    login, big, consultant, django_capture_on_commit_callbacks
):
    """Nothing runs inline: with the broker down the row waits for the minute scan (teams.tasks.run_queued_jobs)."""
    with real_broker("redis://127.0.0.1:1/0"):  # nothing listens there
        response, job = _start_big_export(login(consultant), django_capture_on_commit_callbacks, execute=True)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED
    # Too fresh for the scan: its task may still be on its way.
    assert tasks.run_queued_jobs() == 0
    Job.objects.filter(pk=job.pk).update(created_at=job.created_at - jobs.QUEUED_GRACE)
    assert tasks.run_queued_jobs() == 1
    job.refresh_from_db()
    assert job.state == Job.State.DONE


def test_status_fragment_polls_with_progress_then_shows_the_link(login, consultant):
    job = Job.objects.create(owner=consultant, kind="export", title="导出", state=Job.State.RUNNING, progress=40)
    client = login(consultant)
    url = reverse("teams:job_status", args=[job.pk])
    running = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in running and f'hx-get="{url}"' in running
    assert 'aria-valuenow="40"' in running and "width: 40%" in running
    assert reverse("teams:job_download", args=[job.pk]) not in running

    job.state, job.progress = Job.State.DONE, 100
    job.result.save("clients.xlsx", io.BytesIO(b"x"), save=False)
    job.save()
    done = client.get(url).content.decode()
    assert "every 1s" not in done
    assert reverse("teams:job_download", args=[job.pk]) in done
    page = client.get(reverse("teams:job_detail", args=[job.pk])).content.decode()
    assert reverse("teams:job_download", args=[job.pk]) in page and "导出" in page


def test_a_failing_job_shows_its_error_in_chinese(login, consultant, runner_kinds):
    def broken(job, report):
        report(1, total=2)
        raise ValidationError("报表数据不完整")

    def crashing(job, report):
        raise RuntimeError("disk on fire")

    jobs.register_job_runner("broken", broken)
    jobs.register_job_runner("crashing", crashing)
    told = jobs.job_start(owner=consultant, kind="broken", title="月度报告")
    hidden = jobs.job_start(owner=consultant, kind="crashing", title="月度报告")
    assert jobs.job_run(job_id=told.pk) == "failed" and jobs.job_run(job_id=hidden.pk) == "failed"

    client = login(consultant)
    shown = client.get(reverse("teams:job_status", args=[told.pk])).content.decode()
    assert "报表数据不完整" in shown and "alert-danger" in shown and "every 1s" not in shown
    crashed = client.get(reverse("teams:job_status", args=[hidden.pk])).content.decode()
    assert "disk on fire" not in crashed and "出错" in crashed
    assert client.get(reverse("teams:job_download", args=[told.pk])).status_code == 404
    assert Notification.objects.filter(recipient=consultant, title__contains="月度报告").count() == 2


def test_a_superuser_sees_any_job(client, consultant):
    job = Job.objects.create(owner=consultant, kind="export", title="导出")
    client.force_login(UserFactory(is_superuser=True, role=Role.ADMIN_CLERK, team=None))
    assert client.get(reverse("teams:job_status", args=[job.pk])).status_code == 200


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("clients:list", {"export": "xlsx"}),
        ("complaints:list", {"export": "xlsx"}),
        ("reception:call_list", {"export": "xlsx"}),
        ("projects:export", {}),
        ("meetings:meeting_list", {"export": "xlsx"}),
        ("meetings:training_list", {"export": "xlsx"}),
        ("performance:card_list", {"format": "xlsx"}),
    ],
)
def test_every_export_view_can_be_replayed_as_a_job(
    login, settings, gm, name, query, django_capture_on_commit_callbacks
):
    """The worker calls the view again without a browser: each export must work there (no session, no cookies)."""
    settings.EXPORT_INLINE_MAX_ROWS = -1  # even an empty list goes to a job
    with django_capture_on_commit_callbacks(execute=True):
        response = login(gm).get(reverse(name), query)
    job = Job.objects.get()
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.state, job.message) == (Job.State.DONE, "")
    assert load_workbook(io.BytesIO(job.result.read())).active.max_row >= 1


def _stale(job, *, takeovers=0):
    """The row a worker that died mid-run leaves: running, its heartbeat older than the stale interval."""
    old = timezone.now() - timedelta(minutes=settings.JOB_STALE_MINUTES, seconds=1)
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.RUNNING, started_at=old, heartbeat_at=old, progress=40, takeovers=takeovers
    )


def test_a_running_job_whose_worker_died_is_taken_over_by_the_scan(consultant, runner_kinds):
    runs = []

    def counting(job, report):
        runs.append(job.takeovers)
        return "/done/"

    jobs.register_job_runner("counting", counting)
    job = jobs.job_start(owner=consultant, kind="counting", title="月度报告")
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - jobs.QUEUED_GRACE)
    # Freshly claimed and reporting: the scan leaves it to its worker.
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, heartbeat_at=timezone.now())
    assert tasks.run_queued_jobs() == 0 and runs == []

    _stale(job)
    assert tasks.run_queued_jobs() == 1
    job.refresh_from_db()
    assert runs == [1] and (job.state, job.result_url, job.takeovers) == (Job.State.DONE, "/done/", 1)


def test_two_scans_cannot_both_take_over_a_stale_job(consultant):
    job = Job.objects.create(owner=consultant, kind="export", title="导出")
    _stale(job)
    now = timezone.now()
    assert jobs._take_over(job.pk, now) == "taken"
    # The second scan read the same stale row, but the conditional UPDATE finds it fresh again.
    assert jobs._take_over(job.pk, now) == "claimed"
    job.refresh_from_db()
    assert job.takeovers == 1 and job.heartbeat_at == now and job.state == Job.State.RUNNING


def test_a_job_taken_over_too_often_fails_in_chinese_and_tells_the_owner_once(login, consultant, runner_kinds):
    runs = []
    jobs.register_job_runner("counting", lambda job, report: runs.append(job.pk))
    job = jobs.job_start(owner=consultant, kind="counting", title="月度报告")
    _stale(job, takeovers=settings.JOB_MAX_TAKEOVERS)
    assert tasks.run_queued_jobs() == 1
    assert tasks.run_queued_jobs() == 0
    job.refresh_from_db()
    assert runs == [] and job.state == Job.State.FAILED and job.finished_at
    assert "多次中断" in job.message
    assert Notification.objects.filter(recipient=consultant, title__contains="月度报告").count() == 1
    shown = login(consultant).get(reverse("teams:job_status", args=[job.pk])).content.decode()
    assert "多次中断" in shown and "every 1s" not in shown


def test_a_double_click_on_a_big_export_starts_one_job(login, big, consultant, django_capture_on_commit_callbacks):
    client = login(consultant)
    with django_capture_on_commit_callbacks() as callbacks:
        first = client.get(reverse("clients:list"), {"export": "xlsx", "q": ""})
        # The same person asking again from another device (another address) is still the same export.
        second = client.get(reverse("clients:list"), {"export": "xlsx", "q": ""}, REMOTE_ADDR="10.0.0.9")
    job = Job.objects.get()
    assert job.params["context"] == {"ip": "127.0.0.1"}  # the first request's address, for the access log
    # Both clicks land on the one job's page; its task is queued once.
    assert first.url == second.url == reverse("teams:job_detail", args=[job.pk])
    assert len(callbacks) == 1
    # Other filters are other work; and once the job is finished, the same export may start again.
    client.get(reverse("clients:list"), {"export": "xlsx", "q": "客户"})
    assert Job.objects.count() == 2
    Job.objects.filter(pk=job.pk).update(state=Job.State.DONE)
    third = client.get(reverse("clients:list"), {"export": "xlsx", "q": ""})
    assert Job.objects.count() == 3 and third.url != first.url


def test_the_database_refuses_a_second_active_job_with_the_same_parameters(consultant):
    """What decides between two concurrent requests, both past the look-up in teams.jobs.job_start."""
    digest = jobs.params_hash({"path": "/clients/?export=xlsx"})
    Job.objects.create(owner=consultant, kind="export", title="导出", params_hash=digest)
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.create(owner=consultant, kind="export", title="导出", params_hash=digest, state=Job.State.RUNNING)
    Job.objects.create(owner=consultant, kind="export", title="导出", params_hash=digest, state=Job.State.DONE)


def test_a_slow_worker_that_was_taken_over_does_not_overwrite_the_newer_run(consultant, runner_kinds):
    def slow(job, report):
        # While this worker was silent, the scan took the job over and runs it again.
        _stale(job)
        assert jobs._take_over(job.pk, timezone.now()) == "taken"
        report(1, total=2, message="旧的进度")
        return "/old/"

    jobs.register_job_runner("slow", slow)
    job = jobs.job_start(owner=consultant, kind="slow", title="月度报告")
    assert jobs.job_run(job_id=job.pk) == "superseded"
    job.refresh_from_db()
    assert (job.state, job.result_url, job.message, job.takeovers) == (Job.State.RUNNING, "", "", 1)
    assert not Notification.objects.filter(recipient=consultant).exists()


def test_big_export_reports_progress_as_a_share_of_its_rows(
    login, big, consultant, monkeypatch, django_capture_on_commit_callbacks
):
    from teams import exports

    monkeypatch.setattr(exports, "PROGRESS_ROWS", 2)
    monkeypatch.setattr(jobs, "REPORT_EVERY", 0)
    _response, job = _start_big_export(login(consultant), django_capture_on_commit_callbacks)
    seen = []
    original = jobs._Reporter.__call__

    def spy(self, done, total=None, message=""):
        original(self, done, total, message)
        seen.append(Job.objects.values_list("progress", "message").get(pk=self.job.pk))

    monkeypatch.setattr(jobs._Reporter, "__call__", spy)
    assert tasks.run_job(job.pk) == "done"
    # Five rows, a report every two: 40 % then 80 %, each with "n of 5".
    assert seen == [(40, "已写入 2 / 5 行"), (80, "已写入 4 / 5 行")]
