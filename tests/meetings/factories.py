"""Factories of team life (meetings, training)."""

import datetime as dt

import factory
from django.utils import timezone

from meetings.models import (
    ActionItem,
    AgendaItem,
    Meeting,
    MeetingAttendance,
    MeetingSchedule,
    MemberLeave,
    Training,
    TrainingAttendance,
)
from teams.roles import Role
from tests.facts import CountedFactory
from tests.teams.factories import TeamFactory, UserFactory


class MeetingFactory(CountedFactory, factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    team = factory.SubFactory(TeamFactory)
    date = factory.LazyFunction(timezone.localdate)
    starts_at = factory.LazyAttribute(lambda m: timezone.make_aware(dt.datetime.combine(m.date, dt.time(8, 30))))


class MeetingAttendanceFactory(CountedFactory, factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingAttendance

    meeting = factory.SubFactory(MeetingFactory)
    member = factory.LazyAttribute(lambda a: UserFactory(role=Role.DESIGNER, team=a.meeting.team))
    status = MeetingAttendance.Status.PRESENT


class ActionItemFactory(CountedFactory, factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    meeting = factory.SubFactory(MeetingFactory)
    text = factory.Sequence(lambda n: f"跟进事项{n}")
    owner = factory.LazyAttribute(lambda a: UserFactory(role=Role.DESIGNER, team=a.meeting.team))


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Training

    topic = factory.Sequence(lambda n: f"服务礼仪培训{n}")
    trainer = "外聘顾问"
    date = factory.LazyFunction(timezone.localdate)


class TrainingAttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingAttendance

    training = factory.SubFactory(TrainingFactory)
    member = factory.SubFactory(UserFactory)


class MeetingScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingSchedule
        django_get_or_create = ("team",)

    team = factory.SubFactory(TeamFactory)
    place = "3楼会议室"


class MemberLeaveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberLeave

    member = factory.SubFactory(UserFactory)
    start_date = factory.LazyFunction(timezone.localdate)
    end_date = factory.SelfAttribute("start_date")
    reason = "年假"


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    author = factory.LazyAttribute(lambda a: UserFactory(role=Role.DESIGNER, team=a.meeting.team))
    text = factory.Sequence(lambda n: f"议题{n}")
