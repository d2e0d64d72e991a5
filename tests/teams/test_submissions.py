"""A create form sent twice (double click, retried request, re-sent page) creates one row.

Each case names a create form: who sends it, where, with what, and the model it creates.
The test opens the page the form is on, takes the token it was issued with, and posts twice.
"""

import datetime as dt
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import Client, FollowUpVisit, PaymentStage
from complaints.models import Complaint, ComplaintEvent
from meetings.models import ActionItem, AgendaItem, MemberLeave, Training
from performance.models import Highlight
from projects.models import Crew, DesignConsultation, SiteLog
from reception.models import Call, Visit
from teams.forms import SubmitOnce
from teams.models import Submission
from tests.clients.factories import ClientFactory, ContractFactory
from tests.complaints.factories import ComplaintFactory
from tests.meetings.factories import MeetingFactory
from tests.projects.factories import ProjectFactory

TOMORROW = timezone.localdate() + dt.timedelta(days=1)


def _reception_call(s):
    page = reverse("reception:call_create")
    return s.front_desk, page, page, {"caller_name": "王先生", "caller_type": "client", "purpose": "催工期"}, Call


def _reception_visit(s):
    page = reverse("reception:visit_create")
    return s.front_desk, page, page, {"visitor_name": "李女士", "party_size": 2, "purpose": "了解套餐"}, Visit


def _complaint(s):
    page = reverse("complaints:register")
    data = {"caller_name": "王美丽", "caller_phone": "13812345678", "channel": "phone", "category": "quality"}
    data |= {"severity": "normal", "description": "卫生间渗水", "team": s.team.pk}
    return s.front_desk, page, page, data, Complaint


def _complaint_comment(s):
    complaint = ComplaintFactory(client=ClientFactory(team=s.team))
    page = reverse("complaints:detail", args=[complaint.pk])
    url = reverse("complaints:comment", args=[complaint.pk])
    return s.consultant, page, url, {"comment": "已联系业主"}, ComplaintEvent


def _agenda_item(s):
    meeting = MeetingFactory(team=s.team, date=TOMORROW)
    page = reverse("meetings:meeting_detail", args=[meeting.pk])
    return (
        s.designer,
        page,
        reverse("meetings:meeting_agenda_add", args=[meeting.pk]),
        {"text": "效果图排期"},
        AgendaItem,
    )


def _action_item(s):
    meeting = MeetingFactory(team=s.team, date=TOMORROW)
    page = reverse("meetings:meeting_detail", args=[meeting.pk])
    url = reverse("meetings:meeting_action_add", args=[meeting.pk])
    return s.consultant, page, url, {"text": "回访王女士", "owner": s.designer.pk}, ActionItem


def _training(s):
    page = reverse("meetings:training_create")
    data = {"topic": "投诉处理案例分析", "trainer": "陈老师", "trainer_kind": "external", "team": s.team.pk}
    return s.consultant, page, page, data | {"date": TOMORROW.isoformat()}, Training


def _leave(s):
    page = reverse("meetings:board") + f"?team={s.team.pk}"
    data = {"team": s.team.pk, "member": s.designer.pk, "start_date": TOMORROW, "end_date": TOMORROW}
    return s.consultant, page, reverse("meetings:leave_add"), data, MemberLeave


def _lead(s):
    page = reverse("clients:create")
    data = {"name": "赵女士", "phone": "13900001111", "property_type": "villa", "intent": "high", "budget": "gt80"}
    return s.consultant, page, page, data | {"source": "hotline", "consultant": s.consultant.pk}, Client


def _follow_up_visit(s):
    client = ClientFactory(team=s.team)
    page = reverse("clients:detail", args=[client.pk])
    data = {"point": "开工回访", "due_date": TOMORROW.isoformat(), "channel": "phone"}
    return s.consultant, page, reverse("clients:visit_create", args=[client.pk]), data, FollowUpVisit


def _payment_stage(s):
    contract = ContractFactory(client=ClientFactory(team=s.team))
    page = reverse("clients:payment_add", args=[contract.pk])
    data = {"name": "中期", "amount": "50000", "trigger": "completion", "days_to_pay": "7"}
    return s.consultant, page, page, data, PaymentStage


def _site_log(s):
    project = ProjectFactory(client=ClientFactory(team=s.team))
    page = reverse("projects:site_log_add", args=[project.pk])
    data = {"date": timezone.localdate().isoformat(), "weather": "晴", "workers_on_site": 4, "work_done": "铺地砖"}
    return s.consultant, page, page, data, SiteLog


def _consultation(s):
    project = ProjectFactory(client=ClientFactory(team=s.team))
    page = reverse("projects:consultation_add", args=[project.pk])
    data = {"date": timezone.localdate().isoformat(), "question": "厨房能否开放式"}
    return s.consultant, page, page, data, DesignConsultation


def _crew(s):
    page = reverse("projects:crew_add")
    data = {"name": "张师傅木工队", "leader": "张建", "phone": "13911112222", "trade": "木工", "is_active": "on"}
    return s.consultant, page, page, data, Crew


def _highlight(s):
    page = reverse("performance:highlights")
    return s.consultant, page, page, {"member": s.designer.pk, "title": "业主送锦旗", "story": "认真负责"}, Highlight


CASES = [
    _reception_call,
    _reception_visit,
    _complaint,
    _complaint_comment,
    _agenda_item,
    _action_item,
    _training,
    _leave,
    _lead,
    _follow_up_visit,
    _payment_stage,
    _site_log,
    _consultation,
    _crew,
    _highlight,
]


class Cast:
    def __init__(self, team, consultant, designer, front_desk):
        self.team, self.consultant, self.designer, self.front_desk = team, consultant, designer, front_desk


def issued_token(html: str) -> str:
    """The token of the (last) create form on the page."""
    tokens = re.findall(r'name="submission_token" value="([0-9a-f-]{36})"', html)
    assert tokens, "the page's create form carries no submission token"
    return tokens[-1]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__.lstrip("_"))
def test_a_create_form_sent_twice_creates_one_row(login, team, consultant, designer, front_desk, case):
    user, page, url, data, model = case(Cast(team, consultant, designer, front_desk))
    client = login(user)
    before = model.objects.count()
    token = issued_token(client.get(page).content.decode())
    first = client.post(url, {**data, "submission_token": token})
    assert first.status_code in (200, 302), first.content.decode()[:2000]
    assert model.objects.count() == before + 1, first.content.decode()[:2000]
    second = client.post(url, {**data, "submission_token": token})
    assert model.objects.count() == before + 1
    assert second.status_code == first.status_code
    assert second.get("Location") == first.get("Location")  # the replay lands where the first POST did


def test_every_create_form_carries_a_token():
    """Every form a case above covers, and the rest of the create forms, are ``SubmitOnce``."""
    from clients import forms as clients_forms
    from complaints import forms as complaints_forms
    from meetings import forms as meetings_forms
    from performance import forms as performance_forms
    from projects import forms as projects_forms
    from reception import forms as reception_forms

    create_forms = [
        reception_forms.CallForm,
        reception_forms.VisitForm,
        complaints_forms.ComplaintRegisterForm,
        complaints_forms.CommentForm,
        complaints_forms.AttachmentForm,
        meetings_forms.AgendaItemForm,
        meetings_forms.ActionItemForm,
        meetings_forms.LeaveForm,
        meetings_forms.TrainingForm,
        clients_forms.ClientForm,
        clients_forms.ContractForm,
        clients_forms.PaymentForm,
        clients_forms.AttachmentForm,
        clients_forms.VisitCreateForm,
        clients_forms.HandoverForm,
        clients_forms.LoanForm,
        performance_forms.PhotoForm,
        performance_forms.HighlightForm,
        *(getattr(projects_forms, name) for name in projects_forms.__dict__ if name.endswith("Form")),
    ]
    not_create = {"VersionedForm", "ConstructionPlanForm", "ScheduleTemplateForm", "PhaseForm", "PlanAnswerForm"}
    not_create |= {"BudgetReturnForm", "ChangeDecisionForm", "MaintenanceConfirmForm", "ModelForm", "Form"}
    # Contract money: a stage's phase and the client's signature edit a record; a line is a formset row
    # of the change order form (which carries the token).
    not_create |= {"StagePhaseForm", "ChangeOrderSignForm", "ChangeOrderLineForm"}
    missing = [f.__name__ for f in create_forms if f.__name__ not in not_create and not issubclass(f, SubmitOnce)]
    assert missing == []


def test_a_failed_create_leaves_the_token_for_the_corrected_form(login, front_desk):
    client = login(front_desk)
    token = str(uuid.uuid4())
    data = {"caller_type": "client", "purpose": "催工期", "submission_token": token}
    assert client.post(reverse("reception:call_create"), data).status_code == 200  # no caller name
    assert not Submission.objects.exists()
    client.post(reverse("reception:call_create"), {**data, "caller_name": "王先生"})
    assert Call.objects.count() == 1


def test_a_replay_after_the_row_was_removed_says_so(login, team, designer):
    meeting = MeetingFactory(team=team, date=TOMORROW)
    client = login(designer)
    data = {"text": "效果图排期", "submission_token": str(uuid.uuid4())}
    client.post(reverse("meetings:meeting_agenda_add", args=[meeting.pk]), data)
    AgendaItem.objects.all().delete()
    response = client.post(reverse("meetings:meeting_agenda_add", args=[meeting.pk]), data)
    assert response.status_code == 200 and "已经提交过" in response.content.decode()
    assert not AgendaItem.objects.exists()
