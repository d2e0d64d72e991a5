"""The company's roles (README.md, "What it does"). A user has exactly one role."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DEPUTY_GM = "deputy_gm", _("Deputy general manager")
    CONSULTANT = "consultant", _("Client consultant")
    DESIGNER = "designer", _("Designer")
    ASSISTANT_DESIGNER = "assistant_designer", _("Assistant designer")
    PROJECT_MANAGER = "project_manager", _("Project manager")
    FRONT_DESK = "front_desk", _("Front-desk clerk")
    ADMIN_CLERK = "admin_clerk", _("Administration clerk")
    BUDGET_CLERK = "budget_clerk", _("Budget clerk")


# Roles that belong to a customer-service team; the others serve every team.
TEAM_ROLES = frozenset({Role.CONSULTANT, Role.DESIGNER, Role.ASSISTANT_DESIGNER, Role.PROJECT_MANAGER})
COMPANY_ROLES = frozenset(set(Role) - TEAM_ROLES)
# Roles that work on projects (see the clients of their projects).
PROJECT_ROLES = frozenset({Role.DESIGNER, Role.ASSISTANT_DESIGNER, Role.PROJECT_MANAGER})
ALL_ROLES = frozenset(Role)


# Django groups mirror the roles, for the admin site and for reporting tools that
# read permissions. Views check ``User.role`` through teams.access; these groups
# carry the "view" permissions of what each role works with.
ROLE_GROUP_PERMISSIONS = {
    Role.DEPUTY_GM: [
        "view_client",
        "view_contract",
        "view_followupvisit",
        "view_complaint",
        "view_project",
        "view_call",
        "view_visit",
        "view_meeting",
        "view_training",
    ],
    Role.CONSULTANT: [
        "view_client",
        "view_contract",
        "view_followupvisit",
        "view_complaint",
        "view_project",
        "view_meeting",
        "view_training",
    ],
    Role.DESIGNER: [
        "view_client",
        "view_project",
        "view_drawingtask",
        "view_complaint",
        "view_meeting",
        "view_training",
    ],
    Role.ASSISTANT_DESIGNER: ["view_project", "view_drawingtask", "view_meeting", "view_training"],
    Role.PROJECT_MANAGER: [
        "view_client",
        "view_project",
        "view_schedulephase",
        "view_inspection",
        "view_crew",
        "view_complaint",
        "view_meeting",
        "view_training",
    ],
    Role.FRONT_DESK: ["view_call", "view_visit", "add_call", "add_visit", "add_complaint"],
    Role.ADMIN_CLERK: ["view_client"],
    Role.BUDGET_CLERK: ["view_project"],
}
