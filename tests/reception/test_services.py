import datetime as dt

import pytest
import time_machine
from django.utils import translation

from clients.models import Client
from reception import services
from reception.models import Call
from teams.models import Notification
from tests.complaints.conftest import MONDAY_10, SH
from tests.reception.factories import CallFactory, VisitFactory

pytestmark = pytest.mark.django_db


def titles(user):
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def log(front_desk, **kwargs):
    data = {
        "logged_by": front_desk,
        "caller_name": "王先生",
        "phone": "13900001111",
        "caller_type": Call.CallerType.CLIENT,
        "purpose": "催工期",
        "important": True,
    }
    data.update(kwargs)
    return services.call_log(**data)


def test_forwarded_call_notifies_at_once_with_working_deadline(front_desk, designer):
    with time_machine.travel(dt.datetime(2026, 11, 23, 17, 55, tzinfo=SH), tick=False):
        call = log(front_desk, forward_to=designer)
    assert call.forwarded_at is not None
    assert call.ack_due_at == dt.datetime(2026, 11, 24, 9, 5, tzinfo=SH)  # 10 working minutes
    assert titles(designer) == ["重要来电转达：王先生"]


def test_forwarded_call_notification_reads_in_each_readers_language(front_desk, designer):
    with time_machine.travel(dt.datetime(2026, 11, 23, 17, 55, tzinfo=SH), tick=False), translation.override("en"):
        log(front_desk, forward_to=designer, summary="下周三前")

    note = Notification.objects.get(recipient=designer)
    with translation.override("zh-hans"):
        assert note.display_title == "重要来电转达：王先生"
    with translation.override("en"):
        assert note.display_title == "Important call for you: 王先生"
        # Due the next working day: the text says which day.
        assert (
            note.display_body == "催工期\n下周三前\nPlease acknowledge by 2026-11-24 09:05."
        )  # the next working day: with its date


def test_call_forwarded_to_a_team_goes_to_its_consultant(monday, front_desk, team, consultant):
    log(front_desk, forward_team=team)
    assert len(titles(consultant)) == 1


def test_unforwarded_call_has_no_deadline(monday, front_desk):
    call = log(front_desk)
    assert call.forwarded_at is None and call.ack_due_at is None
    assert call.forward_state() == ""


def test_acknowledge_once(monday, front_desk, designer, consultant):
    call = log(front_desk, forward_to=designer)
    services.call_acknowledge(call=call, user=designer)
    call.refresh_from_db()
    assert call.acknowledged_at == MONDAY_10 and call.acknowledged_by == designer
    assert call.forward_state() == "acknowledged"
    with pytest.raises(services.AlreadyDone):
        services.call_acknowledge(call=Call.objects.get(pk=call.pk), user=designer)


def test_stranger_may_not_acknowledge(monday, front_desk, designer, outsider):
    call = log(front_desk, forward_to=designer)
    with pytest.raises(services.AlreadyDone):
        services.call_acknowledge(call=call, user=outsider)
    call.refresh_from_db()
    assert call.acknowledged_at is None


def test_forward_scan_reminds_then_escalates_once(front_desk, designer, gm):
    with time_machine.travel(MONDAY_10, tick=False) as clock:
        call = log(front_desk, forward_to=designer)
        Notification.objects.all().delete()
        assert services.call_forwards_scan() == {"reminded": 0, "escalated": 0}
        clock.move_to(MONDAY_10 + dt.timedelta(minutes=11))
        assert services.call_forwards_scan() == {"reminded": 1, "escalated": 0}
        assert services.call_forwards_scan() == {"reminded": 0, "escalated": 0}
        assert call.__class__.objects.get(pk=call.pk).forward_state() == "overdue"
        clock.move_to(MONDAY_10 + dt.timedelta(minutes=21))
        assert services.call_forwards_scan() == {"reminded": 0, "escalated": 1}
        assert services.call_forwards_scan() == {"reminded": 0, "escalated": 0}
    assert len(titles(designer)) == 1
    assert len(titles(gm)) == 1


def test_forward_task_run_twice_sends_once(front_desk, designer):
    from reception.tasks import call_forwards_scan

    with time_machine.travel(MONDAY_10, tick=False) as clock:
        log(front_desk, forward_to=designer)
        Notification.objects.all().delete()
        clock.move_to(MONDAY_10 + dt.timedelta(minutes=15))
        call_forwards_scan.delay()
        call_forwards_scan.delay()
    assert len(titles(designer)) == 1


def test_acknowledged_forward_is_not_reminded(front_desk, designer):
    with time_machine.travel(MONDAY_10, tick=False) as clock:
        call = log(front_desk, forward_to=designer)
        services.call_acknowledge(call=call, user=designer)
        Notification.objects.all().delete()
        clock.move_to(MONDAY_10 + dt.timedelta(hours=1))
        assert services.call_forwards_scan() == {"reminded": 0, "escalated": 0}


def test_prospect_call_becomes_a_lead_once(monday, front_desk, team, consultant):
    call = CallFactory(caller_type=Call.CallerType.PROSPECT, caller_name="新客户", phone="13700002222")
    lead = services.call_make_lead(call=call, user=front_desk, team=team)
    assert lead.team == team and lead.source == Client.Source.HOTLINE and lead.consultant == consultant
    call.refresh_from_db()
    assert call.lead == lead and call.client == lead
    with pytest.raises(services.AlreadyDone):
        services.call_make_lead(call=call, user=front_desk, team=team)
    assert Client.objects.count() == 1
    assert len(titles(consultant)) == 1


def test_walk_in_becomes_a_lead(monday, front_desk, team, consultant):
    visit = VisitFactory(visitor_name="路过的李女士", phone="13700003333")
    lead = services.visit_make_lead(visit=visit, user=front_desk, team=team)
    assert lead.source == Client.Source.WALK_IN
    visit.refresh_from_db()
    assert visit.lead == lead


def test_visit_log_tells_the_host_and_leave_once(monday, front_desk, designer):
    visit = services.visit_log(logged_by=front_desk, visitor_name="张女士", phone="", purpose="看样板", host=designer)
    assert len(titles(designer)) == 1
    services.visit_leave(visit=visit)
    with pytest.raises(services.AlreadyDone):
        services.visit_leave(visit=visit)


def test_existing_client_does_not_become_a_lead(monday, front_desk, team, the_client):
    from django.core.exceptions import ValidationError

    call = CallFactory(client=the_client)
    with pytest.raises(ValidationError):
        services.call_make_lead(call=call, user=front_desk, team=team)
    assert Client.objects.count() == 1
