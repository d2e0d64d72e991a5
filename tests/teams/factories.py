import datetime as dt

import factory
from django.utils import timezone

from teams.models import (
    ActionItem,
    AgendaItem,
    CalendarDay,
    Meeting,
    MeetingAttendance,
    MeetingSchedule,
    MemberLeave,
    Notification,
    Team,
    Training,
    TrainingAttendance,
    User,
)
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


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    team = factory.SubFactory(TeamFactory)
    date = factory.LazyFunction(timezone.localdate)
    starts_at = factory.LazyAttribute(lambda m: timezone.make_aware(dt.datetime.combine(m.date, dt.time(8, 30))))


class MeetingAttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingAttendance

    meeting = factory.SubFactory(MeetingFactory)
    member = factory.LazyAttribute(lambda a: UserFactory(role=Role.DESIGNER, team=a.meeting.team))
    status = MeetingAttendance.Status.PRESENT


class ActionItemFactory(factory.django.DjangoModelFactory):
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


# --- Team life (meetings, training) ---------------------------------------------------------------


class MeetingScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingSchedule
        django_get_or_create = ("team",)

    team = factory.SubFactory(TeamFactory)
    place = "3楼会议室"


class CalendarDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarDay
        django_get_or_create = ("date",)

    is_working_day = False
    name = "国庆节"


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
