"""What every client service shares: the optimistic-locking error and the timeline writer."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from clients.models import Client, ClientEvent
from teams.models import User


class StaleEdit(ValidationError):
    """Somebody else saved the record after this form was opened (optimistic locking)."""


def _event(client: Client, kind: str, text: str, actor: User | None, at=None) -> ClientEvent:
    return ClientEvent.objects.create(client=client, kind=kind, text=text[:300], actor=actor, at=at or timezone.now())
