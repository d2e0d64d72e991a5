"""Shared by the project views: role sets and the project record form page."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from teams.roles import Role
from teams.views_helpers import form_page as teams_form_page

# Who opens project pages at all (scoping then decides which projects).
VIEW_ROLES = {
    Role.CONSULTANT,
    Role.DESIGNER,
    Role.ASSISTANT_DESIGNER,
    Role.PROJECT_MANAGER,
    Role.DEPUTY_GM,
    Role.BUDGET_CLERK,
}
TEAM_ROLES = {Role.CONSULTANT, Role.DESIGNER, Role.ASSISTANT_DESIGNER, Role.PROJECT_MANAGER}
DESIGN_ROLES = {Role.CONSULTANT, Role.DESIGNER, Role.ASSISTANT_DESIGNER}
BUILD_ROLES = {Role.CONSULTANT, Role.PROJECT_MANAGER}
CREW_ROLES = {Role.CONSULTANT, Role.PROJECT_MANAGER, Role.DEPUTY_GM}


def stale_message() -> str:
    return _("Someone else saved this record meanwhile. Reload the page to see their change; what you typed is kept.")


def require(allowed: bool) -> None:
    """A visible project the user may not change: 403 (it is visible, so nothing leaks)."""
    if not allowed:
        raise PermissionDenied


def form_page(request, *, project, form, title, tab, save, back=None, extra=None):
    """A project record form (``teams.views_helpers.form_page``) that returns to the project's tab."""
    back = back or f"{project.get_absolute_url()}#{tab}"
    context = {
        "project": project,
        "title": title,
        "back": back,
        "multipart": any(getattr(f.field.widget, "needs_multipart_form", False) for f in form),
        **(extra or {}),
    }
    return teams_form_page(
        request,
        form=form,
        save=save,
        template="projects/form.html",
        done=back,
        context=context,
        conflict=stale_message(),
    )
