"""Editing one project's schedule: add a phase (from the template or custom), remove one not started."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects import services
from projects.forms import PhaseAddForm
from projects.models import Project, SchedulePhase
from projects.views.common import BUILD_ROLES, form_page, require, stale_message
from teams.access import get_visible_or_404, role_required
from teams.editing import EditConflict


@role_required(BUILD_ROLES)
def phase_add(request, pk):
    project = get_visible_or_404(Project, request.user, pk=pk)
    require(project.can_build(request.user))
    form = PhaseAddForm(request.POST or None, project=project)
    back = reverse("projects:schedule", args=[project.pk])
    return form_page(
        request,
        project=project,
        form=form,
        title=_("Add a phase to the schedule"),
        tab="schedule",
        back=back,
        save=lambda d: services.phase_add(
            project=project,
            by=request.user,
            template=d["template"],
            name=d["name"],
            gates_later=d["gates_later"],
            after=d["after"],
            at_start=d["at_start"],
            planned_start=d["planned_start"],
            planned_finish=d["planned_finish"],
        ),
    )


@role_required(BUILD_ROLES)
@require_POST
def phase_remove(request, pk, phase_pk):
    project = get_visible_or_404(Project, request.user, pk=pk)
    require(project.can_build(request.user))
    phase = get_object_or_404(SchedulePhase.objects.select_related("project"), project=project, pk=phase_pk)
    try:
        services.phase_remove(phase=phase, by=request.user)
    except EditConflict:
        messages.error(request, stale_message())
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(phase)s removed from the schedule.") % {"phase": phase})
    return redirect("projects:schedule", pk=project.pk)
