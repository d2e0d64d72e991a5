"""Writes of the client's page: issuing, revoking and sending links, recording visits, and what the client does.

The client's actions land in the other apps' own services (a design plan confirmed, a complaint registered or
reopened, a maintenance request), each recorded once as a ``ClientAction`` (one per project and target: a
double tap counts once) and in the project's timeline as "客户" with the time and address.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import FollowUpVisit
from complaints.models import Complaint
from complaints.services import complaint_client_answer, complaint_register
from portal.models import ClientAction, PortalLink, PortalVisit
from portal.tokens import token_for, token_hash, token_new, token_verify
from projects.models import ChangeOrder, DesignChange, DesignPlan, Project, SchedulePhase
from projects.services.client import (
    change_client_decide,
    change_order_client_decide,
    maintenance_client_request,
    plan_client_confirm,
    project_client_event,
    project_staff_event,
)
from teams.messages import Message
from teams.models import Delivery, NotificationKind, User
from teams.selectors import deputy_gms
from teams.services import message_client_later, notify

# A link lives until the warranty ends; before completion that end is estimated from the planned finish.
WARRANTY_YEARS = 2


def link_expiry(project: Project, today: dt.date | None = None) -> dt.date:
    """The end of the warranty, or (not completed yet) the planned finish plus the warranty's length."""
    if project.warranty_until:
        return project.warranty_until
    base = project.planned_finish or today or timezone.localdate()
    try:
        return base.replace(year=base.year + WARRANTY_YEARS)
    except ValueError:  # 29 February
        return base.replace(year=base.year + WARRANTY_YEARS, day=28)


def link_url(token: str) -> str:
    return settings.SITE_URL + reverse("portal:page", args=[token])


def _may_manage(project: Project, by: User) -> None:
    if not (project.can_manage(by) or by.sees_all):
        raise PermissionDenied
    if project.contract_id is None:
        raise ValidationError(_("A client page is for a signed project."))


@transaction.atomic
def link_issue(*, project: Project, by: User, raw: str | None = None) -> tuple[PortalLink, str]:
    """A new link for the project (revoking the live one, if any). Returns the link and its token, which is
    shown this once: only its hash is kept. ``raw`` fixes the random part (the demo company only)."""
    _may_manage(project, by)
    now = timezone.now()
    revoked = PortalLink.objects.filter(project=project, revoked_at=None).update(revoked_at=now, revoked_by=by)
    if raw is None:
        token, digest = token_new()
    else:
        token, digest = token_for(raw), token_hash(raw)
    link = PortalLink(
        project=project, token_hash=digest, created_by=by, created_at=now, expires_on=link_expiry(project)
    )
    link.full_clean(exclude=["token_hash"])
    link.save()
    project_staff_event(
        project=project,
        by=by,
        what=Message("Client page link re-issued (the old one no longer opens)")
        if revoked
        else Message("Client page link issued"),
    )
    return link, token


@transaction.atomic
def link_revoke(*, link: PortalLink, by: User) -> bool:
    _may_manage(link.project, by)
    if not PortalLink.objects.filter(pk=link.pk, revoked_at=None).update(revoked_at=timezone.now(), revoked_by=by):
        return False
    project_staff_event(project=link.project, by=by, what=Message("Client page link revoked"))
    return True


@transaction.atomic
def link_send(*, link: PortalLink, token: str, by: User, channel: str = Delivery.Channel.SMS) -> Delivery:
    """Send the link to the client (SMS to their phone, or WeChat) through the outbox. The token comes back from
    the page that showed it once; it must be this link's and the link still live."""
    _may_manage(link.project, by)
    if token_verify(token) != link.token_hash or not link.is_active():
        raise ValidationError(_("This link can no longer be sent: issue a new one."))
    client = link.project.client
    address = client.phone if channel == Delivery.Channel.SMS else client.wechat
    if not address:
        raise ValidationError(_("The client has no address for this channel."))
    text = _("%(name)s, the page of your project %(project)s: %(url)s (do not forward it; hotline %(hotline)s)") % {
        "name": client.name,
        "project": link.project.name,
        "url": link_url(token),
        "hotline": settings.PORTAL_HOTLINE,
    }
    delivery = message_client_later(channel=channel, address=address, subject=_("Your project page"), body=text)
    PortalLink.objects.filter(pk=link.pk).update(sent_at=timezone.now(), sent_channel=channel)
    project_staff_event(project=link.project, by=by, what=Message("Client page link sent to the client"))
    return delivery


def visit_record(*, link: PortalLink, device: str, now: dt.datetime | None = None) -> None:
    """One statement: the device's row is created or its last visit moved. Written by hand because
    ``bulk_create(update_conflicts=True)`` wraps its one INSERT in BEGIN … COMMIT, two more round trips on
    every opening of the page (the page's budget is 10, bench/pages.py ``client_page``)."""
    now = now or timezone.now()
    table = connection.ops.quote_name(PortalVisit._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (link_id, device_hash, first_seen, last_seen) VALUES (%s, %s, %s, %s) "  # noqa: S608
            "ON CONFLICT (link_id, device_hash) DO UPDATE SET last_seen = excluded.last_seen",
            [link.pk, device, now, now],
        )


# --- What the client does -----------------------------------------------------------------------------


@dataclass
class Done:
    """The outcome of a client action: the row, and whether this call made it (False: a second tap)."""

    action: ClientAction
    created: bool


def _record(link: PortalLink, kind: str, target: str, address: str, **fields) -> Done:
    """The action's row, once per project and target (the unique constraint holds it, also under a race)."""
    existing = ClientAction.objects.filter(project=link.project, target=target).first()
    if existing is not None:
        return Done(existing, False)
    action = ClientAction(
        project=link.project,
        team_id=link.project.team_id,
        link=link,
        kind=kind,
        target=target,
        address=address or None,
        **fields,
    )
    action.full_clean(exclude=["project", "team", "link"])
    try:
        with transaction.atomic():
            action.save()
    except IntegrityError:
        return Done(ClientAction.objects.get(project=link.project, target=target), False)
    return Done(action, True)


def _low(rating: int | None) -> bool:
    return rating is not None and rating <= settings.PORTAL_LOW_RATING


def _stars(rating: int) -> str:
    return "★" * rating + "☆" * (5 - rating)


def _open_complaint(*, link: PortalLink, category: str, description: str, address: str, attachments=()) -> Complaint:
    """A complaint from the client's page, through the complaints app's own registration: routed to the team
    under the usual deadlines, the consultant told at once; the deputy GM too when it is the client's second
    complaint from their page within 30 days."""
    project = link.project
    client = project.client
    registrar = project.team.responsible()
    complaint = complaint_register(
        registered_by=registrar,
        caller_name=client.name,
        caller_phone=client.phone,
        channel=Complaint.Channel.CLIENT_PAGE,
        category=category,
        severity=Complaint.Severity.NORMAL,
        description=description,
        client=client,
        project=project,
        attachments=attachments,
    )
    since = timezone.now() - dt.timedelta(days=30)
    recent = Complaint.objects.filter(
        client=client, channel=Complaint.Channel.CLIENT_PAGE, registered_at__gte=since, merged_into=None
    ).count()
    if recent >= 2:
        notify(
            kind=NotificationKind.COMPLAINT,
            recipients=deputy_gms(),
            title=Message(
                "Second complaint from %(client)s's page this month: #%(pk)s (%(team)s)",
                client=client.name,
                pk=complaint.pk,
                team=project.team.name,
            ),
            body=description[:300],
            url=reverse("complaints:detail", args=[complaint.pk]),
        )
    project_client_event(project=project, what=Message("raised complaint #%(pk)s", pk=complaint.pk), address=address)
    return complaint


@transaction.atomic
def phase_sign_off(*, link: PortalLink, phase: SchedulePhase, rating: int, comment: str, address: str) -> Done:
    """确认验收: the client signs off a phase whose inspection passed, with a 1–5 rating and a comment. A rating at or
    below ``PORTAL_LOW_RATING`` opens a complaint with the comment."""
    if phase.project_id != link.project_id:
        raise PermissionDenied
    if not phase.inspections.filter(result="pass").exists():
        raise ValidationError(_("This phase has not passed its inspection yet."))
    done = _record(link, ClientAction.Kind.PHASE_SIGN_OFF, f"phase:{phase.pk}", address, rating=rating, comment=comment)
    if not done.created:
        return done
    project_client_event(
        project=link.project,
        what=Message(
            "signed off %(phase)s %(stars)s %(comment)s",
            phase=phase.display_name,
            stars=_stars(rating),
            comment=comment,
        ),
        address=address,
    )
    if _low(rating):
        description = _("Client rated the sign-off of %(phase)s %(rating)s/5 on their page: %(comment)s") % {
            "phase": phase.display_name,
            "rating": rating,
            "comment": comment or "—",
        }
        complaint = _open_complaint(
            link=link, category=Complaint.Category.QUALITY, description=description, address=address
        )
        ClientAction.objects.filter(pk=done.action.pk).update(complaint=complaint)
        done.action.complaint = complaint
    return done


@transaction.atomic
def visit_rate(*, link: PortalLink, visit: FollowUpVisit, rating: int, comment: str, address: str) -> Done:
    """The client rates a follow-up visit that took place. The staff's satisfaction entry is left alone."""
    if visit.client_id != link.project.client_id or visit.done_at is None:
        raise PermissionDenied
    done = _record(link, ClientAction.Kind.VISIT_RATING, f"visit:{visit.pk}", address, rating=rating, comment=comment)
    if not done.created:
        return done
    project_client_event(
        project=link.project,
        what=Message("rated the follow-up visit %(point)s %(stars)s", point=visit.point, stars=_stars(rating)),
        address=address,
    )
    if _low(rating):
        description = _("Client rated the follow-up visit %(point)s %(rating)s/5 on their page: %(comment)s") % {
            "point": visit.point,
            "rating": rating,
            "comment": comment or "—",
        }
        complaint = _open_complaint(
            link=link, category=Complaint.Category.ATTITUDE, description=description, address=address
        )
        ClientAction.objects.filter(pk=done.action.pk).update(complaint=complaint)
    return done


@transaction.atomic
def complaint_rate(
    *, link: PortalLink, complaint: Complaint, solved: bool, rating: int, comment: str, address: str
) -> Done:
    """The client answers a resolved complaint: solved (→ confirmed by the client) or not solved (→ reopened, the
    complaint itself goes back to the team), with a rating. A low rating of a solved one opens a new complaint."""
    if complaint.project_id != link.project_id or complaint.state != Complaint.State.RESOLVED:
        raise PermissionDenied
    target = f"complaint:{complaint.pk}:{complaint.current_resolution_id or 0}"
    done = _record(
        link, ClientAction.Kind.COMPLAINT_RATING, target, address, rating=rating, solved=solved, comment=comment
    )
    if not done.created:
        return done
    complaint_client_answer(complaint=complaint, solved=solved, comment=comment, address=address)
    project_client_event(
        project=link.project,
        what=Message("answered complaint #%(pk)s: solved %(stars)s", pk=complaint.pk, stars=_stars(rating))
        if solved
        else Message("answered complaint #%(pk)s: not solved %(stars)s", pk=complaint.pk, stars=_stars(rating)),
        address=address,
    )
    if solved and _low(rating):
        description = _("Client rated the handling of complaint #%(pk)s %(rating)s/5 on their page: %(comment)s") % {
            "pk": complaint.pk,
            "rating": rating,
            "comment": comment or "—",
        }
        opened = _open_complaint(
            link=link, category=Complaint.Category.ATTITUDE, description=description, address=address
        )
        ClientAction.objects.filter(pk=done.action.pk).update(complaint=opened)
    elif not solved:
        ClientAction.objects.filter(pk=done.action.pk).update(complaint=complaint)
    return done


@transaction.atomic
def plan_confirm(*, link: PortalLink, plan: DesignPlan, comment: str, address: str) -> Done:
    if plan.project_id != link.project_id:
        raise PermissionDenied
    done = _record(link, ClientAction.Kind.PLAN_CONFIRM, f"plan:{plan.pk}", address, comment=comment)
    if done.created:
        plan_client_confirm(plan=plan, client_name=link.project.client.name, address=address, notes=comment)
    return done


@transaction.atomic
def change_decide(*, link: PortalLink, change: DesignChange, approved: bool, comment: str, address: str) -> Done:
    if change.project_id != link.project_id:
        raise PermissionDenied
    done = _record(
        link, ClientAction.Kind.CHANGE_DECISION, f"change:{change.pk}", address, solved=approved, comment=comment
    )
    if done.created:
        change_client_decide(
            change=change, approved=approved, client_name=link.project.client.name, address=address, comment=comment
        )
    return done


@transaction.atomic
def change_order_decide(*, link: PortalLink, order: ChangeOrder, approved: bool, comment: str, address: str) -> Done:
    if order.project_id != link.project_id:
        raise PermissionDenied
    done = _record(
        link,
        ClientAction.Kind.CHANGE_ORDER_DECISION,
        f"change_order:{order.pk}:{order.version}",
        address,
        solved=approved,
        comment=comment,
    )
    if done.created:
        change_order_client_decide(
            order=order, approved=approved, client_name=link.project.client.name, address=address, comment=comment
        )
    return done


@transaction.atomic
def client_request(*, link: PortalLink, kind: str, description: str, address: str, photos=(), uploads=()):
    """The client asks for a repair (a maintenance request, for completed projects) or raises a complaint, with
    photos: each enters the normal flow with its deadlines."""
    if not description.strip():
        raise ValidationError({"description": _("Say what happened.")})
    if kind == "maintenance":
        return maintenance_client_request(project=link.project, description=description, address=address, photos=photos)
    return _open_complaint(
        link=link, category=Complaint.Category.OTHER, description=description, address=address, attachments=uploads
    )


# --- The client's personal data (PIPL hooks, clients/services/retention.py) ---------------------------------


def client_records(*, client_id: int) -> list:
    """``client_records`` hook: the client's page links, the devices that opened them, what they did there."""
    return [
        (PortalLink._meta.verbose_name_plural, PortalLink.objects.filter(project__client_id=client_id)),
        (PortalVisit._meta.verbose_name_plural, PortalVisit.objects.filter(link__project__client_id=client_id)),
        (ClientAction._meta.verbose_name_plural, ClientAction.objects.filter(project__client_id=client_id)),
    ]


def client_records_anonymise(*, client_id: int, pseudonym: str) -> None:
    """``client_anonymise`` hook: the links stop opening, the devices are forgotten, the actions keep their
    ratings (the figures) but lose the client's words and address."""
    PortalLink.objects.filter(project__client_id=client_id, revoked_at=None).update(revoked_at=timezone.now())
    PortalVisit.objects.filter(link__project__client_id=client_id).delete()
    ClientAction.objects.filter(project__client_id=client_id).update(comment="", address=None)
