import factory
from django.utils import timezone

from reception.models import Call, Visit
from teams.roles import Role
from tests.facts import CountedFactory
from tests.teams.factories import UserFactory


class CallFactory(CountedFactory, factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    called_at = factory.LazyFunction(timezone.now)
    caller_name = factory.Sequence(lambda n: f"来电人{n}")
    phone = factory.Sequence(lambda n: f"1360000{n:04d}")
    caller_type = Call.CallerType.CLIENT
    purpose = "咨询工期"
    logged_by = factory.LazyFunction(lambda: UserFactory(role=Role.FRONT_DESK, team=None))


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    visitor_name = factory.Sequence(lambda n: f"访客{n}")
    phone = factory.Sequence(lambda n: f"1350000{n:04d}")
    purpose = "了解套餐"
    logged_by = factory.LazyFunction(lambda: UserFactory(role=Role.FRONT_DESK, team=None))
