"""Retention: the nightly sweep anonymises exactly what has expired, twice changes nothing, counts stay."""

import datetime as dt
from io import StringIO

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from clients.models import AccessLog, Client, ClientEvent
from clients.selectors import lost_report_data
from clients.services import client_update
from reception.models import Call, Visit
from teams import tasks
from teams.retention import months_before, retention_sweep
from tests.clients.factories import ClientFactory, ContractFactory
from tests.reception.factories import CallFactory, VisitFactory

NOW = dt.datetime(2026, 6, 15, 3, 30, tzinfo=dt.UTC)


def ago(months, days=0):
    return months_before(NOW, months) - dt.timedelta(days=days)


@pytest.fixture
def world(consultant, gm):
    team = consultant.team
    old_lost = ClientFactory(
        team=team,
        name="老丢单",
        phone="13911110001",
        stage="lost",
        lost_at=ago(24, 1),
        district="静安区",
        community="幸福小区",
        building="3-201",
        wechat="wx_old",
        notes="备注",
    )
    recent_lost = ClientFactory(team=team, name="新丢单", phone="13911110002", stage="lost", lost_at=ago(24, -1))
    signed_then_lost = ClientFactory(team=team, name="签过约", phone="13911110003", stage="lost", lost_at=ago(30))
    ContractFactory(client=signed_then_lost)
    open_lead = ClientFactory(team=team, name="在跟进", phone="13911110004", stage="contacted")
    call_of_lost = CallFactory(client=old_lost, caller_name="老丢单", phone="13911110001", called_at=ago(30))
    stranger_old = CallFactory(caller_name="陌生人", phone="13600009999", called_at=ago(12, 1), summary="问价格")
    stranger_new = CallFactory(caller_name="新来电", phone="13600009998", called_at=ago(11))
    client_call = CallFactory(client=open_lead, caller_name="在跟进", called_at=ago(20))
    visitor_old = VisitFactory(visitor_name="老访客", phone="13500009999", arrived_at=ago(13))
    log_old = AccessLog.objects.create(user=gm, action="open", client=open_lead, at=ago(36, 1))
    log_new = AccessLog.objects.create(user=gm, action="open", client=open_lead, at=ago(35))
    return locals()


@pytest.mark.django_db
def test_sweep_anonymises_exactly_what_expired(world):
    w = world
    retention_sweep(now=NOW)
    old = Client.objects.get(pk=w["old_lost"].pk)
    assert old.name == f"客户#{old.pk}"
    assert (old.phone, old.phone2, old.wechat, old.district, old.community, old.building, old.notes) == ("",) * 7
    assert old.anonymised_at == NOW
    assert old.stage == "lost" and old.lost_at == w["old_lost"].lost_at  # what the reports count stays
    for key, name in (("recent_lost", "新丢单"), ("signed_then_lost", "签过约"), ("open_lead", "在跟进")):
        assert Client.objects.get(pk=w[key].pk).name == name
    call = Call.objects.get(pk=w["call_of_lost"].pk)
    assert call.caller_name == f"客户#{old.pk}" and call.phone == ""
    stranger = Call.objects.get(pk=w["stranger_old"].pk)
    assert stranger.caller_name == f"来电人#{stranger.pk}" and stranger.phone == "" and stranger.summary == ""
    assert stranger.caller_type == w["stranger_old"].caller_type
    assert Call.objects.get(pk=w["stranger_new"].pk).caller_name == "新来电"
    assert Call.objects.get(pk=w["client_call"].pk).caller_name == "在跟进"
    assert Visit.objects.get(pk=w["visitor_old"].pk).visitor_name.startswith("访客#")
    assert not AccessLog.objects.filter(pk=w["log_old"].pk).exists()
    assert AccessLog.objects.filter(pk=w["log_new"].pk).exists()


@pytest.mark.django_db
def test_second_run_changes_nothing(world):
    first = retention_sweep(now=NOW)
    assert sum(len(item.ids) for item in first) == 4  # lead, access-log entry, stranger's call, visit
    snapshot = list(Client.objects.values().order_by("pk")), list(Call.objects.values().order_by("pk"))
    second = retention_sweep(now=NOW)
    assert all(item.ids == [] for item in second)
    assert (list(Client.objects.values().order_by("pk")), list(Call.objects.values().order_by("pk"))) == snapshot


@pytest.mark.django_db
def test_reports_keep_their_counts(world, gm):
    start, end = dt.date(2023, 1, 1), dt.date(2026, 7, 1)
    before = lost_report_data(user=gm, start=start, end=end)
    counts_before = Client.objects.count(), Call.objects.count(), Visit.objects.count()
    retention_sweep(now=NOW)
    after = lost_report_data(user=gm, start=start, end=end)
    assert after["by_reason"] == before["by_reason"] and after["by_stage"] == before["by_stage"]
    assert (Client.objects.count(), Call.objects.count(), Visit.objects.count()) == counts_before


@pytest.mark.django_db
def test_edit_history_loses_the_old_values(consultant):
    client = ClientFactory(team=consultant.team, name="旧名字", stage="lost", lost_at=ago(25))
    client_update(client=client, by=consultant, version=client.version, data={"community": "秘密小区"})
    assert ClientEvent.objects.filter(client=client, text__contains="秘密小区").exists()
    retention_sweep(now=NOW)
    assert not ClientEvent.objects.filter(client=client, text__contains="秘密小区").exists()
    assert ClientEvent.objects.filter(client=client, kind="edit").exists()


@pytest.mark.django_db
def test_dry_run_lists_and_changes_nothing(world, time_machine):
    time_machine.move_to(NOW)
    out = StringIO()
    call_command("retention_sweep", "--dry-run", stdout=out)
    text = out.getvalue()
    assert f"would anonymise 1 lost leads: {world['old_lost'].pk}" in text
    assert "would delete 1 access log entries" in text
    assert Client.objects.get(pk=world["old_lost"].pk).name == "老丢单"
    assert AccessLog.objects.filter(pk=world["log_old"].pk).exists()


@pytest.mark.django_db
def test_nightly_task_runs_the_sweep(world, time_machine):
    time_machine.move_to(NOW)
    result = tasks.retention_sweep.delay().get()
    assert result["lost leads"] == 1
    assert tasks.retention_sweep.delay().get()["lost leads"] == 0


def test_access_log_kept_at_least_six_months():
    with override_settings(RETENTION_ACCESS_LOG_MONTHS=5):
        ids = [e.id for e in run_checks()]
    assert "teams.E002" in ids
    with override_settings(RETENTION_ACCESS_LOG_MONTHS=6):
        assert "teams.E002" not in [e.id for e in run_checks()]


def test_months_before_keeps_the_local_day():
    moment = timezone.make_aware(dt.datetime(2026, 3, 31, 12))
    assert timezone.localtime(months_before(moment, 1)).date() == dt.date(2026, 2, 28)
    assert timezone.localtime(months_before(moment, 24)).date() == dt.date(2024, 3, 31)


@pytest.mark.django_db
def test_job_result_files_and_form_tokens_expire(consultant, settings, tmp_path, login):
    """An export's file names clients: it is deleted JOB_RESULT_DAYS after it was made, and its page says so."""
    from django.core.files.base import ContentFile
    from django.urls import reverse

    from teams.models import Job, Submission

    settings.MEDIA_ROOT = tmp_path
    settings.JOB_RESULT_DAYS = 7
    old = Job.objects.create(owner=consultant, kind="export", title="客户", state=Job.State.DONE)
    old.result.save("clients.xlsx", ContentFile(b"PK old"), save=False)
    Job.objects.filter(pk=old.pk).update(result=old.result.name, finished_at=NOW - dt.timedelta(days=8))
    new = Job.objects.create(owner=consultant, kind="export", title="客户", state=Job.State.DONE)
    new.result.save("clients.xlsx", ContentFile(b"PK new"), save=False)
    Job.objects.filter(pk=new.pk).update(result=new.result.name, finished_at=NOW - dt.timedelta(days=6))
    token_old = Submission.objects.create(user=consultant, token="00000000-0000-0000-0000-000000000001")
    Submission.objects.filter(pk=token_old.pk).update(created_at=NOW - dt.timedelta(days=31))
    token_new = Submission.objects.create(user=consultant, token="00000000-0000-0000-0000-000000000002")
    old_path = tmp_path / old.result.name

    assert {e.label: e.ids for e in retention_sweep(now=NOW, dry_run=True) if e.ids} == {
        "job result files": [old.pk],
        "form submission tokens": [token_old.pk],
    }
    assert old_path.exists()
    retention_sweep(now=NOW)
    assert not old_path.exists() and (tmp_path / new.result.name).exists()
    assert Job.objects.get(pk=old.pk).result == "" and Job.objects.get(pk=new.pk).result
    assert list(Submission.objects.values_list("pk", flat=True)) == [token_new.pk]
    assert not any(e.ids for e in retention_sweep(now=NOW))  # the second run changes nothing

    client = login(consultant)
    assert client.get(reverse("teams:job_download", args=[old.pk])).status_code == 404
    page = client.get(reverse("teams:job_detail", args=[old.pk])).content.decode()
    assert "文件已在生成 7 天后删除" in page


@pytest.mark.django_db
def test_a_backlog_of_lost_leads_clears_over_several_nights(consultant, settings):
    settings.RETENTION_SWEEP_MAX_CLIENTS = 2
    leads = [ClientFactory(team=consultant.team, name=f"丢单{n}", stage="lost", lost_at=ago(25)) for n in range(3)]
    dry = {item.label: item.ids for item in retention_sweep(now=NOW, dry_run=True)}
    assert dry["lost leads"] == [c.pk for c in leads]
    nights = [{item.label: item.ids for item in retention_sweep(now=NOW)}["lost leads"] for _ in range(3)]
    assert nights == [[leads[0].pk, leads[1].pk], [leads[2].pk], []]
    assert Client.objects.filter(pk__in=[c.pk for c in leads], anonymised_at=NOW).count() == 3


@pytest.mark.django_db
def test_many_expired_calls_are_named_in_slices_by_the_database(monkeypatch):
    """A statement per slice of ids, each row named 来电人#<its id> by the database (teams.retention.numbered)."""
    from teams import retention

    monkeypatch.setattr(retention, "CHUNK", 2)
    calls = [CallFactory(caller_name=f"陌生人{n}", phone=f"1360000{n:04d}", called_at=ago(13)) for n in range(5)]
    retention_sweep(now=NOW)
    assert [(c.caller_name, c.phone) for c in Call.objects.filter(pk__in=[c.pk for c in calls]).order_by("pk")] == [
        (f"来电人#{c.pk}", "") for c in calls
    ]
