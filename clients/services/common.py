"""What every client service shares: the timeline writer."""

from django.utils import timezone

from clients.models import Client, ClientEvent
from teams.models import User


def _event(client: Client, kind: str, text: str, actor: User | None, at=None) -> ClientEvent:
    return ClientEvent.objects.create(client=client, kind=kind, text=text[:300], actor=actor, at=at or timezone.now())
