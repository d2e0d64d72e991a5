"""The phone system (CTI): the events of the PBX's webhook (Zammad's generic CTI API: ``newCall``, ``answer``,
``hangup``), and the callback journal of missed calls.

Every event is written to ``CtiEvent`` with what was done with it. A replayed or late event changes nothing:
a second ``newCall`` for a call id is a duplicate, ``answer`` after the hang-up is out of order, an event
for a call id never announced is refused — each transition is one conditional row update under a row lock.
"""

import datetime as dt
import logging
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client
from reception.models import Call, Callback, CtiEvent, Extension, PhoneCall
from teams.facts import facts_write
from teams.models import User
from teams.phones import MOBILE, normalize_phone

logger = logging.getLogger("reception.cti")

EVENTS = ("newCall", "answer", "hangup")
# The HTTP status the webhook answers for each outcome: refused ones are errors, ignored ones are not
# (the PBX must not retry a duplicate forever).
STATUS = {
    CtiEvent.Outcome.APPLIED: 200,
    CtiEvent.Outcome.DUPLICATE: 200,
    CtiEvent.Outcome.OUT_OF_ORDER: 200,
    CtiEvent.Outcome.UNKNOWN_CALL: 404,
    CtiEvent.Outcome.INVALID: 400,
    CtiEvent.Outcome.BAD_TOKEN: 403,
}


@dataclass(frozen=True)
class CtiResult:
    outcome: str
    phone_call: PhoneCall | None = None

    @property
    def status(self) -> int:
        return STATUS[self.outcome]


def _clean_payload(data: dict) -> dict:
    """At most 30 short string fields of what was sent (the log must not grow with what a stranger posts)."""
    return {str(k)[:40]: str(v)[:200] for k, v in list(data.items())[:30]}


def cti_event_log(*, data: dict, outcome: str, remote_addr: str = "", now=None) -> CtiEvent:
    event = CtiEvent.objects.create(
        received_at=now or timezone.now(),
        event=str(data.get("event", ""))[:20],
        call_id=str(data.get("callId") or data.get("call_id") or "")[:100],
        payload=_clean_payload(data),
        outcome=outcome,
        remote_addr=remote_addr[:64],
    )
    level = logging.INFO if outcome == CtiEvent.Outcome.APPLIED else logging.WARNING
    logger.log(level, "CTI %s %s from %s: %s", event.event, event.call_id, remote_addr, outcome)
    return event


def _phone(value) -> str:
    """The number as the call log keeps it: +86, spaces and a mobile's dashes taken out (138-1234-5678)."""
    number = normalize_phone(str(value or ""))
    compact = number.replace("-", "")
    return (compact if MOBILE.match(compact) else number)[:40]


def client_for_number(number: str) -> Client | None:
    """The client whose phone (either) is this number, matched on the stored digits (clients/search.py)."""
    digits = re.sub(r"\D", "", normalize_phone(number or ""))
    if len(digits) < 7:
        return None
    return (
        Client.objects.filter(
            Q(phone_digits=digits) | Q(phone_digits__startswith=digits + " ") | Q(phone_digits__endswith=" " + digits)
        )
        .select_related("team")
        .order_by("-pk")
        .first()
    )


def staff_for_extension(value: str) -> tuple[str, User | None]:
    """The staff member of an extension (admin: 分机), or of a user name the PBX sent instead."""
    value = str(value or "").strip()[:20]
    if not value:
        return "", None
    extension = Extension.objects.filter(number=value, is_active=True).select_related("user").first()
    if extension is not None:
        return value, extension.user
    return value, User.objects.filter(username=value, is_active=True).first()


def _extension_of(data: dict) -> str:
    return data.get("extension") or data.get("user") or data.get("user[]") or data.get("answeringNumber") or ""


def cti_event_apply(*, data: dict, remote_addr: str = "", now: dt.datetime | None = None) -> CtiResult:
    """Apply one event of the phone system and log it; never raises for what the PBX sent."""
    now = now or timezone.now()
    event = data.get("event")
    call_id = str(data.get("callId") or data.get("call_id") or "").strip()
    if event not in EVENTS or not call_id or len(call_id) > 100:
        outcome = CtiEvent.Outcome.INVALID
        phone_call = None
    elif event == "newCall":
        outcome, phone_call = _new_call(data, call_id, now)
    else:
        with transaction.atomic():
            phone_call = PhoneCall.objects.select_for_update().filter(call_id=call_id).first()
            if phone_call is None:
                outcome = CtiEvent.Outcome.UNKNOWN_CALL
            elif event == "answer":
                outcome = _answer(phone_call, data, now)
            else:
                outcome = _hangup(phone_call, data, now)
    cti_event_log(data=data, outcome=outcome, remote_addr=remote_addr, now=now)
    return CtiResult(outcome, phone_call)


def _new_call(data: dict, call_id: str, now) -> tuple[str, PhoneCall | None]:
    existing = PhoneCall.objects.filter(call_id=call_id).first()
    if existing is not None:
        return CtiEvent.Outcome.DUPLICATE, existing
    direction = PhoneCall.Direction.OUT if data.get("direction") == "out" else PhoneCall.Direction.IN
    from_number, to_number = _phone(data.get("from")), _phone(data.get("to"))
    extension, user = staff_for_extension(_extension_of(data))
    caller = from_number if direction == PhoneCall.Direction.IN else to_number
    try:
        with transaction.atomic():
            phone_call = PhoneCall.objects.create(
                call_id=call_id,
                direction=direction,
                from_number=from_number,
                to_number=to_number,
                extension=extension,
                user=user,
                client=client_for_number(caller),
                rang_at=now,
            )
    except IntegrityError:  # the same newCall, twice at once
        return CtiEvent.Outcome.DUPLICATE, PhoneCall.objects.filter(call_id=call_id).first()
    return CtiEvent.Outcome.APPLIED, phone_call


def _answer(phone_call: PhoneCall, data: dict, now) -> str:
    if phone_call.state == PhoneCall.State.ANSWERED:
        return CtiEvent.Outcome.DUPLICATE
    if phone_call.state != PhoneCall.State.RINGING:
        return CtiEvent.Outcome.OUT_OF_ORDER
    fields = {"state": PhoneCall.State.ANSWERED, "answered_at": max(now, phone_call.rang_at)}
    extension, user = staff_for_extension(_extension_of(data))
    if user is not None:  # answered at another extension of the group than the one that rang first
        fields.update(extension=extension, user=user)
    _set(phone_call, fields)
    _caller_reached(phone_call, now)
    return CtiEvent.Outcome.APPLIED


def _caller_reached(phone_call: PhoneCall, now) -> int:
    """An answered call reaches whoever it connects: their earlier missed calls need no callback any more."""
    number = phone_call.from_number if phone_call.direction == PhoneCall.Direction.IN else phone_call.to_number
    if not number:
        return 0
    return (
        PhoneCall.objects.missed_open()
        .filter(from_number=number, rang_at__lte=phone_call.rang_at)
        .exclude(pk=phone_call.pk)
        .update(handled_at=now, handled_by=phone_call.user, handled_by_call=phone_call)
    )


def _hangup(phone_call: PhoneCall, data: dict, now) -> str:
    if phone_call.state in (PhoneCall.State.ENDED, PhoneCall.State.MISSED):
        return CtiEvent.Outcome.DUPLICATE
    ended = max(now, phone_call.answered_at or phone_call.rang_at)
    fields = {"ended_at": ended, "cause": str(data.get("cause", ""))[:40]}
    if phone_call.state == PhoneCall.State.ANSWERED:
        fields.update(
            state=PhoneCall.State.ENDED, duration_seconds=int((ended - phone_call.answered_at).total_seconds())
        )
    else:
        fields.update(state=PhoneCall.State.MISSED)
    _set(phone_call, fields)
    return CtiEvent.Outcome.APPLIED


def _set(phone_call: PhoneCall, fields: dict) -> None:
    # Missed and called-back calls are counted facts (teams/facts.py).
    with facts_write(PhoneCall, phone_call.pk):
        PhoneCall.objects.filter(pk=phone_call.pk).update(**fields)
    for name, value in fields.items():
        setattr(phone_call, name, value)


# --- The clerk's side ----------------------------------------------------------------------------------------


def phone_call_link(*, phone_call: PhoneCall, call: Call) -> bool:
    """The call log entry written about this phone call (once: a second log keeps the first link)."""
    return bool(PhoneCall.objects.filter(pk=phone_call.pk, logged_call__isnull=True).update(logged_call=call))


@transaction.atomic
def missed_call_callback(
    *, phone_call: PhoneCall, by: User, outcome: str, note: str = "", now: dt.datetime | None = None
) -> Callback:
    """A line of the callback journal; reaching the caller (or finding nothing is needed) handles the call."""
    now = now or timezone.now()
    phone_call = PhoneCall.objects.select_for_update().get(pk=phone_call.pk)
    if phone_call.state != PhoneCall.State.MISSED:
        raise ValidationError(_("Only a missed call is called back."))
    if phone_call.handled_at is not None:
        raise ValidationError(_("This missed call was already handled."))
    callback = Callback(phone_call=phone_call, by=by, at=now, outcome=outcome, note=note)
    callback.full_clean()
    callback.save()
    if outcome in Callback.HANDLED:
        _set(phone_call, {"handled_at": now, "handled_by": by})
    return callback
