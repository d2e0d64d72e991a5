"""Writing the access log (who opened, revealed, exported or imported what, who was refused)."""

import datetime as dt

from django.utils import timezone

from clients.models import AccessLog, Client
from teams.access import client_ip
from teams.models import User

# Opening the same client file again within this time writes no new entry: the log
# should say who looked at which file, not count page loads.
OPEN_QUIET = dt.timedelta(minutes=30)


def access_log_write(
    *,
    user: User,
    action: str,
    ip_address: str | None,
    client: Client | None = None,
    detail: str = "",
    row_count: int | None = None,
) -> AccessLog | None:
    """One entry; ``None`` for a file opened again by the same person within ``OPEN_QUIET``."""
    if action == AccessLog.Action.OPEN and client is not None:
        recent = AccessLog.objects.filter(
            user=user, client=client, action=AccessLog.Action.OPEN, at__gte=timezone.now() - OPEN_QUIET
        )
        if recent.exists():
            return None
    return AccessLog.objects.create(
        user=user, action=action, client=client, detail=detail[:300], ip_address=ip_address, row_count=row_count
    )


def access_log_request(request, action: str, *, client: Client | None = None, detail: str = "", row_count=None):
    """The entry for ``request.user`` from the request's address (also teams.access_log's writer)."""
    return access_log_write(
        user=request.user,
        action=action,
        ip_address=client_ip(request),
        client=client,
        detail=detail,
        row_count=row_count,
    )
