"""What the client does on their own page (the portal app, issue 17) and the PM's choice of what it shows.

The client has no account: these services take no ``by`` user. Each writes the project's timeline as
"客户" (no actor) with the address the request came from, and is safe to call twice (a double-tapped button
changes nothing the second time: the state is compared and set in one UPDATE).
"""

import uuid
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import Attachment, ChangeOrder, DesignChange, DesignPlan, MaintenanceRequest, Project
from projects.services.common import _attach, _event, _team_people
from projects.services.design import drawing_task_revise
from teams.messages import Message
from teams.models import NotificationKind, User
from teams.services import notify


def project_client_event(*, project: Project, what: Message | str, address: str) -> None:
    """A line of the project's timeline written by the client: "客户（地址）：…"."""
    _event(project, None, Message("Client (%(address)s): %(what)s", address=address or "—", what=what))


def project_staff_event(*, project: Project, by: User, what: Message | str) -> None:
    """A line of the project's timeline for something done about the client's page (issued, sent, revoked)."""
    _event(project, by, what)


@transaction.atomic
def attachment_show_to_client(*, attachment: Attachment, by: User, visible: bool) -> Attachment:
    """客户可见: the project's PM (or the consultant) shows a photo on the client's page, or hides it again."""
    project = attachment.project
    if not project.can_build(by):
        raise PermissionDenied
    if visible and not attachment.is_image:
        raise ValidationError(_("Only photos can be shown to the client."))
    if Attachment.objects.filter(pk=attachment.pk).exclude(client_visible=visible).update(client_visible=visible):
        _event(
            project,
            by,
            Message("Photo shown to the client") if visible else Message("Photo hidden from the client"),
        )
    attachment.client_visible = visible
    return attachment


@transaction.atomic
def plan_client_confirm(*, plan: DesignPlan, client_name: str, address: str, notes: str = "") -> bool:
    """The client confirms a submitted design plan on their page. False if it was no longer awaiting them."""
    moved = DesignPlan.objects.filter(pk=plan.pk, status=DesignPlan.Status.SUBMITTED).update(
        status=DesignPlan.Status.CONFIRMED,
        confirmed_on=timezone.localdate(),
        confirmed_by=client_name[:60],
        client_notes=notes,
    )
    if not moved:
        return False
    project = plan.project
    project_client_event(project=project, what=Message("confirmed design plan v%(n)s", n=plan.number), address=address)
    notify(
        kind=NotificationKind.PROJECT,
        recipients=[*_team_people(project), project.team.leader],
        title=Message("%(name)s: the client confirmed design plan v%(n)s", name=project.name, n=plan.number),
        body=notes,
        url=project.get_absolute_url() + "#design",
    )
    return True


@transaction.atomic
def change_client_decide(
    *, change: DesignChange, approved: bool, client_name: str, address: str, comment: str = ""
) -> bool:
    """The client approves or rejects a proposed design change. Approval opens the revision tasks of the affected
    drawings (deadline in 3 days), as an approval recorded by staff does, in the name of whoever proposed it (or the
    team's consultant)."""
    status = DesignChange.Status.APPROVED if approved else DesignChange.Status.REJECTED
    moved = DesignChange.objects.filter(pk=change.pk, status=DesignChange.Status.PROPOSED).update(
        status=status, decided_on=timezone.localdate(), client_signed_by=client_name[:60]
    )
    if not moved:
        return False
    project = change.project
    if approved:
        owner = change.requested_by if project.can_design(change.requested_by) else project.team.responsible()
        deadline = timezone.localdate() + timedelta(days=3)
        for drawing in change.affected_drawings.select_related("project", "assignee", "revision_of"):
            drawing_task_revise(task=drawing, by=owner, deadline=deadline, reason=change.content, design_change=change)
    what = Message("approved a design change") if approved else Message("rejected a design change")
    project_client_event(
        project=project, what=Message.join([what, comment], sep="：") if comment else what, address=address
    )
    notify(
        kind=NotificationKind.PROJECT,
        recipients=[*_team_people(project), project.team.leader],
        title=Message("%(name)s: the client approved a design change", name=project.name)
        if approved
        else Message("%(name)s: the client rejected a design change", name=project.name),
        body=comment,
        url=project.get_absolute_url() + "#changes",
    )
    return True


@transaction.atomic
def change_order_client_decide(
    *, order: ChangeOrder, approved: bool, client_name: str, address: str, comment: str = ""
) -> bool:
    """The client approves (signs) or rejects a change order awaiting them; the consultant still approves a
    signed one before the contract's value moves."""
    status = ChangeOrder.Status.CLIENT_APPROVED if approved else ChangeOrder.Status.REJECTED
    if not ChangeOrder.objects.filter(pk=order.pk, status=ChangeOrder.Status.DRAFT).exists():
        return False
    fields = {"status": status}
    if approved:
        # The page's approval stands in for the signed paper: its record (who, when, from where, what) is the scan.
        now = timezone.localtime()
        record = _(
            "Change order %(number)s, total %(total)s yuan, approved by %(name)s on the client's page at "
            "%(at)s from %(address)s. Comment: %(comment)s"
        ) % {
            "number": order.number,
            "total": order.total,
            "name": client_name,
            "at": now.strftime("%Y-%m-%d %H:%M"),
            "address": address or "—",
            "comment": comment or "—",
        }
        name = f"change_orders/client-page-{order.pk}-{uuid.uuid4().hex[:8]}.txt"
        stored = default_storage.save(name, ContentFile(record.encode()))
        fields.update(
            client_signed_on=now.date(),
            client_signed_by=client_name[:60],
            client_scan=stored,
            client_scan_name=_("approved on the client's page.txt"),
            client_scan_type="text/plain",
        )
    moved = ChangeOrder.objects.filter(pk=order.pk, status=ChangeOrder.Status.DRAFT).update(**fields)
    if not moved:
        return False
    project = order.project
    what = (
        Message("signed change order %(number)s", number=order.number)
        if approved
        else Message("rejected change order %(number)s", number=order.number)
    )
    project_client_event(
        project=project, what=Message.join([what, comment], sep="：") if comment else what, address=address
    )
    notify(
        kind=NotificationKind.PROJECT,
        recipients=[project.team.leader],
        title=Message("%(name)s: the client answered change order %(number)s", name=project.name, number=order.number),
        body=comment,
        url=project.get_absolute_url(),
    )
    return True


@transaction.atomic
def maintenance_client_request(
    *, project: Project, description: str, address: str, photos=(), promised_in_days: int = 3
) -> MaintenanceRequest:
    """The client asks for a repair on their page: a maintenance request like one taken on the phone,
    registered in the PM's name (the client has no account), promised within ``promised_in_days``."""
    if project.phase not in (Project.Phase.COMPLETED, Project.Phase.WARRANTY):
        raise ValidationError(_("Maintenance requests are for completed projects."))
    owner = project.project_manager or project.team.responsible()
    if owner is None:
        raise ValidationError(_("This project has nobody to take the request."))
    promised: date = timezone.localdate() + timedelta(days=promised_in_days)
    request = MaintenanceRequest(
        project=project,
        created_by=owner,
        source=MaintenanceRequest.Source.CLIENT_PAGE,
        description=description,
        promised_on=promised,
    )
    request.full_clean()
    request.save()
    _attach(project, owner, photos, maintenance=request)
    project_client_event(project=project, what=Message("asked for a repair"), address=address)
    notify(
        kind=NotificationKind.PROJECT,
        recipients=[project.project_manager, project.team.leader],
        title=Message("Maintenance at %(name)s, promised by %(date)s", name=project.name, date=promised),
        body=description,
        url=project.get_absolute_url() + "#maintenance",
    )
    return request
