"""The hand-over when someone leaves (离职继承, teams/handover.py): every kind of open work moves to the chosen
colleague in one transaction, each record notes it, each new owner is told, then the account is deactivated."""

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from clients.models import Client, ClientEvent, FollowUpVisit
from complaints.models import Complaint, ComplaintEvent
from complaints.services import complaint_register
from meetings.models import ActionItem, ChairSwap, Meeting
from performance.models import TargetCard
from projects.models import BudgetRequest, DrawingTask, Project, ProjectEvent, TechnicalDisclosure
from teams.editing import EditConflict
from teams.handover import GROUPS, NOT_OPEN_WORK, handover_open_counts, handover_perform
from teams.models import Notification, StaffChange, User
from teams.roles import Role
from tests.clients.factories import ClientFactory, FollowUpVisitFactory
from tests.complaints.factories import ComplaintFactory
from tests.meetings.factories import ActionItemFactory, MeetingFactory
from tests.projects.factories import BudgetRequestFactory, DrawingTaskFactory, ProjectFactory
from tests.reception.factories import CallFactory
from tests.teams.factories import UserFactory

pytestmark = pytest.mark.django_db


# --- The registry is complete -----------------------------------------------------------------------------


def _staff_fields():
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.is_relation and not field.auto_created and field.related_model is User:
                yield f"{model._meta.label}.{field.name}"


def test_every_staff_field_is_handed_over_or_said_to_be_no_open_work():
    """A new field pointing at a staff member must say whether it is open work (a HandoverGroup in the
    app's handover.py) or not (register_not_open_work, with the reason)."""
    covered = {name for group in GROUPS.values() for name in group.fields}
    unknown = sorted(set(_staff_fields()) - covered - set(NOT_OPEN_WORK))
    assert unknown == [], "add these to a HandoverGroup or to register_not_open_work in the app's handover.py"
    assert covered & set(NOT_OPEN_WORK) == set()
    assert sorted((covered | set(NOT_OPEN_WORK)) - set(_staff_fields())) == [], "stale entries"


def test_every_group_is_exercised_by_these_tests():
    assert set(GROUPS) == {
        "teams_led",
        "clients",
        "visits",
        "complaints_handled",
        "complaints_helped",
        "projects_pm",
        "projects_designer",
        "projects_assistant",
        "drawings",
        "disclosures_designer",
        "disclosures_pm",
        "budgets",
        "call_forwards",
        "action_items",
        "chair_turns",
    }


# --- Helpers -----------------------------------------------------------------------------------------------


def _disclosure(project, designer, pm, **confirmed):
    return TechnicalDisclosure.objects.create(
        project=project,
        date=timezone.localdate(),
        designer=designer,
        project_manager=pm,
        crew_leader="老李",
        points="防水先行",
        recorded_by=designer,
        **confirmed,
    )


def _all_to(person, to):
    return {key: to for key, n in handover_open_counts(person).items() if n}


# --- Moving every kind of open work ---------------------------------------------------------------------


def test_a_leaving_consultant_hands_over_clients_visits_complaints_team_meetings_and_forwards(team, consultant, gm):
    successor = UserFactory(role=Role.CONSULTANT, team=team, full_name="李娜")
    lead = ClientFactory(team=team, consultant=consultant)
    signed = ClientFactory(team=team, consultant=consultant, stage=Client.Stage.SIGNED)
    lost = ClientFactory(team=team, consultant=consultant, stage=Client.Stage.LOST)
    visit = FollowUpVisitFactory(client=signed, owner=consultant)
    done_visit = FollowUpVisitFactory(client=signed, owner=consultant, done_at=timezone.now())
    complaint = ComplaintFactory(client=lead, handler=consultant)
    closed = ComplaintFactory(client=lead, handler=consultant, state=Complaint.State.CLOSED)
    meeting = MeetingFactory(team=team, date=timezone.localdate() + dt.timedelta(days=1), chair=consultant)
    held = MeetingFactory(team=team, date=timezone.localdate() - dt.timedelta(days=1), chair=consultant, held=True)
    item = ActionItemFactory(meeting=held, owner=consultant)
    forward = CallFactory(forward_to=consultant, forwarded_at=timezone.now(), forward_reminded_at=timezone.now())
    old_version = lead.version

    result = handover_perform(person=consultant, by=gm, assignments=_all_to(consultant, successor))

    assert result.moved == {
        "teams_led": 1,
        "clients": 2,
        "visits": 1,
        "complaints_handled": 1,
        "action_items": 1,
        "chair_turns": 1,
        "call_forwards": 1,
    }
    team.refresh_from_db()
    assert team.leader == successor
    assert set(Client.objects.filter(consultant=successor)) == {lead, signed}
    assert Client.objects.get(pk=lost.pk).consultant == consultant  # a lost lead is closed: it stays
    lead.refresh_from_db()
    assert lead.version == old_version + 1
    assert FollowUpVisit.objects.get(pk=visit.pk).owner == successor
    assert FollowUpVisit.objects.get(pk=done_visit.pk).owner == consultant
    assert Complaint.objects.get(pk=complaint.pk).handler == successor
    assert Complaint.objects.get(pk=closed.pk).handler == consultant
    assert Meeting.objects.get(pk=meeting.pk).chair == successor
    assert Meeting.objects.get(pk=held.pk).chair == consultant
    assert ActionItem.objects.get(pk=item.pk).owner == successor
    forward.refresh_from_db()
    assert forward.forward_to == successor and forward.forward_reminded_at is None
    # A line on each record, in the reader's language.
    lines = [e.display_text for e in ClientEvent.objects.filter(client=lead)]
    assert any("张伟 → 李娜" in line for line in lines)
    assert ClientEvent.objects.filter(client=signed, kind=ClientEvent.Kind.VISIT).exists()
    [event] = ComplaintEvent.objects.filter(complaint=complaint, action="assign")
    assert "张伟 → 李娜" in event.display_comment
    assert ChairSwap.objects.get(meeting=meeting).from_chair == consultant
    # Deactivated, and the staff history says who did it.
    consultant.refresh_from_db()
    assert not consultant.is_active
    change = StaffChange.objects.get(user=consultant, field="is_active")
    assert change.changed_by == gm
    row = StaffChange.objects.get(user=consultant, field="handover", changed_by=gm)
    assert row.label == "离职交接" and "客户与单源 2" in row.new_value
    with translation.override("en"):  # the summary's labels are read in the reader's language
        shown = StaffChange.objects.get(pk=row.pk).shown
    assert shown["label"] == "Hand-over" and "Clients and leads" in shown["new"], shown
    # The new owner is told once what they received.
    [note] = Notification.objects.filter(recipient=successor, title__contains="张伟")
    assert "2" in note.body
    assert handover_open_counts(consultant) == dict.fromkeys(GROUPS, 0)


def test_a_leaving_designer_hands_over_projects_drawings_disclosures_and_helped_complaints(
    team, consultant, designer, pm, gm
):
    successor = UserFactory(role=Role.DESIGNER, team=team, full_name="吴芳")
    project = ProjectFactory(client=ClientFactory(team=team), designers=[designer])
    closed = ProjectFactory(client=ClientFactory(team=team), designers=[designer], phase=Project.Phase.CLOSED)
    task = DrawingTaskFactory(project=project, assignee=designer)
    delivered = DrawingTaskFactory(project=project, assignee=designer, delivered_at=timezone.now())
    waiting = _disclosure(project, designer, pm)
    confirmed = _disclosure(project, designer, pm, designer_confirmed_at=timezone.now())
    complaint = ComplaintFactory(client=project.client, handler=consultant)
    complaint.helpers.add(designer)

    handover_perform(person=designer, by=gm, assignments=_all_to(designer, successor))

    assert list(project.designers.all()) == [successor]
    assert list(closed.designers.all()) == [designer]
    assert DrawingTask.objects.get(pk=task.pk).assignee == successor
    assert DrawingTask.objects.get(pk=delivered.pk).assignee == designer
    assert TechnicalDisclosure.objects.get(pk=waiting.pk).designer == successor
    assert TechnicalDisclosure.objects.get(pk=confirmed.pk).designer == designer
    assert list(complaint.helpers.all()) == [successor]
    assert ProjectEvent.objects.filter(project=project, text__contains="吴芳").count() == 3


def test_a_leaving_pm_and_assistant_hand_over_their_projects(team, assistant, pm, designer, gm):
    project = ProjectFactory(client=ClientFactory(team=team), assistants=[assistant], project_manager=pm)
    task = DrawingTaskFactory(project=project, assignee=assistant)
    disclosure = _disclosure(project, designer, pm)
    new_pm = UserFactory(role=Role.PROJECT_MANAGER, team=team, full_name="何军")
    new_assistant = UserFactory(role=Role.ASSISTANT_DESIGNER, team=team, full_name="郑丽")

    handover_perform(person=pm, by=gm, assignments=_all_to(pm, new_pm))
    handover_perform(person=assistant, by=gm, assignments=_all_to(assistant, new_assistant))

    project.refresh_from_db()
    assert project.project_manager == new_pm
    assert TechnicalDisclosure.objects.get(pk=disclosure.pk).project_manager == new_pm
    assert list(project.assistants.all()) == [new_assistant]
    assert DrawingTask.objects.get(pk=task.pk).assignee == new_assistant


def test_a_leaving_budget_clerk_hands_over_the_requests_waiting(budget_clerk, gm, team):
    waiting = BudgetRequestFactory(project=ProjectFactory(client=ClientFactory(team=team)), clerk=budget_clerk)
    returned = BudgetRequestFactory(clerk=budget_clerk, status=BudgetRequest.Status.RETURNED)
    other = UserFactory(role=Role.BUDGET_CLERK, team=None, full_name="钱进")

    handover_perform(person=budget_clerk, by=gm, assignments={"budgets": other})

    assert BudgetRequest.objects.get(pk=waiting.pk).clerk == other
    assert BudgetRequest.objects.get(pk=returned.pk).clerk == budget_clerk


def test_the_work_can_go_to_several_colleagues_each_told_their_part(team, consultant, gm):
    successor = UserFactory(role=Role.CONSULTANT, team=team, full_name="李娜")
    ClientFactory(team=team, consultant=consultant)
    ComplaintFactory(client=ClientFactory(team=team, consultant=successor), handler=consultant)
    assignments = _all_to(consultant, successor) | {"complaints_handled": gm}

    handover_perform(person=consultant, by=gm, assignments=assignments)

    assert Complaint.objects.get().handler == gm
    assert Notification.objects.filter(recipient=gm, title__contains="张伟").count() == 1
    assert Notification.objects.filter(recipient=successor, title__contains="张伟").count() == 1


def test_changing_team_moves_the_work_and_keeps_the_account(team, designer, gm):
    successor = UserFactory(role=Role.DESIGNER, team=team)
    ProjectFactory(client=ClientFactory(team=team), designers=[designer])
    handover_perform(person=designer, by=gm, assignments=_all_to(designer, successor), deactivate=False)
    designer.refresh_from_db()
    assert designer.is_active and not StaffChange.objects.filter(user=designer, field="is_active").exists()


# --- Refusals: all or nothing ------------------------------------------------------------------------------


def test_a_colleague_of_another_team_or_role_is_refused_and_nothing_moves(team, consultant, outsider, designer, gm):
    client = ClientFactory(team=team, consultant=consultant)
    for wrong in (outsider, designer):
        with pytest.raises(ValidationError):
            handover_perform(person=consultant, by=gm, assignments=_all_to(consultant, wrong))
    client.refresh_from_db()
    consultant.refresh_from_db()
    assert client.consultant == consultant and consultant.is_active
    assert not Notification.objects.filter(title__contains="张伟").exists()


def test_an_inactive_colleague_or_a_missing_choice_is_refused(team, consultant, gm):
    gone = UserFactory(role=Role.CONSULTANT, team=team, is_active=False)
    ClientFactory(team=team, consultant=consultant)
    with pytest.raises(ValidationError):
        handover_perform(person=consultant, by=gm, assignments=_all_to(consultant, gone))
    with pytest.raises(ValidationError):
        handover_perform(person=consultant, by=gm, assignments={})
    consultant.refresh_from_db()
    assert consultant.is_active


def test_work_added_since_the_page_was_read_is_a_conflict(team, consultant, gm):
    successor = UserFactory(role=Role.CONSULTANT, team=team)
    seen = handover_open_counts(consultant)
    ClientFactory(team=team, consultant=consultant)
    with pytest.raises(EditConflict):
        handover_perform(person=consultant, by=gm, assignments=_all_to(consultant, successor), seen=seen)
    assert User.objects.get(pk=consultant.pk).is_active


def test_only_the_deputy_gm_hands_over(team, consultant, designer):
    with pytest.raises(ValidationError):
        handover_perform(person=designer, by=consultant, assignments={})


# --- Routing never reaches someone who left ----------------------------------------------------------------


def _register(front_desk, team):
    return complaint_register(
        registered_by=front_desk,
        caller_name="王美丽",
        caller_phone="13812345678",
        channel=Complaint.Channel.PHONE,
        category=Complaint.Category.QUALITY,
        severity=Complaint.Severity.NORMAL,
        description="卫生间渗水",
        team=team,
    )


def test_after_the_hand_over_complaints_go_to_the_new_leader(team, consultant, front_desk, gm):
    successor = UserFactory(role=Role.CONSULTANT, team=team)
    handover_perform(person=consultant, by=gm, assignments={"teams_led": successor})
    team.refresh_from_db()
    assert _register(front_desk, team).handler == successor
    assert not Notification.objects.filter(recipient=consultant).exists()


def test_a_deactivated_leader_never_receives_complaints(team, consultant, front_desk, gm, login):
    """Deactivated in the admin with the confirmation (no hand-over): routing passes them by."""
    consultant.is_active = False
    consultant.save(update_fields=["is_active"])
    complaint = _register(front_desk, team)
    assert complaint.handler == gm
    assert not Notification.objects.filter(recipient=consultant).exists()


# --- The admin refuses a deactivation with open work -------------------------------------------------------


def _admin_post(client, person, **extra):
    data = {
        "username": person.username,
        "full_name": person.full_name,
        "phone": person.phone,
        "email": person.email,
        "role": person.role,
        "team": person.team_id or "",
        "is_staff": "",
        "is_superuser": "",
        **extra,
    }
    return client.post(reverse("admin:teams_user_change", args=[person.pk]), data)


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "pass-1234", full_name="系统管理员")


def test_the_admin_refuses_to_deactivate_someone_with_open_work(client, superuser, team, consultant):
    ClientFactory(team=team, consultant=consultant)
    client.force_login(superuser)
    response = _admin_post(client, consultant)  # is_active unticked
    assert response.status_code == 200
    assert reverse("teams:staff_handover", args=[consultant.pk]) in response.content.decode()
    consultant.refresh_from_db()
    assert consultant.is_active


def test_the_admin_deactivates_with_the_explicit_confirmation(client, superuser, team, consultant):
    ClientFactory(team=team, consultant=consultant)
    client.force_login(superuser)
    response = _admin_post(client, consultant, confirm_deactivation="on")
    assert response.status_code == 302
    consultant.refresh_from_db()
    assert not consultant.is_active
    assert StaffChange.objects.get(user=consultant, field="is_active").changed_by == superuser


def test_the_admin_deactivates_someone_without_open_work(client, superuser, team, designer):
    client.force_login(superuser)
    assert _admin_post(client, designer).status_code == 302
    designer.refresh_from_db()
    assert not designer.is_active


def test_the_admin_change_page_links_to_the_hand_over(client, superuser, consultant):
    client.force_login(superuser)
    response = client.get(reverse("admin:teams_user_change", args=[consultant.pk]))
    assert reverse("teams:staff_handover", args=[consultant.pk]) in response.content.decode()


# --- The wizard --------------------------------------------------------------------------------------------


def test_the_wizard_shows_each_group_with_its_count(login, team, consultant, gm):
    ClientFactory.create_batch(3, team=team, consultant=consultant)
    TargetCard.objects.create(member=consultant, team=team, month=timezone.localdate().replace(day=1))
    FollowUpVisitFactory(client=ClientFactory(team=team, consultant=consultant), owner=consultant)
    response = login(gm).get(reverse("teams:staff_handover", args=[consultant.pk]))
    assert response.status_code == 200
    rows = {g.key: n for g, n, _people in response.context["rows"]}
    assert rows == {"teams_led": 1, "clients": 4, "visits": 1}
    # The open target card is listed, and stays the member's.
    assert [(note.key, n) for note, n in response.context["notes"]] == [("target_cards", 1)]


def test_the_wizard_with_one_colleague_for_all_moves_and_deactivates(login, team, consultant, gm):
    successor = UserFactory(role=Role.CONSULTANT, team=team, full_name="李娜")
    ClientFactory(team=team, consultant=consultant)
    url = reverse("teams:staff_handover", args=[consultant.pk])
    seen = ",".join(f"{k}:{n}" for k, n in handover_open_counts(consultant).items() if n)
    response = login(gm).post(url, {"apply_all": successor.pk, "deactivate": "on", "seen": seen})
    assert response.status_code == 302
    assert Client.objects.get().consultant == successor
    consultant.refresh_from_db()
    assert not consultant.is_active
    assert login(gm).get(url).status_code == 404  # nobody to hand over any more


def test_the_wizard_shows_what_is_missing(login, team, consultant, gm):
    ClientFactory(team=team, consultant=consultant)
    response = login(gm).post(reverse("teams:staff_handover", args=[consultant.pk]), {"deactivate": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors
    consultant.refresh_from_db()
    assert consultant.is_active


def test_the_wizard_deactivates_someone_with_nothing_open(login, designer, gm):
    url = reverse("teams:staff_handover", args=[designer.pk])
    assert "没有未完成的工作" in login(gm).get(url).content.decode()
    assert login(gm).post(url, {"deactivate": "on"}).status_code == 302
    designer.refresh_from_db()
    assert not designer.is_active
    assert StaffChange.objects.get(user=designer, field="is_active").changed_by == gm


@pytest.mark.parametrize("role_fixture", ["consultant", "designer", "front_desk"])
def test_only_the_deputy_gm_opens_the_wizard(request, login, role_fixture, pm):
    user = request.getfixturevalue(role_fixture)
    assert login(user).get(reverse("teams:staff_handover", args=[pm.pk])).status_code == 403
