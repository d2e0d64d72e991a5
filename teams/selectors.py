"""Reads about staff that every app needs."""

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from teams import wecom
from teams.models import Delivery, RobotPost, Team, User


def deputy_gms() -> QuerySet[User]:
    """The active deputy general managers: who escalations and summaries go to."""
    return User.objects.deputy_gms()


def personal_channels(user: User) -> list[dict]:
    """The channels besides the app that ``user`` may choose per kind of notification (the settings page):
    e-mail, and WeCom while it is configured; each ``available`` or not, with why not."""
    columns = [
        {
            "channel": Delivery.Channel.EMAIL.value,
            "label": Delivery.Channel.EMAIL.label,
            "available": bool(user.email),
            "note": "" if user.email else _("No e-mail address on your account."),
        }
    ]
    if wecom.enabled():
        columns.append(
            {
                "channel": Delivery.Channel.WECOM.value,
                "label": _("WeCom"),
                "available": bool(user.wecom_userid),
                "note": "" if user.wecom_userid else _("Your account is not linked to WeCom yet."),
            }
        )
    return columns


def team_settings_list(*, user: User) -> QuerySet[Team]:
    """The active teams whose settings ``user`` may change, each with its robot's last post and answer (one
    query)."""
    last = RobotPost.objects.filter(team=OuterRef("pk")).order_by("-posted_at")
    return (
        Team.objects.editable_by(user)
        .filter(is_active=True)
        .select_related("leader")
        .annotate(
            last_post_at=Subquery(last.values("posted_at")[:1]),
            last_errcode=Subquery(last.values("errcode")[:1]),
        )
        .order_by("name")
    )
