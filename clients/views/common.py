"""What the client pages share: who may open them, the access-log helper."""

from clients import services
from teams.access import client_ip
from teams.roles import PROJECT_ROLES, Role

# Who opens the client pages at all (the front desk uses the reception lookup; the budget clerk none).
READERS = {Role.CONSULTANT, Role.DEPUTY_GM, Role.ADMIN_CLERK, *PROJECT_ROLES}
# Who works on leads, contracts and visits.
SALES = {Role.CONSULTANT}
# Who sees the team-level pages (pipeline, visits, lost-lead report) and may export.
MANAGERS = {Role.CONSULTANT, Role.DEPUTY_GM}
PAGE_SIZE = 25


def _log(request, action, client=None, detail=""):
    services.access_log_write(
        user=request.user, action=action, ip_address=client_ip(request), client=client, detail=detail
    )


def _can_export(user) -> bool:
    return user.is_superuser or user.role in MANAGERS
