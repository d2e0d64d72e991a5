"""What the performance pages share: whose figures a user may look at (the scope) and small helpers."""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from performance.metrics import Scope
from teams.models import Team, User
from teams.roles import Role

PAGE_SIZE = 25
LEADERS = (Role.CONSULTANT, Role.DEPUTY_GM)


def resolve_scope(user, *, team_id=None, person_id=None) -> Scope:
    """The scope asked for, if ``user`` may see it (404 otherwise, so ids do not leak).

    Deputy GM: anything. Consultant: the team, and each of its members. Others:
    their team and themselves. Without a choice: company (deputy GM), the team,
    or oneself (staff without a team).
    """
    try:
        team_id = int(team_id) if team_id else None
        person_id = int(person_id) if person_id else None
    except ValueError:
        raise Http404 from None
    if person_id:
        person = User.objects.filter(pk=person_id, is_active=True).only("pk", "team_id").first()
        if person is None:
            raise Http404
        if not (
            user.sees_all
            or person.pk == user.pk
            or (user.role == Role.CONSULTANT and user.team_id and person.team_id == user.team_id)
        ):
            raise Http404
        return Scope(person_id=person.pk)
    if team_id:
        if not (user.sees_all or team_id == user.team_id) or not Team.objects.filter(pk=team_id).exists():
            raise Http404
        return Scope(team_id=team_id)
    if user.sees_all:
        return Scope()
    if user.team_id:
        return Scope(team_id=user.team_id)
    return Scope(person_id=user.pk)


def scope_title(scope: Scope) -> str:
    if scope.person_id:
        return str(User.objects.get(pk=scope.person_id))
    if scope.team_id:
        return str(Team.objects.get(pk=scope.team_id))
    return _("Whole company")


def scope_params(scope: Scope) -> str:
    if scope.person_id:
        return f"&person={scope.person_id}"
    if scope.team_id:
        return f"&team={scope.team_id}"
    return ""


def _int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def _today():
    return timezone.localdate()
