"""Training (培训): sessions, attendance and attendees' feedback — services and selectors."""

import datetime as dt

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meetings.models import Training, TrainingAttendance
from teams.filters import OrderingFilter
from teams.messages import Message
from teams.models import NotificationKind, Team, User
from teams.roles import TEAM_ROLES, Role
from teams.services import notify


def training_can_manage(*, training: Training | None, user: User) -> bool:
    """The deputy GM manages every session; a consultant their team's sessions."""
    if user.sees_all:
        return True
    if user.role != Role.CONSULTANT:
        return False
    return training is None or (training.team_id is not None and training.team_id == user.team_id)


def training_roster(*, training: Training) -> list[User]:
    """Who is expected: the team's members, or every team member of the company for a company-wide session."""
    qs = User.objects.filter(is_active=True, role__in=TEAM_ROLES).select_related("team")
    if training.team_id is not None:
        qs = qs.filter(team_id=training.team_id)
    return list(qs.order_by("team__name", "full_name", "pk"))


def training_save(*, training: Training, by: User) -> Training:
    """Create or edit a session; the audience is told about a new one."""
    is_new = training.pk is None
    if is_new:
        training.created_by = by
    training.full_clean()
    with transaction.atomic():
        training.save()
        if is_new:
            notify(
                kind=NotificationKind.MEETING,
                recipients=[u for u in training_roster(training=training) if u.pk != by.pk],
                title=Message("Training: %(topic)s", topic=training.topic),
                body=Message(
                    "%(date)s %(place)s, by %(trainer)s.",
                    date=training.date.isoformat(),
                    place=training.place,
                    trainer=training.trainer,
                ),
                url=reverse("meetings:training_detail", args=[training.pk]),
                email=False,
            )
    return training


def training_record_attendance(*, training: Training, attended_ids: set[int]) -> int:
    """Mark the roster present / absent; returns how many attended. Feedback already given is kept."""
    roster = training_roster(training=training)
    with transaction.atomic():
        existing = {a.member_id: a for a in training.attendance.all()}
        for member in roster:
            row = existing.get(member.pk)
            attended = member.pk in attended_ids
            if row is None:
                TrainingAttendance.objects.create(training=training, member=member, attended=attended)
            elif row.attended != attended:
                row.attended = attended
                row.save(update_fields=["attended"])
    return len(attended_ids & {m.pk for m in roster})


def training_give_feedback(
    *, training: Training, member: User, rating: int, feedback: str, now: dt.datetime | None = None
) -> TrainingAttendance:
    row = TrainingAttendance.objects.filter(training=training, member=member, attended=True).first()
    if row is None:
        raise ValidationError(_("Only people who attended can give feedback."))
    row.rating = rating
    row.feedback = feedback.strip()
    row.feedback_at = now or timezone.now()
    row.full_clean()
    row.save(update_fields=["rating", "feedback", "feedback_at"])
    return row


class TrainingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=gettext_lazy("search"))
    team = django_filters.ModelChoiceFilter(label=gettext_lazy("team"), queryset=Team.objects.filter(is_active=True))
    date_from = django_filters.DateFilter(
        field_name="date",
        lookup_expr="gte",
        label=gettext_lazy("Date from"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        field_name="date",
        lookup_expr="lte",
        label=gettext_lazy("Date until"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    ordering = OrderingFilter(fields=(("date", "date"), ("topic", "topic")), label=gettext_lazy("sort"))

    class Meta:
        model = Training
        fields = ["q", "team", "date_from", "date_to"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(topic__icontains=value) | Q(trainer__icontains=value))


def training_list(*, user: User, params=None) -> TrainingFilter:
    qs = (
        Training.objects.visible_to(user)
        .select_related("team")
        .annotate(
            attended_count=Count("attendance", filter=Q(attendance__attended=True)),
            rating_avg=Avg("attendance__rating"),
        )
        .order_by("-date", "-pk")
    )
    return TrainingFilter(params, queryset=qs)


def training_history(*, member: User) -> QuerySet:
    """A member's sessions, newest first, with their own attendance and feedback."""
    return (
        TrainingAttendance.objects.filter(member=member)
        .select_related("training", "training__team")
        .order_by("-training__date", "-pk")
    )
