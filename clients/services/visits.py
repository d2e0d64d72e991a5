"""Follow-up visit writes: plan, record, and the periodic reminders and escalations."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client, ClientEvent, FollowUpVisit
from clients.services.common import _event
from teams.editing import EditConflict, claim
from teams.facts import facts_save, facts_write
from teams.messages import Message
from teams.models import NotificationKind, User
from teams.selectors import deputy_gms
from teams.services import notify


@transaction.atomic
def visit_create(
    *, client: Client, by: User, point: str, due_date: dt.date, channel: str, owner: User | None = None
) -> FollowUpVisit:
    """An ad-hoc follow-up visit."""
    visit = FollowUpVisit(
        client=client,
        team=client.team,
        owner=client.team.responsible(preferred=owner or client.consultant) or by,
        point=point,
        due_date=due_date,
        channel=channel,
        contract=client.contracts.first(),
    )
    visit.full_clean()
    facts_save(visit)
    _event(
        client,
        ClientEvent.Kind.VISIT,
        Message("Visit planned: %(point)s on %(date)s", point=point, date=due_date),
        by,
    )
    return visit


@transaction.atomic
def visit_record(
    *,
    visit: FollowUpVisit,
    by: User,
    channel: str,
    outcome: str,
    satisfaction: int | None,
    opinions: str = "",
    raised_complaint: bool = False,
    done_at=None,
) -> FollowUpVisit:
    """Record a visit as done (once: a second save of the same visit is refused)."""
    done_at = done_at or timezone.now()
    visit.channel, visit.outcome, visit.satisfaction = channel, outcome, satisfaction
    visit.opinions, visit.raised_complaint, visit.done_at = opinions, raised_complaint, done_at
    visit.full_clean()
    with facts_write(FollowUpVisit, visit.pk):
        recorded = claim(
            visit,
            "done_at",
            done_at,
            channel=channel,
            outcome=outcome,
            satisfaction=satisfaction,
            opinions=opinions,
            raised_complaint=raised_complaint,
        )
    if not recorded:
        raise EditConflict(_("This visit has already been recorded."))
    parts = [Message("Visit done: %(point)s", point=visit.point)]
    if satisfaction:
        parts.append(Message("satisfaction %(n)s/5", n=satisfaction))
    if raised_complaint:
        parts.append(Message("raised a complaint"))
    _event(visit.client, ClientEvent.Kind.VISIT, Message.join(parts, " · "), by, at=done_at)
    return visit


def _visit_url(visit: FollowUpVisit) -> str:
    return reverse("clients:visit_record", args=[visit.pk])


def visits_remind_due(*, now=None) -> int:
    """The morning a visit is due: remind its owner, once (claimed by ``reminded_at``)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    due = FollowUpVisit.objects.filter(done_at=None, reminded_at=None, due_date__lte=today).select_related(
        "client", "owner", "team__leader"
    )
    for visit in due:
        with transaction.atomic():
            if not claim(visit, "reminded_at", now):
                continue
            notify(
                kind=NotificationKind.CLIENT,
                recipients=[visit.team.responsible(preferred=visit.owner)],
                title=Message(
                    "Follow-up visit due today: %(client)s · %(point)s", client=visit.client, point=visit.point
                ),
                body=Message("Due %(date)s.", date=visit.due_date),
                url=_visit_url(visit),
            )
            sent += 1
    return sent


def visits_escalate_overdue(*, now=None, days: int | None = None) -> int:
    """A visit overdue by ``CLIENT_VISIT_ESCALATE_DAYS`` days goes to the deputy GM, once."""
    now = now or timezone.now()
    days = settings.CLIENT_VISIT_ESCALATE_DAYS if days is None else days
    limit = timezone.localdate(now) - dt.timedelta(days=days)
    gms = list(deputy_gms())
    sent = 0
    overdue = FollowUpVisit.objects.filter(done_at=None, escalated_at=None, due_date__lte=limit).select_related(
        "client", "owner", "team"
    )
    for visit in overdue:
        with transaction.atomic():
            if not claim(visit, "escalated_at", now):
                continue
            notify(
                kind=NotificationKind.CLIENT,
                recipients=[*gms, visit.team.responsible(preferred=visit.owner)],
                title=Message(
                    "Follow-up visit overdue %(days)s days: %(client)s · %(point)s",
                    days=visit.days_overdue(timezone.localdate(now)),
                    client=visit.client,
                    point=visit.point,
                ),
                body=Message(
                    "Owner: %(owner)s, team %(team)s, due %(date)s.",
                    owner=visit.owner,
                    team=visit.team,
                    date=visit.due_date,
                ),
                url=_visit_url(visit),
            )
            sent += 1
    return sent
