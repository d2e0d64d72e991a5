"""Nobody's work routes to a departed person: every automatic assignment goes through
``Team.responsible`` (the person while active, else the leader, else the deputy GM)."""

import datetime as dt

import pytest
from django.utils import timezone

from clients.models import FollowUpVisit
from clients.services import visit_create, visits_remind_due
from complaints.models import Complaint
from complaints.services import complaint_register
from meetings.models import ChairSwap, Meeting
from meetings.services import meetings_plan
from reception.services import call_log
from teams.models import Notification
from teams.roles import Role
from tests.clients.factories import ClientFactory
from tests.meetings.factories import MeetingFactory
from tests.teams.factories import UserFactory

pytestmark = pytest.mark.django_db


def leave(user):
    user.is_active = False
    user.save(update_fields=["is_active"])


def notes(user):
    return list(Notification.objects.filter(recipient=user))


def test_responsible_is_the_person_then_the_leader_then_the_deputy_gm(team, consultant, designer, gm):
    assert team.responsible() == consultant
    assert team.responsible(preferred=designer) == designer
    leave(designer)
    assert team.responsible(preferred=designer) == consultant
    leave(consultant)
    assert team.responsible() == gm and team.responsible(preferred=designer) == gm


def test_a_complaint_for_a_team_whose_leader_left_goes_to_the_deputy_gm_and_says_so(team, consultant, front_desk, gm):
    leave(consultant)
    complaint = complaint_register(
        registered_by=front_desk,
        caller_name="王美丽",
        caller_phone="13812345678",
        channel=Complaint.Channel.PHONE,
        category=Complaint.Category.QUALITY,
        severity=Complaint.Severity.NORMAL,
        description="卫生间渗水",
        team=team,
    )
    assert complaint.handler == gm
    [note] = notes(gm)
    assert "张伟 已离职" in note.body and "王建国" in note.body
    assert notes(consultant) == []


def test_a_call_forwarded_to_a_team_whose_leader_left_reaches_the_deputy_gm(team, consultant, front_desk, gm):
    leave(consultant)
    call_log(
        logged_by=front_desk, caller_name="赵先生", phone="", caller_type="client", purpose="催工期", forward_team=team
    )
    assert len(notes(gm)) == 1 and notes(consultant) == []


def test_a_call_forwarded_to_someone_who_left_reaches_their_leader(team, consultant, designer, front_desk):
    leave(designer)
    call_log(
        logged_by=front_desk,
        caller_name="赵先生",
        phone="",
        caller_type="client",
        purpose="催工期",
        forward_to=designer,
    )
    assert len(notes(consultant)) == 1


def test_a_visit_planned_for_a_consultant_who_left_is_owned_by_the_deputy_gm(team, consultant, gm):
    client = ClientFactory(team=team, consultant=consultant)
    leave(consultant)
    visit = visit_create(client=client, by=gm, point="开工回访", due_date=timezone.localdate(), channel="phone")
    assert visit.owner == gm


def test_the_reminder_of_a_departed_owners_visit_goes_to_the_leader(team, consultant, designer):
    client = ClientFactory(team=team, consultant=designer)
    visit = visit_create(client=client, by=consultant, point="开工回访", due_date=timezone.localdate(), channel="phone")
    assert visit.owner == designer
    leave(designer)
    assert visits_remind_due() == 1
    assert len(notes(consultant)) == 1 and FollowUpVisit.objects.get().reminded_at is not None


def test_a_planned_meeting_chaired_by_someone_who_left_passes_to_the_next_member(team, consultant, designer):
    meeting = MeetingFactory(team=team, date=timezone.localdate() + dt.timedelta(days=1), chair=designer)
    leave(designer)
    meetings_plan(ahead=0)
    meeting.refresh_from_db()
    assert meeting.chair == consultant
    assert ChairSwap.objects.get(meeting=meeting).from_chair == designer
    assert not Meeting.objects.filter(chair=designer, held=False).exists()


def test_nobody_at_all_leaves_the_work_unassigned_rather_than_with_someone_gone(team, consultant):
    leave(consultant)
    UserFactory(role=Role.DEPUTY_GM, team=None, is_active=False)
    assert team.responsible() is None
