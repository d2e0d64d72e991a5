import datetime as dt
import re
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation

from complaints import services
from complaints.models import Complaint, ComplaintEvent, DeadlinePolicy, WeeklySummary
from teams.editing import EditConflict
from teams.models import Delivery, Notification
from tests.complaints.conftest import MONDAY_10, SH
from tests.complaints.factories import ComplaintFactory
from tests.teams.factories import UserFactory

pytestmark = pytest.mark.django_db


def register(user, **kwargs):
    data = {
        "registered_by": user,
        "caller_name": "王美丽",
        "caller_phone": "13812345678",
        "channel": Complaint.Channel.PHONE,
        "category": Complaint.Category.QUALITY,
        "severity": Complaint.Severity.NORMAL,
        "description": "卫生间渗水",
    }
    data.update(kwargs)
    return services.complaint_register(**data)


def titles(user):
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


# --- Registration and routing ---------------------------------------------------------


def test_register_routes_to_the_clients_team_and_notifies_its_consultant(
    monday, front_desk, the_client, consultant, gm
):
    complaint = register(front_desk, client=the_client)
    assert complaint.team == the_client.team
    assert complaint.handler == consultant
    assert complaint.state == Complaint.State.REGISTERED
    assert complaint.ack_due_at == MONDAY_10 + dt.timedelta(minutes=30)
    # Three working days: Monday 10:00 → Thursday 10:00.
    assert complaint.resolve_due_at == dt.datetime(2026, 11, 26, 10, 0, tzinfo=SH)
    assert len(titles(consultant)) == 1
    assert titles(gm) == []  # a normal complaint does not bother the deputy GM
    assert Delivery.objects.filter(address=consultant.email, channel="email").count() == 1
    assert ComplaintEvent.objects.get(complaint=complaint).action == "register"


def test_register_major_incident_notifies_deputy_gm_at_once(monday, front_desk, the_client, gm):
    complaint = register(front_desk, client=the_client, severity=Complaint.Severity.MAJOR)
    assert len(titles(gm)) == 1
    # A major incident's clock runs day and night: 24 hours.
    assert complaint.resolve_due_at == MONDAY_10 + dt.timedelta(hours=24)


def test_register_posts_to_team_channel_when_configured(monday, front_desk, the_client, team):
    team.webhook_url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x"
    team.save()
    register(front_desk, client=the_client)
    assert Delivery.objects.filter(channel="webhook").count() == 1


def test_register_new_caller_needs_a_team(monday, front_desk, team, consultant):
    with pytest.raises(ValidationError):
        register(front_desk)
    complaint = register(front_desk, team=team)
    assert complaint.team == team and complaint.client is None


def test_deadline_policy_from_admin_overrides_defaults(monday, front_desk, the_client):
    DeadlinePolicy.objects.create(
        severity="normal", category="attitude", ack_minutes=15, resolve_minutes=60, working_hours=True
    )
    complaint = register(front_desk, client=the_client, category=Complaint.Category.ATTITUDE)
    assert complaint.ack_due_at == MONDAY_10 + dt.timedelta(minutes=15)
    assert complaint.resolve_due_at == MONDAY_10 + dt.timedelta(hours=1)
    other = register(front_desk, client=the_client, category=Complaint.Category.DESIGN)
    assert other.ack_due_at == MONDAY_10 + dt.timedelta(minutes=30)


def test_registered_friday_evening_is_due_monday_morning(front_desk, the_client):
    with time_machine.travel(dt.datetime(2026, 11, 27, 17, 50, tzinfo=SH), tick=False):
        complaint = register(front_desk, client=the_client)
    assert complaint.ack_due_at == dt.datetime(2026, 11, 30, 9, 20, tzinfo=SH)


# --- Lifecycle ---------------------------------------------------------------------------


def step(complaint, user, action, **kwargs):
    complaint.refresh_from_db()
    return services.complaint_transition(
        complaint=complaint, user=user, action=action, version=complaint.version, **kwargs
    )


CAUSE = {"resolution": "返工重贴", "cause_category": "workmanship", "cause_analysis": "水泥砂浆比例不对"}


def test_full_lifecycle_writes_timeline_and_timestamps(monday, front_desk, the_client, consultant):
    complaint = register(front_desk, client=the_client)
    step(complaint, consultant, "acknowledge")
    step(complaint, consultant, "start")
    step(complaint, consultant, "resolve", **CAUSE)
    step(complaint, consultant, "confirm", comment="回访客户满意")
    step(complaint, consultant, "close")
    complaint.refresh_from_db()
    assert complaint.state == Complaint.State.CLOSED
    assert complaint.acknowledged_at and complaint.resolved_at and complaint.confirmed_at and complaint.closed_at
    assert complaint.current_resolution.cause_category == "workmanship"
    assert complaint.current_resolution.resolved_by == consultant
    actions = list(complaint.events.values_list("action", flat=True))
    assert actions == ["register", "acknowledge", "start", "resolve", "confirm", "close"]
    assert complaint.events.get(action="confirm").comment == "回访客户满意"


@pytest.mark.parametrize(
    ("state", "action"),
    [
        ("registered", "start"),
        ("registered", "resolve"),
        ("registered", "close"),
        ("registered", "reopen"),
        ("acknowledged", "acknowledge"),
        ("acknowledged", "confirm"),
        ("in_progress", "close"),
        ("resolved", "acknowledge"),
        ("resolved", "close"),
        ("confirmed", "resolve"),
        ("closed", "reopen"),
        ("closed", "acknowledge"),
    ],
)
def test_forbidden_transitions_are_refused(consultant, the_client, state, action):
    complaint = ComplaintFactory(client=the_client, state=state)
    with pytest.raises(services.TransitionNotAllowed):
        services.complaint_transition(
            complaint=complaint, user=consultant, action=action, version=complaint.version, **CAUSE
        )
    complaint.refresh_from_db()
    assert complaint.state == state
    assert not complaint.events.exists()


@pytest.mark.parametrize(
    ("state", "action", "target"),
    [
        ("registered", "acknowledge", "acknowledged"),
        ("acknowledged", "start", "in_progress"),
        ("acknowledged", "resolve", "resolved"),
        ("in_progress", "resolve", "resolved"),
        ("resolved", "confirm", "confirmed"),
        ("confirmed", "close", "closed"),
        ("resolved", "reopen", "in_progress"),
        ("confirmed", "reopen", "in_progress"),
    ],
)
def test_allowed_transitions(consultant, the_client, state, action, target):
    complaint = ComplaintFactory(client=the_client, state=state, resolved_at=MONDAY_10)
    services.complaint_transition(
        complaint=complaint, user=consultant, action=action, version=1, comment="客户不满意", **CAUSE
    )
    complaint.refresh_from_db()
    assert complaint.state == target
    assert complaint.events.get().to_state == target


def test_handler_may_work_but_not_close_or_reopen(the_client, team):
    designer = UserFactory(role="designer", team=team)
    complaint = ComplaintFactory(client=the_client, handler=designer)
    assert complaint.actions_for(designer) == ["acknowledge"]
    complaint.state = Complaint.State.RESOLVED
    assert complaint.actions_for(designer) == []  # confirm / reopen belong to the consultant


def test_team_member_who_is_not_working_on_it_may_not_act(the_client, designer, outsider, front_desk):
    complaint = ComplaintFactory(client=the_client)
    for user in (designer, outsider, front_desk):
        assert complaint.actions_for(user) == []
        with pytest.raises(services.TransitionNotAllowed):
            services.complaint_transition(complaint=complaint, user=user, action="acknowledge", version=1)


def test_deputy_gm_may_take_any_allowed_step(the_client, gm):
    complaint = ComplaintFactory(client=the_client)
    assert complaint.actions_for(gm) == ["acknowledge"]


def test_resolve_needs_what_was_done_and_cause_analysis(consultant, the_client):
    complaint = ComplaintFactory(client=the_client, state="in_progress")
    with pytest.raises(ValidationError) as exc:
        services.complaint_transition(complaint=complaint, user=consultant, action="resolve", version=1)
    assert set(exc.value.message_dict) == {"resolution", "cause_category", "cause_analysis"}
    complaint.refresh_from_db()
    assert complaint.state == "in_progress"


def test_reopen_sets_a_new_resolve_deadline_and_clears_resolution_time(monday, consultant, the_client):
    complaint = ComplaintFactory(
        client=the_client, state="resolved", resolved_at=MONDAY_10, resolve_reminded_at=MONDAY_10
    )
    services.complaint_transition(
        complaint=complaint, user=consultant, action="reopen", version=1, comment="客户不满意"
    )
    complaint.refresh_from_db()
    assert complaint.resolved_at is None and complaint.resolve_reminded_at is None
    assert complaint.resolve_due_at == dt.datetime(2026, 11, 26, 10, 0, tzinfo=SH)


def test_reopen_keeps_the_first_resolution_and_the_second_is_a_new_record(monday, consultant, gm, the_client):
    complaint = ComplaintFactory(client=the_client, state="in_progress")
    step(complaint, consultant, "resolve", **CAUSE, preventive_action="贴砖前做配比检查")
    first = complaint.current_resolution
    step(complaint, consultant, "reopen", comment="客户反映仍有空鼓")
    complaint.refresh_from_db()
    assert complaint.current_resolution is None
    step(
        complaint,
        gm,
        "resolve",
        resolution="整面墙重新铺贴",
        cause_category="material_defect",
        cause_analysis="瓷砖背纹太浅",
    )
    complaint.refresh_from_db()
    first.refresh_from_db()
    # The first resolution is untouched; the complaint points at the second.
    assert (first.resolution, first.cause_category, first.cause_analysis, first.preventive_action) == (
        "返工重贴",
        "workmanship",
        "水泥砂浆比例不对",
        "贴砖前做配比检查",
    )
    assert first.resolved_by == consultant
    second = complaint.current_resolution
    assert second.pk != first.pk and second.resolved_by == gm and second.cause_category == "material_defect"
    assert list(complaint.resolutions.all()) == [second, first]  # newest first
    assert complaint.events.get(action="reopen").comment == "客户反映仍有空鼓"


def test_reopen_needs_a_reason(consultant, the_client):
    complaint = ComplaintFactory(client=the_client, state="resolved", resolved_at=MONDAY_10)
    with pytest.raises(ValidationError) as exc:
        services.complaint_transition(complaint=complaint, user=consultant, action="reopen", version=1, comment=" ")
    assert set(exc.value.message_dict) == {"comment"}
    complaint.refresh_from_db()
    assert complaint.state == "resolved" and not complaint.events.exists()


# --- Concurrency -------------------------------------------------------------------------


def test_concurrent_transitions_do_not_silently_overwrite(consultant, gm, the_client):
    complaint = ComplaintFactory(client=the_client, state="acknowledged")
    stale = Complaint.objects.get(pk=complaint.pk)
    services.complaint_transition(complaint=complaint, user=consultant, action="resolve", version=1, **CAUSE)
    with pytest.raises(EditConflict):
        services.complaint_transition(complaint=stale, user=gm, action="start", version=1)
    complaint.refresh_from_db()
    assert complaint.state == "resolved"
    assert complaint.events.count() == 1


def test_concurrent_edits_of_the_form_the_second_loses(consultant, gm, the_client):
    complaint = ComplaintFactory(client=the_client)
    services.complaint_update(complaint=complaint, user=consultant, version=1, data={"description": "甲的修改"})
    stale = Complaint.objects.get(pk=complaint.pk)
    stale.version = 1
    with pytest.raises(EditConflict):
        services.complaint_update(complaint=stale, user=gm, version=1, data={"description": "乙的修改"})
    complaint.refresh_from_db()
    assert complaint.description == "甲的修改"
    assert complaint.version == 2


def test_assign_handler_and_helpers_notifies_them(consultant, designer, pm, the_client):
    complaint = ComplaintFactory(client=the_client, handler=consultant)
    services.complaint_assign(complaint=complaint, user=consultant, handler=pm, helpers=[designer], version=1)
    complaint.refresh_from_db()
    assert complaint.handler == pm
    assert list(complaint.helpers.all()) == [designer]
    assert titles(pm) and titles(designer)
    event = complaint.events.get()
    assert event.action == "assign"
    assert event.display_comment == f"处理人：{pm}；协助人：{designer.full_name}"
    with translation.override("en"):  # the timeline line is read in the reader's language
        assert event.display_comment == f"Handler: {pm}; helpers: {designer.full_name}"


def test_assign_refuses_people_of_another_team(consultant, outsider, the_client):
    complaint = ComplaintFactory(client=the_client)
    with pytest.raises(ValidationError):
        services.complaint_assign(complaint=complaint, user=consultant, handler=outsider, helpers=[], version=1)


def test_only_the_consultant_or_gm_assigns(designer, the_client):
    complaint = ComplaintFactory(client=the_client)
    with pytest.raises(services.TransitionNotAllowed):
        services.complaint_assign(complaint=complaint, user=designer, handler=designer, helpers=[], version=1)


# --- Deadlines: remind, escalate, exactly once --------------------------------------------


def test_deadline_scan_reminds_then_escalates_once_each(front_desk, the_client, consultant, gm):
    with time_machine.travel(MONDAY_10, tick=False) as clock:
        complaint = register(front_desk, client=the_client)
        Notification.objects.all().delete()
        assert services.complaint_deadlines_scan()["ack_reminded"] == 0  # not due yet
        clock.move_to(MONDAY_10 + dt.timedelta(minutes=31))
        first = services.complaint_deadlines_scan()
        second = services.complaint_deadlines_scan()
        assert first["ack_reminded"] == 1 and second["ack_reminded"] == 0
        assert len(titles(consultant)) == 1 and titles(gm) == []
        clock.move_to(MONDAY_10 + dt.timedelta(minutes=61))
        assert services.complaint_deadlines_scan()["ack_escalated"] == 1
        assert services.complaint_deadlines_scan()["ack_escalated"] == 0
        assert len(titles(gm)) == 1
    complaint.refresh_from_db()
    assert complaint.ack_reminded_at and complaint.ack_escalated_at
    assert list(complaint.events.values_list("action", flat=True)) == ["register", "ack_remind", "ack_escalate"]


def test_deadline_scan_resolution_overdue(front_desk, the_client, consultant, gm):
    with time_machine.travel(MONDAY_10, tick=False) as clock:
        complaint = register(front_desk, client=the_client)
        step(complaint, consultant, "acknowledge")
        Notification.objects.all().delete()
        clock.move_to(dt.datetime(2026, 11, 26, 10, 1, tzinfo=SH))
        assert services.complaint_deadlines_scan()["resolve_reminded"] == 1
        clock.move_to(dt.datetime(2026, 11, 27, 10, 1, tzinfo=SH))  # one working day later
        counts = services.complaint_deadlines_scan()
        assert counts["resolve_escalated"] == 1
        assert services.complaint_deadlines_scan() == {
            "ack_reminded": 0,
            "ack_escalated": 0,
            "resolve_reminded": 0,
            "resolve_escalated": 0,
        }
    assert len(titles(consultant)) == 1 and len(titles(gm)) == 1


def test_deadline_task_run_twice_sends_once(front_desk, the_client, consultant):
    from complaints.tasks import complaint_deadlines_scan

    with time_machine.travel(MONDAY_10, tick=False) as clock:
        register(front_desk, client=the_client)
        Notification.objects.all().delete()
        clock.move_to(MONDAY_10 + dt.timedelta(hours=1))
        complaint_deadlines_scan.delay()
        complaint_deadlines_scan.delay()
    assert len(titles(consultant)) == 1


def test_acknowledged_in_time_is_never_reminded(monday, front_desk, the_client, consultant):
    complaint = register(front_desk, client=the_client)
    step(complaint, consultant, "acknowledge")
    Notification.objects.all().delete()
    monday.move_to(MONDAY_10 + dt.timedelta(hours=2))
    assert services.complaint_deadlines_scan()["ack_reminded"] == 0
    assert titles(consultant) == []


def test_notifications_with_broker_down_are_delivered_later(
    front_desk, the_client, consultant, django_capture_on_commit_callbacks
):
    from teams.tasks import deliver, deliver_pending

    with time_machine.travel(MONDAY_10, tick=False) as clock:
        with (
            mock.patch.object(deliver, "apply_async", side_effect=ConnectionError("redis down")),
            django_capture_on_commit_callbacks(execute=True),
        ):
            register(front_desk, client=the_client)
        assert mail.outbox == []
        assert Delivery.objects.filter(sent_at=None).count() == 1
        clock.move_to(MONDAY_10 + dt.timedelta(minutes=2))
        deliver_pending()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [consultant.email]


# --- Weekly summary ----------------------------------------------------------------------


def test_weekly_summary_counts_last_week_and_is_sent_once(front_desk, the_client, consultant, gm, outsider):
    last_week = dt.datetime(2026, 11, 18, 11, 0, tzinfo=SH)  # Wednesday of the previous week
    with time_machine.travel(last_week, tick=False) as clock:
        a = register(front_desk, client=the_client)
        register(front_desk, client=the_client, severity="major", category="schedule")
        clock.move_to(last_week + dt.timedelta(minutes=12))
        step(a, consultant, "acknowledge")
    ComplaintFactory(client=the_client, registered_at=MONDAY_10)  # this week: not counted
    with time_machine.travel(dt.datetime(2026, 11, 23, 8, 0, tzinfo=SH), tick=False):
        Notification.objects.all().delete()
        first = services.weekly_summary_send()
        second = services.weekly_summary_send()
    assert first is not None and second is None
    summary = WeeklySummary.objects.get()
    assert summary.week_start == dt.date(2026, 11, 16)
    assert summary.data["total"] == 2
    assert summary.data["major_count"] == 1
    assert summary.data["avg_ack_minutes"] == 12
    assert {r["key"]: r["count"] for r in summary.data["by_category"]} == {"quality": 1, "schedule": 1}
    assert len(titles(gm)) == 1
    assert titles(outsider) == []
    # The bell's body reads in the reader's language, category labels included.
    note = Notification.objects.get(recipient=gm)
    assert "  工期: 1" in note.display_body
    with translation.override("en"):
        english = note.display_body
    assert "Schedule" in english and "By category" in english
    assert not re.search(r"[\u4e00-\u9fff]", english.replace(summary.data["by_team"][0]["label"], ""))


def test_weekly_summary_task_twice_sends_once(gm):
    from complaints.tasks import weekly_summary_send

    with time_machine.travel(MONDAY_10, tick=False):
        weekly_summary_send.delay()
        weekly_summary_send.delay()
    assert WeeklySummary.objects.count() == 1
    assert len(titles(gm)) == 1


# --- Read in the reader's language (teams/messages.py) --------------------------------------


def test_new_complaint_notification_reads_in_each_readers_language(monday, front_desk, the_client, consultant):
    with translation.override("en"):
        complaint = register(front_desk, client=the_client)

    note = Notification.objects.get(recipient=consultant)
    assert note.title == f"新投诉 #{complaint.pk}：王美丽（施工质量）"  # the text column: the site language
    with translation.override("zh-hans"):
        assert note.display_title == note.title
        assert "卫生间渗水" in note.display_body
    with translation.override("en"):
        assert note.display_title == f"New complaint #{complaint.pk}: 王美丽 (Construction quality)"
        assert note.display_body.startswith(f"Team {the_client.team.name}. Acknowledge by ")


def test_escalation_timeline_line_reads_in_each_readers_language(front_desk, the_client, gm):
    with time_machine.travel(MONDAY_10, tick=False) as clock:
        complaint = register(front_desk, client=the_client)
        clock.move_to(MONDAY_10 + dt.timedelta(minutes=31))
        services.complaint_deadlines_scan()
        clock.move_to(MONDAY_10 + dt.timedelta(minutes=61))
        services.complaint_deadlines_scan()

    event = complaint.events.get(action="ack_escalate")
    with translation.override("en"):
        assert event.display_comment.startswith(f"Escalated: complaint #{complaint.pk} of ")
    with translation.override("zh-hans"):
        assert event.display_comment.startswith("上报：")
