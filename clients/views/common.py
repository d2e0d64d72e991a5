"""What the client pages share: who may open them, the access-log helper."""

from clients import services
from teams.access import client_ip  # noqa: F401 (re-exported by clients.views)
from teams.roles import PROJECT_ROLES, Role

# Who opens the client pages at all (the front desk uses the reception lookup; the budget clerk none).
READERS = {Role.CONSULTANT, Role.DEPUTY_GM, Role.ADMIN_CLERK, *PROJECT_ROLES}
# Who reads the client's budget range in the client file: not the archive clerk, who
# keeps the file list and needs no money (issue 12).
BUDGET_READERS = READERS - {Role.ADMIN_CLERK}
# Who works on leads, contracts and visits.
SALES = {Role.CONSULTANT}
# Who sees the team-level pages (pipeline, visits, lost-lead report); exports: teams.exports.EXPORTS.
MANAGERS = {Role.CONSULTANT, Role.DEPUTY_GM}
PAGE_SIZE = 25


def _log(request, action, client=None, detail=""):
    services.access_log_request(request, action, client=client, detail=detail)


def _can_export(user) -> bool:
    return user.is_superuser or user.role in MANAGERS
