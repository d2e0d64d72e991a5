"""Shared by the project views: role sets and the one form-page helper."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from projects.services import StaleEdit
from teams.forms import SubmitOnce
from teams.roles import Role
from teams.submissions import submit_once

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


def add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def form_page(request, *, project, form, title, tab, save, back=None, extra=None):
    """Validate ``form`` on POST, call ``save(cleaned_data)`` (a service), redirect to the tab.

    A create form (``SubmitOnce``) saves once however often it is sent.
    Errors from the service (rules, a stale edit) come back on the form with what the user typed.
    """
    if request.method == "POST" and form.is_valid():
        try:
            if isinstance(form, SubmitOnce):
                submit_once(request, form, lambda: save(form.cleaned_data))
            else:
                save(form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        except StaleEdit:
            form.add_error(None, stale_message())
        else:
            messages.success(request, _("Saved."))
            return redirect(back or f"{project.get_absolute_url()}#{tab}")
    context = {
        "project": project,
        "form": form,
        "title": title,
        "back": back or f"{project.get_absolute_url()}#{tab}",
        "multipart": any(getattr(f.field.widget, "needs_multipart_form", False) for f in form),
        **(extra or {}),
    }
    return render(request, "projects/form.html", context)
