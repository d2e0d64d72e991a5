"""Home-page panels of the front desk (teams.registry)."""

from reception import selectors
from reception.models import Call


def front_desk_today(request):
    return selectors.front_desk_today(user=request.user)


def forwards_for_me(request):
    """Calls forwarded to me (or my team) still waiting for acknowledgement; hidden when none."""
    calls = list(
        selectors.call_list(user=request.user)
        .filter(forwarded_at__isnull=False, acknowledged_at=None)
        .exclude(logged_by=request.user)
        .order_by("ack_due_at")[:10]
    )
    if not calls:
        return None
    return {"calls": [c for c in calls if isinstance(c, Call)]}
