"""Front-desk services: log calls and visits, forward with acknowledgement, turn a
prospect into a lead. Nothing lost, nothing late (不遗漏、延误)."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clients.models import Client, ClientConsent
from clients.services import lead_create
from reception.models import Call, CtiEvent, PhoneCall, Visit
from reception.services_cti import phone_call_link
from teams.calendar import add_working_minutes, calendar_exceptions
from teams.editing import claim
from teams.facts import facts_save, facts_write
from teams.messages import Message
from teams.models import NotificationKind, Team, User
from teams.models.staff import responsible
from teams.retention import ANONYMISE, DELETE, Expired, chunks, months_before, numbered
from teams.selectors import deputy_gms
from teams.services import notify


class AlreadyDone(Exception):
    """Someone else acknowledged the forward (or made the lead) first."""


def _forward_recipients(call: Call) -> list[User]:
    """The person the call was forwarded to, or whoever stands in: never someone who has left."""
    if call.forward_to is None and call.forward_team is None:
        return []
    team = call.forward_team or call.forward_to.team
    person = responsible(team=team, preferred=call.forward_to)
    return [person] if person is not None else []


def _call_url(call: Call) -> str:
    return reverse("reception:call_detail", args=[call.pk])


@transaction.atomic
def call_log(
    *,
    logged_by: User,
    caller_name: str,
    phone: str,
    caller_type: str,
    purpose: str,
    summary: str = "",
    important: bool = False,
    called_at: dt.datetime | None = None,
    client: Client | None = None,
    forward_to: User | None = None,
    forward_team: Team | None = None,
    phone_call: PhoneCall | None = None,
    now: dt.datetime | None = None,
) -> Call:
    """Log a call; a forwarded call notifies its recipient at once and must be
    acknowledged within ``RECEPTION_FORWARD_ACK_MINUTES`` working minutes."""
    now = now or timezone.now()
    call = Call(
        logged_by=logged_by,
        caller_name=caller_name,
        phone=phone,
        caller_type=caller_type,
        purpose=purpose,
        summary=summary,
        important=important,
        called_at=called_at or now,
        client=client,
        forward_to=forward_to,
        forward_team=forward_team,
    )
    if forward_to is not None or forward_team is not None:
        call.forwarded_at = now
        call.ack_due_at = add_working_minutes(now, settings.RECEPTION_FORWARD_ACK_MINUTES)
    call.full_clean()
    facts_save(call)  # a forwarded call is a counted fact (performance/rollups.py)
    if phone_call is not None:
        phone_call_link(phone_call=phone_call, call=call)
    if call.forwarded_at:
        title = (
            Message("Important call for you: %(name)s", name=caller_name)
            if important
            else Message("Call for you: %(name)s", name=caller_name)
        )
        body = Message(
            "%(purpose)s\n%(summary)s\nPlease acknowledge by %(due)s.",
            purpose=purpose,
            summary=summary,
            # With the date: the reader may read it tomorrow ("请于 09:10 前确认" said nothing of the day).
            due=timezone.localtime(call.ack_due_at).strftime("%Y-%m-%d %H:%M"),
        )
        notify(
            kind=NotificationKind.CALL,
            recipients=_forward_recipients(call),
            title=title,
            body=body,
            url=_call_url(call),
        )
    return call


def call_acknowledge(*, call: Call, user: User, now: dt.datetime | None = None) -> Call:
    """One click by the recipient (or a member of the team it was forwarded to)."""
    now = now or timezone.now()
    if not call.may_acknowledge(user):
        raise AlreadyDone
    with facts_write(Call, call.pk):
        won = claim(call, "acknowledged_at", now, acknowledged_by=user)
    if not won:
        raise AlreadyDone
    return call


@transaction.atomic
def call_forward_close(*, call: Call, user: User, outcome: str, note: str = "", now: dt.datetime | None = None) -> Call:
    """The recipient's outcome closes the forward: called back, dealt with, or could not reach (with a note).
    Closing an unacknowledged forward acknowledges it too, so its reminder and escalation stop."""
    now = now or timezone.now()
    if outcome not in Call.ForwardOutcome.values:
        raise ValidationError({"outcome": _("Choose what came of the forwarded call.")})
    if outcome == Call.ForwardOutcome.UNREACHABLE and not note.strip():
        raise ValidationError({"note": _("Say how you tried to reach the caller.")})
    if not call.may_close_forward(user):
        raise AlreadyDone
    fields = {"forward_outcome": outcome, "forward_note": note.strip(), "forward_closed_by": user}
    if not claim(call, "forward_closed_at", now, **fields):
        raise AlreadyDone
    if call.acknowledged_at is None:
        with facts_write(Call, call.pk):
            claim(call, "acknowledged_at", now, acknowledged_by=user)
    return call


def call_forwards_scan(*, now: dt.datetime | None = None) -> dict:
    """Remind the recipient of an unacknowledged forward when it is due, then
    escalate to the deputy GM as long again later; each step once."""
    now = now or timezone.now()
    counts = {"reminded": 0, "escalated": 0}
    waiting = Call.objects.filter(forwarded_at__isnull=False, acknowledged_at=None).select_related(
        "forward_to__team__leader", "forward_team__leader"
    )
    for call in waiting.filter(ack_due_at__lt=now, forward_reminded_at=None)[:500]:
        with transaction.atomic():
            if not claim(call, "forward_reminded_at", now):
                continue
            notify(
                kind=NotificationKind.CALL,
                recipients=_forward_recipients(call),
                title=Message("Reminder: acknowledge the call from %(name)s", name=call.caller_name),
                body=call.purpose,
                url=_call_url(call),
            )
        counts["reminded"] += 1
    gms = None
    # The holiday calendar once per scan; oldest deadline first, so the first call not yet
    # due for escalation ends the loop (every later one is due later still).
    calendar = calendar_exceptions()
    escalating = waiting.filter(forward_reminded_at__isnull=False, forward_escalated_at=None).order_by("ack_due_at")
    for call in escalating[:500]:
        if add_working_minutes(call.ack_due_at, settings.RECEPTION_FORWARD_ACK_MINUTES, calendar) > now:
            break
        with transaction.atomic():
            if not claim(call, "forward_escalated_at", now):
                continue
            if gms is None:
                gms = list(deputy_gms())
            who = call.forward_to or call.forward_team
            notify(
                kind=NotificationKind.CALL,
                recipients=gms,
                title=Message(
                    "Escalated: call from %(name)s not acknowledged by %(who)s", name=call.caller_name, who=who
                ),
                body=call.purpose,
                url=_call_url(call),
            )
        counts["escalated"] += 1
    return counts


@transaction.atomic
def call_make_lead(*, call: Call, user: User, team: Team, consented: bool = False) -> Client:
    """A prospect's call becomes a lead for ``team`` in one step."""
    if call.lead_id is not None:
        raise AlreadyDone
    if call.client_id is not None:
        raise ValidationError(_("The caller is already a client."))
    if not call.phone:
        raise ValidationError({"phone": _("A lead needs the caller's phone number.")})
    client = lead_create(
        name=call.caller_name,
        phone=call.phone,
        team=team,
        source=Client.Source.HOTLINE,
        created_by=user,
        consent_method=ClientConsent.Method.VERBAL_CALL if consented else "",
        notes=call.summary or call.purpose,
    )
    if Call.objects.filter(pk=call.pk, lead=None).update(lead=client, client=client) != 1:
        raise AlreadyDone
    call.lead = call.client = client
    notify(
        kind=NotificationKind.CALL,
        recipients=[client.team.responsible(preferred=client.consultant)],
        title=Message("New lead from the hotline: %(name)s", name=client.name),
        body=call.purpose,
        url="",
    )
    return client


@transaction.atomic
def visit_log(
    *,
    logged_by: User,
    visitor_name: str,
    phone: str,
    purpose: str,
    party_size: int = 1,
    host: User | None = None,
    client: Client | None = None,
    arrived_at: dt.datetime | None = None,
) -> Visit:
    visit = Visit(
        logged_by=logged_by,
        visitor_name=visitor_name,
        phone=phone,
        purpose=purpose,
        party_size=party_size,
        host=host,
        client=client,
        arrived_at=arrived_at or timezone.now(),
    )
    visit.full_clean()
    visit.save()
    if host is not None:
        notify(
            kind=NotificationKind.CALL,
            recipients=[host],
            title=Message("Visitor for you at the front desk: %(name)s", name=visitor_name),
            body=purpose,
            url=reverse("reception:visit_list"),
            email=False,
        )
    return visit


def visit_leave(*, visit: Visit, now: dt.datetime | None = None) -> Visit:
    now = now or timezone.now()
    if not claim(visit, "left_at", now):
        raise AlreadyDone
    return visit


@transaction.atomic
def visit_make_lead(*, visit: Visit, user: User, team: Team, consented: bool = False) -> Client:
    """A walk-in prospect becomes a lead for ``team`` in one step."""
    if visit.lead_id is not None:
        raise AlreadyDone
    if visit.client_id is not None:
        raise ValidationError(_("The caller is already a client."))
    if not visit.phone:
        raise ValidationError({"phone": _("A lead needs the caller's phone number.")})
    client = lead_create(
        name=visit.visitor_name,
        phone=visit.phone,
        team=team,
        source=Client.Source.WALK_IN,
        created_by=user,
        consent_method=ClientConsent.Method.VERBAL_VISIT if consented else "",
        notes=visit.purpose,
    )
    if Visit.objects.filter(pk=visit.pk, lead=None).update(lead=client, client=client) != 1:
        raise AlreadyDone
    visit.lead = visit.client = client
    notify(
        kind=NotificationKind.CALL,
        recipients=[client.team.responsible(preferred=client.consultant)],
        title=Message("New walk-in lead: %(name)s", name=client.name),
        body=visit.purpose,
        url="",
    )
    return visit.lead


# Retention and anonymisation (teams/retention.py) ------------------------------------------------------


def callers_expired(*, now: dt.datetime):
    """Calls of callers who never became clients (no client, no lead made from it), older than
    ``RETENTION_CALLER_MONTHS`` and not anonymised yet."""
    cutoff = months_before(now, settings.RETENTION_CALLER_MONTHS)
    return Call.objects.filter(called_at__lt=cutoff, client=None, lead=None, anonymised_at=None)


def visitors_expired(*, now: dt.datetime):
    cutoff = months_before(now, settings.RETENTION_CALLER_MONTHS)
    return Visit.objects.filter(arrived_at__lt=cutoff, client=None, lead=None, anonymised_at=None)


def retention_sweep(*, now: dt.datetime, dry_run: bool) -> list[Expired]:
    """The front desk's part of the nightly sweep: strangers' calls and visits keep their type, purpose
    class, time and forwarding (the reports count them), lose the name, phone and summary."""
    calls = Expired("calls of callers who never became clients", ANONYMISE)
    visits = Expired("visits of visitors who never became clients", ANONYMISE)
    calls.ids = list(callers_expired(now=now).values_list("pk", flat=True))
    visits.ids = list(visitors_expired(now=now).values_list("pk", flat=True))
    # The phone system's records of strangers: the number goes, the call (counted as missed or not) stays;
    # its raw events (which carry the number) go.
    cutoff = months_before(now, settings.RETENTION_CALLER_MONTHS)
    stranger_calls = PhoneCall.objects.filter(rang_at__lt=cutoff, client=None).exclude(from_number="")
    phone_calls = Expired("phone-system calls of callers who never became clients", ANONYMISE)
    phone_calls.ids = list(stranger_calls.values_list("pk", flat=True))
    events = Expired("phone-system events", DELETE)
    events.ids = list(CtiEvent.objects.filter(received_at__lt=cutoff).values_list("pk", flat=True))
    if not dry_run:
        with transaction.atomic():
            for ids in chunks(phone_calls.ids):
                PhoneCall.objects.filter(pk__in=ids).update(from_number="", to_number="")
            for ids in chunks(events.ids):
                CtiEvent.objects.filter(pk__in=ids).delete()
            for ids in chunks(calls.ids):
                Call.objects.filter(pk__in=ids, anonymised_at=None).update(
                    caller_name=numbered(_caller_pseudonym), phone="", summary="", anonymised_at=now
                )
            for ids in chunks(visits.ids):
                Visit.objects.filter(pk__in=ids, anonymised_at=None).update(
                    visitor_name=numbered(_visitor_pseudonym), phone="", anonymised_at=now
                )
    return [calls, visits, phone_calls, events]


def _caller_pseudonym(pk) -> str:
    with translation.override(settings.LANGUAGE_CODE):  # stored: in the site's language
        return _("Caller #%(id)s") % {"id": pk}


def _visitor_pseudonym(pk) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("Visitor #%(id)s") % {"id": pk}


def client_records(*, client_id: int) -> list:
    """``client_records`` hook: the calls and visits of (or turned into) the client."""
    return [
        (_("Calls"), Call.objects.filter(Q(client_id=client_id) | Q(lead_id=client_id))),
        (_("Visitor log"), Visit.objects.filter(Q(client_id=client_id) | Q(lead_id=client_id))),
        (_("Phone-system calls"), PhoneCall.objects.filter(client_id=client_id)),
    ]


def client_records_anonymise(*, client_id: int, pseudonym: str) -> None:
    """``client_anonymise`` hook: whatever of the calls and visits still names or reaches the person."""
    now = timezone.now()
    Call.objects.filter(Q(client_id=client_id) | Q(lead_id=client_id)).update(
        caller_name=pseudonym, phone="", anonymised_at=now
    )
    Visit.objects.filter(Q(client_id=client_id) | Q(lead_id=client_id)).update(
        visitor_name=pseudonym, phone="", anonymised_at=now
    )
    # The phone system's calls keep the time (the missed-call figures) but not the number, nor do their events.
    phone_calls = PhoneCall.objects.filter(client_id=client_id)
    CtiEvent.objects.filter(call_id__in=phone_calls.values("call_id")).update(payload={})
    phone_calls.update(from_number="", to_number="")


def client_urls(*, client_id: int) -> list[str]:
    """``client_urls`` hook: the pages of the client's calls."""
    calls = Call.objects.filter(Q(client_id=client_id) | Q(lead_id=client_id)).only("pk")
    return [_call_url(call) for call in calls]
