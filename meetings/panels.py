"""Navigation entries and home panels of team life (registered in MeetingsConfig.ready)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teams.registry import register_nav, register_panel
from teams.roles import TEAM_ROLES, Role

NAV_ROLES = frozenset(TEAM_ROLES | {Role.DEPUTY_GM})


def today_meeting_panel(request):
    """Today's meeting (time, place, chair, agenda link) and who chairs the next one."""
    from meetings import services
    from meetings.models import Meeting

    user = request.user
    if user.team_id is None:
        return None
    today = timezone.localdate()
    meeting = services.meeting_for_day(team=user.team, date=today)
    upcoming = (
        Meeting.objects.filter(team_id=user.team_id, date__gt=today).select_related("chair").order_by("date").first()
    )
    return {
        "meeting": meeting,
        "upcoming": upcoming,
        "agenda_count": meeting.agenda_items.count() if meeting else 0,
        "i_chair": meeting is not None and meeting.chair_id == user.pk,
        "i_chair_next": upcoming is not None and upcoming.chair_id == user.pk,
    }


def my_action_items_panel(request):
    from meetings import selectors

    items = list(selectors.my_open_action_items(user=request.user)[:10])
    if not items:
        return None
    return {"items": items, "today": timezone.localdate()}


def register() -> None:
    register_nav(
        _("Team"), "meetings:board", NAV_ROLES, icon="people", order=80, active_prefix="meetings:board", group="team"
    )
    register_nav(
        _("Meetings"),
        "meetings:meeting_list",
        NAV_ROLES,
        icon="calendar-check",
        order=81,
        active_prefix="meetings:meeting",
        group="team",
    )
    register_nav(
        _("Training"),
        "meetings:training_list",
        NAV_ROLES,
        icon="mortarboard",
        order=82,
        active_prefix="meetings:training",
        group="team",
    )
    register_panel("today_meeting", "meetings/panels/today.html", TEAM_ROLES, today_meeting_panel, order=5, width=6)
    register_panel(
        "my_action_items",
        "meetings/panels/action_items.html",
        TEAM_ROLES,
        my_action_items_panel,
        order=6,
        width=6,
    )
