"""The client's consent to the privacy notice (PIPL Art. 13–14): its own module, so that creating a lead
(``leads``) and the personal-information desk (``privacy``) both record it."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from clients.models import Client, ClientConsent, ClientEvent, PrivacyNotice
from clients.services.common import _event
from teams.messages import Message
from teams.models import User


@transaction.atomic
def consent_record(*, client: Client, by: User, method: str, purpose: str, agreed_at: dt.datetime | None = None):
    """Record how and when ``client`` agreed, to the current privacy notice; appended to the timeline."""
    consent = ClientConsent(
        client=client,
        method=method,
        purpose=purpose,
        agreed_at=agreed_at or timezone.now(),
        notice=PrivacyNotice.current(),
        recorded_by=by,
    )
    consent.full_clean()
    consent.save()
    _event(
        client,
        ClientEvent.Kind.PRIVACY,
        Message("Consent recorded: %(method)s", method=ClientConsent.Method(method).label),
        by,
    )
    return consent
