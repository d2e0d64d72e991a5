"""What every client service shares: the timeline writer."""

from django.utils import timezone

from clients.models import Client, ClientEvent
from teams.messages import Message, to_store
from teams.models import User


def _event(client: Client, kind: str, text: str | Message, actor: User | None, at=None) -> ClientEvent:
    text, message = to_store(text)
    return ClientEvent.objects.create(
        client=client, kind=kind, text=text[:300], message=message, actor=actor, at=at or timezone.now()
    )
