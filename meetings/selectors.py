"""Reads of team life: members, agenda, meetings, action items and what each member has due today."""

import datetime as dt
from dataclasses import dataclass, field

import django_filters
from django import forms
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.models import ActionItem, AgendaItem, Meeting, MemberLeave
from teams.filters import BooleanFilter
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


def meeting_agenda(*, meeting: Meeting) -> Agenda:
    """Members' topics, then the open action items carried over from earlier meetings (2 queries)."""
    items = list(meeting.agenda_items.select_related("author"))
    carried = list(
        ActionItem.objects.filter(open_items_query(team_id=meeting.team_id, before=meeting.starts_at))
        .select_related("owner", "meeting")
        .order_by("due_date", "pk")
    )
    return Agenda(items=items, carried=carried)


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
    ordering = django_filters.OrderingFilter(fields=(("date", "date"), ("team__name", "team")), label=_("sort"))

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


def due_today(*, members: list[User], today: dt.date) -> list[MemberDue]:
    """Per member: open complaints due by today, follow-up visits and drawing tasks due by today, and
    construction projects without today's site log. Four queries whatever the data."""
    from clients.models import FollowUpVisit
    from complaints.models import Complaint
    from projects.models import DrawingTask, Project, SiteLog

    rows = {m.pk: MemberDue(member=m) for m in members}
    ids = list(rows)
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    end = start + dt.timedelta(days=1)
    open_states = [Complaint.State.REGISTERED, Complaint.State.ACKNOWLEDGED, Complaint.State.IN_PROGRESS]
    complaint_due = Q(resolve_due_at__lt=end) | Q(state=Complaint.State.REGISTERED, ack_due_at__lt=end)
    complaint_late = Q(resolve_due_at__lt=start) | Q(state=Complaint.State.REGISTERED, ack_due_at__lt=start)
    for row in (
        Complaint.objects.filter(handler_id__in=ids, state__in=open_states)
        .filter(complaint_due)
        .values("handler_id")
        .annotate(n=Count("pk"), late=Count("pk", filter=complaint_late))
    ):
        rows[row["handler_id"]].complaints = row["n"]
        rows[row["handler_id"]].complaints_overdue = row["late"]
    for row in (
        FollowUpVisit.objects.filter(owner_id__in=ids, done_at=None, due_date__lte=today)
        .values("owner_id")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(due_date__lt=today)))
    ):
        rows[row["owner_id"]].visits = row["n"]
        rows[row["owner_id"]].visits_overdue = row["late"]
    for row in (
        DrawingTask.objects.filter(assignee_id__in=ids, delivered_at=None, deadline__lte=today)
        .values("assignee_id")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(deadline__lt=today)))
    ):
        rows[row["assignee_id"]].drawings = row["n"]
        rows[row["assignee_id"]].drawings_overdue = row["late"]
    logged = SiteLog.objects.filter(project=OuterRef("pk"), date=today)
    for row in (
        Project.objects.filter(project_manager_id__in=ids, phase=Project.Phase.CONSTRUCTION)
        .filter(~Exists(logged))
        .values("project_manager_id")
        .annotate(n=Count("pk"))
    ):
        rows[row["project_manager_id"]].site_logs_missing = row["n"]
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
