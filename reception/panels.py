"""Home-page panels of the front desk (teams.registry)."""

from django.db.models import Q

from reception import selectors


def front_desk_today(request):
    return selectors.front_desk_today(user=request.user)


def forwards_for_me(request):
    """Calls forwarded to me (or my team) until I record what came of them; hidden when none."""
    user = request.user
    mine = Q(forward_to=user) | (Q(forward_team_id=user.team_id) if user.team_id else Q(pk__in=[]))
    calls = list(
        selectors.call_list(user=user)
        .filter(mine, forwarded_at__isnull=False, forward_closed_at=None)
        .order_by("ack_due_at")[:10]
    )
    if not calls:
        return None
    return {"calls": calls}
