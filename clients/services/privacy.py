"""Personal information (PIPL): the requests of clients to see, correct or delete it (consent: ``consent``)."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client, PrivacyRequest, PrivacyRequestStep
from clients.services.leads import client_update
from clients.services.retention import client_anonymise
from teams.calendar import add_working_days
from teams.editing import claim
from teams.messages import Message
from teams.models import NotificationKind, User
from teams.selectors import deputy_gms
from teams.services import notify

# Requests from a client (个人信息权利请求, PIPL Art. 44–47) -------------------------------------------------


def _step(request: PrivacyRequest, action: str, by: User, detail: str = "") -> PrivacyRequestStep:
    return PrivacyRequestStep.objects.create(request=request, action=action, actor=by, detail=detail[:300])


@transaction.atomic
def privacy_request_record(
    *, client: Client, by: User, kind: str, received_on: dt.date, details: str = ""
) -> PrivacyRequest:
    """Record a client's request; it must be answered within PRIVACY_REQUEST_ANSWER_DAYS working days."""
    request = PrivacyRequest(
        client=client,
        kind=kind,
        received_on=received_on,
        details=details,
        due_on=add_working_days(received_on, settings.PRIVACY_REQUEST_ANSWER_DAYS),
        recorded_by=by,
    )
    request.full_clean()
    request.save()
    _step(request, PrivacyRequestStep.Action.RECORDED, by)
    return request


def privacy_request_exported(*, request: PrivacyRequest, by: User, file_format: str) -> None:
    _step(request, PrivacyRequestStep.Action.EXPORTED, by, detail=file_format)


@transaction.atomic
def privacy_request_correct(*, request: PrivacyRequest, by: User, version: int, data: dict) -> Client:
    """Correct the client's details at their request (the client's own edit history records what changed)."""
    # From the database: a ModelForm bound to the client has already written the new values into it.
    before = Client.objects.filter(pk=request.client_id).values(*data).first()
    client = client_update(client=request.client, by=by, version=version, data=dict(data))
    changed = [str(Client._meta.get_field(n).verbose_name) for n in data if getattr(client, n) != before[n]]
    _step(request, PrivacyRequestStep.Action.CORRECTED, by, detail=", ".join(changed))
    return client


@transaction.atomic
def privacy_request_erase(*, request: PrivacyRequest, by: User) -> bool:
    """Erase the client's personal information: anonymise the client and every record that names them
    (clients/services/retention.py). Signed contracts keep their number, amounts, dates and the site address
    (accounting and the warranty need them; the signed paper is in the archive); the name and phones go."""
    done = client_anonymise(client_id=request.client_id)
    _step(request, PrivacyRequestStep.Action.ERASED, by, detail="" if done else "already anonymised")
    return done


@transaction.atomic
def privacy_request_answer(*, request: PrivacyRequest, by: User, refused: bool, answer: str) -> PrivacyRequest:
    if request.state != PrivacyRequest.State.OPEN:
        raise ValidationError(_("This request is already answered."))
    if not answer.strip():
        raise ValidationError({"answer": _("Write what the client was told.")})
    request.state = PrivacyRequest.State.REFUSED if refused else PrivacyRequest.State.ANSWERED
    request.answer = answer
    request.answered_at = timezone.now()
    request.save(update_fields=["state", "answer", "answered_at"])
    _step(request, PrivacyRequestStep.Action.REFUSED if refused else PrivacyRequestStep.Action.ANSWERED, by)
    return request


# Working days before the deadline when the deputy GMs are reminded of an open request.
REMIND_DAYS_BEFORE = 3


def privacy_requests_remind(*, now: dt.datetime | None = None) -> int:
    """The scan: remind the deputy GMs of open requests due within REMIND_DAYS_BEFORE working days, and tell
    them again once a request is overdue; each step claimed once (a second run sends nothing)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    horizon = add_working_days(today, REMIND_DAYS_BEFORE)
    sent = 0
    open_requests = PrivacyRequest.objects.filter(state=PrivacyRequest.State.OPEN)
    for request in open_requests.filter(due_on__lte=horizon, reminded_at=None):
        if claim(request, "reminded_at", now):
            sent += _remind(
                request,
                Message("A client's personal information request is due on %(date)s", date=request.due_on.isoformat()),
            )
    for request in open_requests.filter(due_on__lt=today, overdue_notified_at=None):
        if claim(request, "overdue_notified_at", now):
            sent += _remind(
                request,
                Message(
                    "A client's personal information request is overdue (due %(date)s)", date=request.due_on.isoformat()
                ),
            )
    return sent


def _remind(request: PrivacyRequest, title: Message) -> int:
    url = reverse("clients:privacy_request_detail", args=[request.pk])
    # The title names no client: e-mails leave the building.
    return len(notify(kind=NotificationKind.CLIENT, recipients=deputy_gms(), title=title, url=url))
