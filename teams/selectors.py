"""Reads about staff that every app needs."""

from django.db.models import OuterRef, QuerySet, Subquery

from teams.models import RobotPost, Team, User


def deputy_gms() -> QuerySet[User]:
    """The active deputy general managers: who escalations and summaries go to."""
    return User.objects.deputy_gms()


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
