"""What the performance pages share: whose figures a user may look at (the scope) and small helpers."""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from performance.metrics import Period, PeriodError, Scope
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


def resolve_period(params) -> tuple[Period, str]:
    """The period the URL parameters select (see ``Period.from_params``), and an error message.

    Parameters that cannot be read fall back to the current month, and the message
    says why, so the page never fails on a hand-edited link."""
    try:
        return Period.from_params(params, _today()), ""
    except PeriodError as error:
        return Period.month_of(_today()), _("%(reason)s Showing this month instead.") % {"reason": error}


def period_choices(today) -> dict:
    """What the period picker offers: recent months, quarters and years, newest first."""
    months, quarters, years = [Period.month_of(today)], [Period.quarter_of(today)], [Period.year_of(today)]
    for _i in range(11):
        months.append(months[-1].previous())
    for _i in range(7):
        quarters.append(quarters[-1].previous())
    for _i in range(4):
        years.append(years[-1].previous())
    return {"months": months, "quarters": quarters, "years": years}


def period_kinds(today) -> list[dict]:
    """The picker's tabs: each kind's label and its default period (the one holding today)."""
    labels = {"month": _("Month"), "quarter": _("Quarter"), "year": _("Year"), "range": _("Date range")}
    return [{"kind": kind, "label": labels[kind], "period": Period.of_kind(kind, today)} for kind in Period.KINDS]
