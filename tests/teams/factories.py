import factory

from teams.models import CalendarDay, Notification, Team, User
from teams.roles import Role


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试{n}组")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"员工{n}")
    role = Role.CONSULTANT
    team = factory.SubFactory(TeamFactory)
    phone = factory.Sequence(lambda n: f"1380000{n:04d}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("pass-1234")


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"通知{n}")
    url = "/"


class CalendarDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarDay
        django_get_or_create = ("date",)

    is_working_day = False
    name = "国庆节"
