import datetime as dt

import factory
from django.utils import timezone

from complaints.models import Complaint, ComplaintEvent
from teams.roles import Role
from tests.clients.factories import ClientFactory
from tests.facts import CountedFactory
from tests.teams.factories import UserFactory


class ComplaintFactory(CountedFactory, factory.django.DjangoModelFactory):
    class Meta:
        model = Complaint

    client = factory.SubFactory(ClientFactory)
    caller_name = factory.SelfAttribute("client.name")
    caller_phone = factory.SelfAttribute("client.phone")
    team = factory.SelfAttribute("client.team")
    registered_by = factory.LazyFunction(lambda: UserFactory(role=Role.FRONT_DESK, team=None))
    category = Complaint.Category.QUALITY
    description = "卫生间墙砖空鼓"
    registered_at = factory.LazyFunction(timezone.now)
    ack_due_at = factory.LazyAttribute(lambda c: c.registered_at + dt.timedelta(minutes=30))
    resolve_due_at = factory.LazyAttribute(lambda c: c.registered_at + dt.timedelta(days=3))


class ComplaintEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ComplaintEvent

    complaint = factory.SubFactory(ComplaintFactory)
    action = "register"
    to_state = Complaint.State.REGISTERED
