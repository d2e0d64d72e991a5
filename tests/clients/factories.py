import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from clients.models import Client, Contract, FollowUpVisit, LostLeadReport
from clients.search import set_search_keys
from teams.facts import facts_save
from teams.roles import Role
from tests.facts import CountedFactory
from tests.teams.factories import TeamFactory, UserFactory


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"客户{n}")
    phone = factory.Sequence(lambda n: f"1391234{n:04d}")
    team = factory.SubFactory(TeamFactory)
    consultant = factory.LazyAttribute(lambda c: c.team.leader)
    stage = Client.Stage.NEW
    source = Client.Source.HOTLINE

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # The services store the search keys with the name and phones (clients/search.py); so does the factory.
        client = model_class(*args, **kwargs)
        set_search_keys(client)
        facts_save(client)  # a counted fact, as in the services (teams/facts.py)
        return client


class ContractFactory(CountedFactory, factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    number = factory.Sequence(lambda n: f"HT-2026-{n:05d}")
    client = factory.SubFactory(ClientFactory)
    team = factory.SelfAttribute("client.team")
    signed_date = factory.LazyFunction(timezone.localdate)
    design_fee = Decimal("8000.00")
    construction_amount = Decimal("180000.00")
    signed_by = factory.LazyAttribute(lambda c: c.client.consultant or UserFactory(role=Role.CONSULTANT, team=c.team))


class FollowUpVisitFactory(CountedFactory, factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpVisit

    client = factory.SubFactory(ClientFactory)
    team = factory.SelfAttribute("client.team")
    owner = factory.LazyAttribute(lambda v: v.client.consultant or UserFactory(role=Role.CONSULTANT, team=v.team))
    point = "开工回访"
    due_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=3))


class LostLeadReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LostLeadReport

    team = factory.SubFactory(TeamFactory)
    month = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    conclusions = "价格因素为主。"
    written_by = factory.LazyAttribute(lambda r: r.team.leader or UserFactory(role=Role.CONSULTANT, team=r.team))
