"""Client services. ``lead_create`` is what the front desk calls to turn a
prospect's call or visit into a lead; keep its signature."""

from django.db import transaction

from clients.models import Client
from teams.models import Team, User


@transaction.atomic
def lead_create(
    *, name: str, phone: str, team: Team, source: str, created_by: User, consultant: User | None = None, notes: str = ""
) -> Client:
    client = Client(name=name, phone=phone, team=team, source=source, consultant=consultant or team.leader)
    client.full_clean()
    client.save()
    return client
