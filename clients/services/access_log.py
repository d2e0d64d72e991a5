"""Writing the access log (who opened, revealed, exported or imported what)."""

from clients.models import AccessLog, Client
from teams.models import User


def access_log_write(
    *, user: User, action: str, ip_address: str | None, client: Client | None = None, detail: str = ""
):
    return AccessLog.objects.create(user=user, action=action, client=client, detail=detail[:300], ip_address=ip_address)
