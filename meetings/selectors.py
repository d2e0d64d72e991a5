"""Reads of team life: members, agenda, meetings, action items and what each member has due today."""

import datetime as dt
from dataclasses import dataclass, field

import django_filters
from django import forms
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from meetings.models import ActionItem, AgendaItem, Meeting, MemberLeave
from teams import registry
from teams.filters import BooleanFilter, OrderingFilter
from teams.models import Team, User
from teams.roles import TEAM_ROLES, Role

ROLE_ORDER = [Role.CONSULTANT, Role.DESIGNER, Role.ASSISTANT_DESIGNER, Role.PROJECT_MANAGER]


def team_members(*, team: Team) -> list[User]:
    """Active members of the team, consultant first, then by role and name (never by performance)."""
    members = list(User.objects.filter(team=team, is_active=True, role__in=TEAM_ROLES))
    members.sort(key=lambda u: (ROLE_ORDER.index(u.role) if u.role in ROLE_ORDER else 99, u.full_name, u.pk))
    return members


def rotation_members(*, team: Team) -> list[User]:
    """The chair rotation: active members in the order they joined."""
    return list(User.objects.filter(team=team, is_active=True, role__in=TEAM_ROLES).order_by("pk"))


def members_on_leave(*, team: Team, date: dt.date) -> set[int]:
    return set(
        MemberLeave.objects.filter(member__team=team, start_date__lte=date, end_date__gte=date).values_list(
            "member_id", flat=True
        )
    )


def open_items_query(*, team_id: int, before: dt.datetime) -> Q:
    """Action items of the team's earlier meetings still open at ``before``: they carry over."""
    return Q(meeting__team_id=team_id, meeting__starts_at__lt=before) & (Q(done_at=None) | Q(done_at__gte=before))


@dataclass
class Agenda:
    items: list[AgendaItem] = field(default_factory=list)
    carried: list[ActionItem] = field(default_factory=list)
    carried_count: int = 0


def meeting_agenda(*, meeting: Meeting, carried_rows: bool = True) -> Agenda:
    """Members' topics, then the open action items carried over from earlier meetings (2 queries); with
    ``carried_rows=False`` only how many are carried over (the board shows the number, not the items)."""
    items = list(meeting.agenda_items.select_related("author"))
    carried = ActionItem.objects.filter(open_items_query(team_id=meeting.team_id, before=meeting.starts_at))
    if not carried_rows:
        return Agenda(items=items, carried_count=carried.count())
    rows = list(carried.select_related("owner", "meeting").order_by("due_date", "pk"))
    return Agenda(items=items, carried=rows, carried_count=len(rows))


# --- Lists --------------------------------------------------------------------------------------


class MeetingFilter(django_filters.FilterSet):
    team = django_filters.ModelChoiceFilter(label=_("team"), queryset=Team.objects.filter(is_active=True))
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", label=_("Date from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", label=_("Date until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    held = BooleanFilter(label=_("held"))
    ordering = OrderingFilter(fields=(("date", "date"), ("team__name", "team")), label=_("sort"))

    class Meta:
        model = Meeting
        fields = ["team", "date_from", "date_to", "held"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and not user.sees_all:
            del self.filters["team"]


def meeting_list(*, user: User, params=None) -> MeetingFilter:
    """The meetings ``user`` may see, filtered; the FilterSet's ``qs`` runs one query."""
    qs = (
        Meeting.objects.visible_to(user)
        .select_related("team", "chair")
        .annotate(
            agenda_count=Count("agenda_items", distinct=True),
            present_count=Count("attendance", filter=Q(attendance__status__in=["present", "late"]), distinct=True),
            attendance_count=Count("attendance", distinct=True),
            action_count=Count("action_items", distinct=True),
        )
        .order_by("-date", "team__name")
    )
    return MeetingFilter(params, queryset=qs, user=user)


def my_open_action_items(*, user: User) -> QuerySet:
    return ActionItem.objects.filter(owner=user, done_at=None).select_related("meeting").order_by("due_date", "pk")


def team_open_action_items(*, team: Team) -> QuerySet:
    return (
        ActionItem.objects.filter(meeting__team=team, done_at=None)
        .select_related("owner", "meeting")
        .order_by("due_date", "pk")
    )


# --- What each member has due today ---------------------------------------------------------------


@dataclass
class MemberDue:
    member: User
    complaints: int = 0
    complaints_overdue: int = 0
    visits: int = 0
    visits_overdue: int = 0
    drawings: int = 0
    drawings_overdue: int = 0
    site_logs_missing: int = 0

    @property
    def total(self) -> int:
        return self.complaints + self.visits + self.drawings + self.site_logs_missing

    @property
    def overdue(self) -> int:
        return self.complaints_overdue + self.visits_overdue + self.drawings_overdue


def due_today(*, team: Team, members: list[User], user: User, today: dt.date) -> list[MemberDue]:
    """Per member: what each app registered as due today (teams/registry.py ``register_due_today``: open
    complaints, follow-up visits, drawing tasks, missing site logs), counted only where ``user`` may see it.
    A fixed number of queries: one or two per app whatever the data."""
    rows = {m.pk: MemberDue(member=m) for m in members}
    for count in registry.due_today_rows(team, user, today):
        row = rows.get(count.member_id)
        if row is None:
            continue
        setattr(row, count.kind, getattr(row, count.kind) + count.n)
        if count.overdue and hasattr(row, f"{count.kind}_overdue"):
            setattr(row, f"{count.kind}_overdue", getattr(row, f"{count.kind}_overdue") + count.overdue)
    return list(rows.values())


def team_for_board(*, user: User, team_id: str | None) -> Team | None:
    """The board's team: the user's own; the deputy GM picks any (first active by default)."""
    if user.sees_all:
        teams = Team.objects.filter(is_active=True).order_by("name")
        if team_id and str(team_id).isdigit():
            return teams.filter(pk=int(team_id)).first()
        return teams.first()
    if team_id and str(team_id) != str(user.team_id):
        return None
    return user.team
