"""What the client does on their page lands in the staff's records (issue 17)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from clients.models import FollowUpVisit
from complaints.models import Complaint
from complaints.services import complaint_register, complaint_transition
from portal.models import ClientAction
from projects.models import ChangeOrder, DesignChange, DesignPlan, DrawingTask, MaintenanceRequest
from teams.models import Notification
from tests.clients.factories import FollowUpVisitFactory
from tests.portal.conftest import jpeg
from tests.projects.factories import DesignPlanFactory, DrawingTaskFactory, SchedulePhaseFactory

pytestmark = pytest.mark.django_db


def sign_off(client, token, phase, rating, comment=""):
    return client.post(reverse("portal:sign_off", args=[token, phase.pk]), {"rating": rating, "comment": comment})


def test_low_sign_off_opens_a_complaint_for_the_consultant(client, token, phase, project, consultant):
    response = sign_off(client, token, phase, 2, "瓷砖空鼓")
    assert response.status_code == 302
    action = ClientAction.objects.get(target=f"phase:{phase.pk}")
    assert action.rating == 2 and action.address == "127.0.0.1"
    complaint = action.complaint
    assert complaint.channel == Complaint.Channel.CLIENT_PAGE
    assert complaint.handler == consultant and complaint.project == project
    assert "瓷砖空鼓" in complaint.description
    assert complaint.ack_due_at is not None and complaint.resolve_due_at is not None
    assert Notification.objects.filter(recipient=consultant, url__contains=str(complaint.pk)).exists()
    event = project.events.get(actor=None, text__contains="瓷砖空鼓")
    assert event.text.startswith("客户（127.0.0.1）")


def test_good_sign_off_opens_no_complaint(client, token, phase):
    sign_off(client, token, phase, 5, "很满意")
    assert ClientAction.objects.get().complaint is None
    assert not Complaint.objects.exists()


def test_no_sign_off_before_the_inspection_passed(client, token, project):
    phase = SchedulePhaseFactory(project=project, kind="carpentry", order=4)
    response = sign_off(client, token, phase, 5)
    assert response.status_code == 302
    assert not ClientAction.objects.exists()


def test_low_score_threshold_is_a_setting(client, token, phase, settings):
    settings.PORTAL_LOW_RATING = 3
    sign_off(client, token, phase, 3)
    assert Complaint.objects.count() == 1


def test_second_low_score_in_a_month_tells_the_deputy_gm(client, token, phase, project, gm, pm):
    sign_off(client, token, phase, 1, "太差")
    assert not Notification.objects.filter(recipient=gm).exists()
    visit = FollowUpVisitFactory(client=project.client, done_at=timezone.now())
    client.post(reverse("portal:visit_rate", args=[token, visit.pk]), {"rating": 1, "comment": "态度差"})
    assert Complaint.objects.count() == 2
    assert Notification.objects.filter(recipient=gm, title__contains=project.client.name).exists()


def test_visit_rating_is_kept_apart_from_staff_satisfaction(client, token, project):
    visit = FollowUpVisitFactory(client=project.client, done_at=timezone.now(), satisfaction=5)
    client.post(reverse("portal:visit_rate", args=[token, visit.pk]), {"rating": 4})
    assert ClientAction.objects.get().rating == 4
    assert FollowUpVisit.objects.get(pk=visit.pk).satisfaction == 5


def test_confirm_a_design_plan(client, token, project, designer):
    plan = DesignPlanFactory(project=project, status=DesignPlan.Status.SUBMITTED, created_by=designer)
    client.post(reverse("portal:plan_confirm", args=[token, plan.pk]), {"comment": "可以"})
    client.post(reverse("portal:plan_confirm", args=[token, plan.pk]), {"comment": "可以"})
    plan.refresh_from_db()
    assert plan.status == DesignPlan.Status.CONFIRMED and plan.confirmed_by == project.client.name
    assert project.events.filter(actor=None, text__contains=f"v{plan.number}").count() == 1
    assert Notification.objects.filter(recipient=designer).exists()


def test_reject_a_design_change_with_a_comment(client, token, project, designer):
    change = DesignChange.objects.create(project=project, reason="业主要求", content="改岛台", requested_by=designer)
    client.post(reverse("portal:change_decide", args=[token, change.pk]), {"decision": "reject", "comment": "太贵"})
    change.refresh_from_db()
    assert change.status == DesignChange.Status.REJECTED
    assert project.events.filter(actor=None, text__contains="太贵").exists()


def test_sign_a_change_order(client, token, project, consultant):
    order = ChangeOrder.objects.create(
        project=project,
        contract=project.contract,
        number="BG-1",
        created_by=consultant,
        title="增项",
        source="site_finding",
    )
    client.post(reverse("portal:change_order_decide", args=[token, order.pk]), {"decision": "approve"})
    order.refresh_from_db()
    assert order.status == ChangeOrder.Status.CLIENT_APPROVED and order.client_signed_by == project.client.name


def _resolved(project, consultant):
    complaint = complaint_register(
        registered_by=consultant,
        caller_name=project.client.name,
        caller_phone=project.client.phone,
        channel="phone",
        category="quality",
        severity="normal",
        description="墙面开裂",
        client=project.client,
        project=project,
    )
    for action in ("acknowledge", "start"):
        complaint = complaint_transition(complaint=complaint, user=consultant, action=action, version=complaint.version)
        complaint.refresh_from_db()
    complaint_transition(
        complaint=complaint,
        user=consultant,
        action="resolve",
        version=complaint.version,
        resolution="重新批灰",
        cause_category="workmanship",
        cause_analysis="基层处理不到位",
    )
    complaint.refresh_from_db()
    return complaint


def test_solved_complaint_is_confirmed_by_the_client(client, token, project, consultant):
    complaint = _resolved(project, consultant)
    client.post(reverse("portal:complaint_rate", args=[token, complaint.pk]), {"solved": "yes", "rating": 5})
    complaint.refresh_from_db()
    assert complaint.state == Complaint.State.CONFIRMED
    assert complaint.events.filter(action="confirm", actor=None).exists()


def test_not_solved_reopens_the_complaint(client, token, project, consultant):
    complaint = _resolved(project, consultant)
    client.post(
        reverse("portal:complaint_rate", args=[token, complaint.pk]), {"solved": "no", "rating": 2, "comment": "还在裂"}
    )
    complaint.refresh_from_db()
    assert complaint.state == Complaint.State.IN_PROGRESS
    assert complaint.events.filter(action="reopen", comment__contains="还在裂").exists()
    assert Complaint.objects.count() == 1  # the complaint itself went back, no second one


def test_request_maintenance_with_a_photo(client, token, project):
    project.phase = "warranty"
    project.save()
    upload = SimpleUploadedFile("leak.jpg", jpeg(), content_type="image/jpeg")
    client.post(
        reverse("portal:request", args=[token]), {"kind": "maintenance", "description": "卫生间漏水", "photos": upload}
    )
    request = MaintenanceRequest.objects.get()
    assert request.source == "client_page" and request.photos.count() == 1
    assert request.promised_on >= timezone.localdate() + dt.timedelta(days=1)


def test_raise_a_complaint_with_a_photo(client, token, project, consultant):
    upload = SimpleUploadedFile("crack.jpg", jpeg(), content_type="image/jpeg")
    client.post(
        reverse("portal:request", args=[token]), {"kind": "complaint", "description": "工人抽烟", "photos": upload}
    )
    complaint = Complaint.objects.get()
    assert complaint.channel == "client_page" and complaint.attachments.count() == 1
    assert complaint.handler == consultant


def test_get_on_an_action_is_405(client, token, phase):
    assert client.get(reverse("portal:sign_off", args=[token, phase.pk])).status_code == 405


def test_the_page_says_how_many_items_await_the_client(client, token, project, designer):
    DesignPlanFactory(project=project, status=DesignPlan.Status.SUBMITTED, created_by=designer)
    DesignChange.objects.create(project=project, reason="业主要求", content="改岛台", requested_by=designer)
    html = client.get(reverse("portal:page", args=[token])).content.decode()
    assert "有 2 项等待您确认" in html


def test_approving_a_design_change_opens_the_revision_of_its_drawings(client, token, project, designer):
    drawing = DrawingTaskFactory(project=project)
    change = DesignChange.objects.create(project=project, reason="业主要求", content="改岛台", requested_by=designer)
    change.affected_drawings.set([drawing])
    client.post(reverse("portal:change_decide", args=[token, change.pk]), {"decision": "approve"})
    assert DrawingTask.objects.filter(revision_of=drawing, design_change=change).count() == 1


def test_anonymising_the_client_revokes_the_link_and_forgets_their_words(client, token, phase, project):
    from clients.services.retention import client_anonymise

    sign_off(client, token, phase, 4, "挺好")
    client_anonymise(client_id=project.client_id)
    assert client.get(reverse("portal:page", args=[token])).status_code == 404
    action = ClientAction.objects.get()
    assert action.rating == 4 and action.comment == "" and action.address is None
