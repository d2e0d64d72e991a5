"""The project list, the project page with its tabs, the schedule, and project-level actions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects import selectors, services
from projects.filters import ProjectFilter
from projects.forms import ConstructionPlanForm, PhaseForm, ProjectForm, ScheduleTemplateForm
from projects.models import PHASE_TRANSITIONS, CompletionItem, Project, SchedulePhase
from projects.services import client as client_services
from projects.views.common import BUILD_ROLES, VIEW_ROLES, form_page, require, stale_message
from teams.access import get_visible_or_404, role_required
from teams.editing import EditConflict
from teams.exports import export_response, export_rows
from teams.models import Team
from teams.registry import run_hooks
from teams.roles import Role
from teams.views_helpers import form_page as teams_form_page


@role_required(VIEW_ROLES)
def project_list(request):
    filterset = ProjectFilter(request.GET, queryset=selectors.project_list(user=request.user), request=request)
    page = Paginator(filterset.qs, 25).get_page(request.GET.get("page"))
    return render(request, "projects/project_list.html", {"filter": filterset, "page": page})


@role_required(VIEW_ROLES)
def project_export(request):
    filterset = ProjectFilter(request.GET, queryset=selectors.project_list(user=request.user), request=request)
    rows = export_rows(
        filterset.qs,
        "projects",
        user=request.user,
        row=lambda p: (
            p.name,
            p.client.name,
            p.team.name,
            p.get_phase_display(),
            "、".join(str(u) for u in p.designers.all()),
            "、".join(str(u) for u in p.assistants.all()),
            str(p.project_manager or ""),
            p.planned_start,
            p.planned_finish,
            p.actual_start,
            p.actual_finish,
            p.late_drawings,
            p.late_phases,
        ),
    )
    headers = [
        _("Project"),
        _("Client"),
        _("Team"),
        _("Phase"),
        _("Designers"),
        _("Assistant designers"),
        _("Project manager"),
        _("Planned start"),
        _("Planned finish"),
        _("Actual start"),
        _("Actual finish"),
        _("Late drawings"),
        _("Late phases"),
    ]
    return export_response(
        request,
        kind="projects",
        filename=f"projects-{timezone.localdate():%Y%m%d}.xlsx",
        title=_("Projects"),
        headers=headers,
        rows=rows,
        widths=(24, 12, 12, 12, 16, 16, 12, 12, 12, 12, 12, 10, 10),
    )


def _permissions(project, user) -> dict:
    return {
        "manage": project.can_manage(user),
        "design": project.can_design(user),
        "build": project.can_build(user),
        "edit": project.can_edit(user),
        "is_clerk": user.role == Role.BUDGET_CLERK,
        # The money page (projects/views/money.py): stages for the PM, amounts for the money roles.
        "money": project.contract_id is not None
        and user.role in (Role.CONSULTANT, Role.DEPUTY_GM, Role.PROJECT_MANAGER),
    }


@role_required(VIEW_ROLES)
def project_detail(request, pk):
    project = selectors.project_for_page(user=request.user, pk=pk)
    today = timezone.localdate()
    items = {item.kind: item for item in project.completion_items.all()}
    checklist = [(value, label, items.get(value)) for value, label in CompletionItem.Kind.choices]
    next_phases = [(phase, Project.Phase(phase).label) for phase in PHASE_TRANSITIONS[project.phase]]
    context = {
        "project": project,
        "today": today,
        "can": _permissions(project, request.user),
        "late": selectors.late_items(project, today),
        "gantt": selectors.gantt_rows(project, today),
        "checklist": checklist,
        "checklist_complete": all(item for _v, _l, item in checklist),
        "next_phases": next_phases,
        "blockers": {phase: services.project_blockers(project, phase) for phase, _label in next_phases},
        "events": list(project.events.all())[:30],
        # Cards other apps add to the overview (the client page's link: portal/).
        "cards": [card for card in run_hooks("project_cards", project=project, user=request.user) if card],
    }
    return render(request, "projects/project_detail.html", context)


@role_required(VIEW_ROLES)
def project_tab(request, pk, tab):
    """One tab of the project page, loaded by htmx when first shown (projects.selectors.LAZY_TABS)."""
    if tab not in selectors.LAZY_TABS:
        raise Http404
    project = selectors.project_tab(user=request.user, pk=pk, tab=tab)
    context = {"project": project, "today": timezone.localdate(), "can": _permissions(project, request.user)}
    return render(request, f"projects/tabs/{tab}.html", context)


@role_required(VIEW_ROLES)
def project_schedule(request, pk):
    """The Gantt-style schedule: planned vs actual bars per phase, with the crew and inspections."""
    project = selectors.project_for_schedule(user=request.user, pk=pk)
    today = timezone.localdate()
    context = {
        "project": project,
        "today": today,
        "can": _permissions(project, request.user),
        "gantt": selectors.gantt_rows(project, today),
        "template_form": ScheduleTemplateForm(initial={"start": project.planned_start or today}),
    }
    return render(request, "projects/project_schedule.html", context)


@role_required(Role.CONSULTANT)
def project_create(request):
    """Open a project by hand (the consultant), for a client of the team without a signed contract here."""
    team = get_object_or_404(Team, pk=request.user.team_id)
    form = ProjectForm(request.POST or None, team=team, user=request.user)

    @transaction.atomic
    def save(data):
        data = {**data, "name": data["name"] or data["client"].name}
        project = services.project_open(
            client=data["client"],
            team=team,
            name=data["name"] or data["client"].name,
            address=data["address"],
            planned_start=data["planned_start"],
            planned_finish=data["planned_finish"],
        )
        return services.project_update(project=project, by=request.user, version=project.version, data=data)

    return teams_form_page(
        request,
        form=form,
        save=save,
        template="projects/form.html",
        done=lambda project: project.get_absolute_url(),
        message=_("Project opened."),
        context={"title": _("Open a project"), "back": reverse("projects:list"), "project": None},
    )


@role_required(Role.CONSULTANT)
def project_edit(request, pk):
    project = get_visible_or_404(Project, request.user, pk=pk)
    require(project.can_manage(request.user))
    form = ProjectForm(request.POST or None, instance=project, team=project.team, user=request.user)
    if request.method == "POST" and form.is_valid():
        # The ModelForm wrote the cleaned values onto ``project``; reload the saved row for the service.
        project = Project.objects.get(pk=project.pk)
    return form_page(
        request,
        project=project,
        form=form,
        title=_("Project details and staff"),
        tab="overview",
        save=lambda d: services.project_update(project=project, by=request.user, version=d["version"] or 0, data=d),
    )


@role_required(VIEW_ROLES)
@require_POST
def project_advance(request, pk):
    project = get_visible_or_404(Project, request.user, pk=pk)
    require(project.can_edit(request.user))
    to_phase = request.POST.get("to", "")
    try:
        services.project_advance(project=project, to_phase=to_phase, by=request.user)
    except EditConflict:
        messages.error(request, stale_message())
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The project is now in phase %(phase)s.") % {"phase": project.get_phase_display()})
    return redirect(project)


@role_required(BUILD_ROLES)
def construction_plan_edit(request, pk):
    project = get_visible_or_404(Project, request.user, pk=pk)
    require(project.can_build(request.user))
    initial = {
        "construction_method": project.construction_method,
        "safety_plan": project.safety_plan,
        "version": project.version,
    }
    form = ConstructionPlanForm(request.POST or None, initial=initial)
    return form_page(
        request,
        project=project,
        form=form,
        title=_("Construction plan"),
        tab="construction",
        save=lambda d: services.construction_plan_save(
            project=project,
            by=request.user,
            version=d["version"],
            method=d["construction_method"],
            safety_plan=d["safety_plan"],
        ),
    )


@role_required(BUILD_ROLES)
@require_POST
def schedule_template(request, pk):
    project = get_visible_or_404(Project, request.user, pk=pk)
    require(project.can_build(request.user))
    form = ScheduleTemplateForm(request.POST)
    if form.is_valid():
        created = services.schedule_apply_template(project=project, by=request.user, start=form.cleaned_data["start"])
        messages.success(request, _("%(n)s phases added to the schedule.") % {"n": len(created)})
    else:
        messages.error(request, _("Enter the date construction starts."))
    return redirect("projects:schedule", pk=project.pk)


@role_required(BUILD_ROLES)
def phase_edit(request, pk, phase_pk):
    project = get_visible_or_404(Project, request.user, pk=pk)
    require(project.can_build(request.user))
    phase = get_object_or_404(SchedulePhase, project=project, pk=phase_pk)
    original = SchedulePhase.objects.get(pk=phase.pk)
    form = PhaseForm(request.POST or None, instance=phase)
    back = reverse("projects:schedule", args=[project.pk])
    return form_page(
        request,
        project=project,
        form=form,
        title=_("Schedule: %(phase)s") % {"phase": phase},
        tab="schedule",
        back=back,
        save=lambda d: services.phase_update(
            phase=original,
            by=request.user,
            version=d["version"],
            planned_start=d["planned_start"],
            planned_finish=d["planned_finish"],
            actual_start=d["actual_start"],
            actual_finish=d["actual_finish"],
            crew=d["crew"],
        ),
    )


@role_required(BUILD_ROLES)
@require_POST
def attachment_client_visible(request, token):
    """客户可见: the PM shows a photo on the client's page (or hides it again)."""
    item = selectors.attachment_for(user=request.user, token=token)
    require(item.project.can_build(request.user))
    try:
        client_services.attachment_show_to_client(
            attachment=item, by=request.user, visible=request.POST.get("visible") == "1"
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(item.project.get_absolute_url() + "#logs")


@role_required(VIEW_ROLES)
def attachment(request, token):
    """Serve a project file only to someone who may see the project (inline if a photo)."""
    item = selectors.attachment_for(user=request.user, token=token)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=not item.is_image, filename=item.original_name, content_type=item.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
