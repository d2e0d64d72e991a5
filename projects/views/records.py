"""The records in the project page's tabs: each view fetches the visible project,
checks who may change it, validates a form and calls one service."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects import services
from projects.forms import (
    BudgetRequestForm,
    ChangeDecisionForm,
    ChangeForm,
    CompletionForm,
    ConsultationForm,
    DeliverForm,
    DisclosureForm,
    DrawingTaskForm,
    EvaluationForm,
    InspectionForm,
    MaintenanceConfirmForm,
    MaintenanceDoneForm,
    MaintenanceForm,
    PlanAnswerForm,
    PlanForm,
    ReviewForm,
    ReviewRevisionForm,
    ReviseForm,
    SiteLogEditForm,
    SiteLogForm,
)
from projects.models import (
    DesignChange,
    DesignPlan,
    DesignReview,
    DrawingTask,
    MaintenanceRequest,
    Project,
    SiteLog,
    TechnicalDisclosure,
)
from projects.views.common import BUILD_ROLES, DESIGN_ROLES, TEAM_ROLES, form_page, require, stale_message
from teams.access import get_visible_or_404, role_required
from teams.editing import EditConflict


def _project(request, pk) -> Project:
    return get_visible_or_404(Project.objects.select_related("team__leader"), request.user, pk=pk)


def _post_data(request):
    return (request.POST, request.FILES) if request.method == "POST" else ()


# --- Design ------------------------------------------------------------------------------------------


@role_required(DESIGN_ROLES)
def plan_add(request, pk):
    project = _project(request, pk)
    require(project.can_design(request.user))
    form = PlanForm(*_post_data(request))
    return form_page(
        request,
        project=project,
        form=form,
        title=_("New design plan version"),
        tab="design",
        save=lambda d: services.plan_create(
            project=project, by=request.user, title=d["title"], summary=d["summary"], files=d["files"]
        ),
    )


@role_required(DESIGN_ROLES)
@require_POST
def plan_submit(request, pk, plan_pk):
    project = _project(request, pk)
    require(project.can_design(request.user))
    plan = get_object_or_404(DesignPlan, project=project, pk=plan_pk)
    try:
        services.plan_submit(plan=plan, by=request.user)
        messages.success(request, _("Plan submitted to the client."))
    except EditConflict:
        messages.error(request, stale_message())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(f"{project.get_absolute_url()}#design")


@role_required(DESIGN_ROLES)
def plan_answer(request, pk, plan_pk):
    """Record the client's confirmation of a submitted plan (date, by whom, notes) or the changes wanted."""
    project = _project(request, pk)
    require(project.can_design(request.user))
    plan = get_object_or_404(DesignPlan, project=project, pk=plan_pk, status=DesignPlan.Status.SUBMITTED)
    form = PlanAnswerForm(request.POST or None, initial={"client_name": project.client.name})
    return form_page(
        request,
        project=project,
        form=form,
        title=_("Client's answer to %(plan)s") % {"plan": plan},
        tab="design",
        save=lambda d: services.plan_record_answer(
            plan=plan,
            by=request.user,
            confirmed=d["confirmed"],
            on=d["on"],
            client_name=d["client_name"],
            notes=d["notes"],
        ),
    )


@role_required(DESIGN_ROLES)
def consultation_add(request, pk):
    project = _project(request, pk)
    require(project.can_design(request.user))
    form = ConsultationForm(request.POST or None)
    return form_page(
        request,
        project=project,
        form=form,
        title=_("Design consultation"),
        tab="design",
        save=lambda d: services.consultation_record(project=project, by=request.user, **d),
    )


@role_required(DESIGN_ROLES)
def drawing_add(request, pk):
    project = _project(request, pk)
    require(project.can_design(request.user))
    form = DrawingTaskForm(request.POST or None, project=project)
    return form_page(
        request,
        project=project,
        form=form,
        title=_("New drawing task"),
        tab="drawings",
        save=lambda d: services.drawing_task_create(project=project, by=request.user, **d),
    )


@role_required(DESIGN_ROLES)
def drawing_deliver(request, pk, task_pk):
    project = _project(request, pk)
    task = get_object_or_404(DrawingTask, project=project, pk=task_pk, delivered_at=None)
    require(task.assignee_id == request.user.pk or project.can_design(request.user))
    form = DeliverForm(*_post_data(request))
    return form_page(
        request,
        project=project,
        form=form,
        title=_("Deliver: %(title)s") % {"title": task.title},
        tab="drawings",
        save=lambda d: services.drawing_task_deliver(task=task, by=request.user, files=d["files"], notes=d["notes"]),
    )


@role_required(DESIGN_ROLES)
def drawing_revise(request, pk, task_pk):
    project = _project(request, pk)
    require(project.can_design(request.user))
    task = get_object_or_404(DrawingTask.objects.select_related("revision_of"), project=project, pk=task_pk)
    form = ReviseForm(request.POST or None, project=project)
    return form_page(
        request,
        project=project,
        form=form,
        title=_("Revision of %(title)s") % {"title": task.title},
        tab="drawings",
        save=lambda d: services.drawing_task_revise(
            task=task, by=request.user, deadline=d["deadline"], reason=d["reason"], review=d["review"]
        ),
    )


@role_required(DESIGN_ROLES)
def review_add(request, pk):
    project = _project(request, pk)
    require(project.can_design(request.user))
    form = ReviewForm(request.POST or None, project=project)
    return form_page(
        request,
        project=project,
        form=form,
        title=_("Design review"),
        tab="review",
        save=lambda d: services.review_record(project=project, by=request.user, **d),
    )


@role_required(DESIGN_ROLES)
def review_revision(request, pk, review_pk):
    """An opinion of the design review opens a revision task for one drawing."""
    project = _project(request, pk)
    require(project.can_design(request.user))
    review = get_object_or_404(DesignReview, project=project, pk=review_pk)
    form = ReviewRevisionForm(request.POST or None, project=project)
    return form_page(
        request,
        project=project,
        form=form,
        title=_("Revision task from the design review of %(date)s") % {"date": review.date},
        tab="review",
        save=lambda d: services.drawing_task_revise(
            task=d["drawing"], by=request.user, deadline=d["deadline"], reason=d["reason"], review=review
        ),
    )


@role_required(DESIGN_ROLES)
def budget_add(request, pk):
    project = _project(request, pk)
    require(project.can_design(request.user))
    form = BudgetRequestForm(request.POST or None, project=project)
    return form_page(
        request,
        project=project,
        form=form,
        title=_("Budget request"),
        tab="budget",
        save=lambda d: services.budget_request_create(project=project, by=request.user, **d),
    )


@role_required(TEAM_ROLES)
def disclosure_add(request, pk):
    project = _project(request, pk)
    require(project.can_edit(request.user))
    initial = {
        "designer": project.designers.first(),
        "project_manager": project.project_manager,
        "date": None,
    }
    form = DisclosureForm(request.POST or None, project=project, initial=initial)
    return form_page(
        request,
        project=project,
        form=form,
        title=_("Technical disclosure"),
        tab="disclosure",
        save=lambda d: services.disclosure_record(project=project, by=request.user, **d),
    )


@role_required(TEAM_ROLES)
@require_POST
def disclosure_confirm(request, pk, disclosure_pk):
    project = _project(request, pk)
    disclosure = get_object_or_404(TechnicalDisclosure, project=project, pk=disclosure_pk)
    services.disclosure_confirm(disclosure=disclosure, by=request.user, crew_leader=request.POST.get("crew") == "1")
    if request.htmx:
        context = {"d": disclosure, "project": project, "can": {"manage": project.can_manage(request.user)}}
        return render(request, "projects/partials/disclosure_card.html", context)
    messages.success(request, _("Confirmation recorded."))
    return redirect(f"{project.get_absolute_url()}#disclosure")


@role_required(TEAM_ROLES)
def change_add(request, pk):
    project = _project(request, pk)
    require(project.can_edit(request.user))
    form = ChangeForm(request.POST or None, project=project)
    return form_page(
        request,
        project=project,
        form=form,
        title=_("Design change"),
        tab="changes",
        save=lambda d: services.change_propose(project=project, by=request.user, **d),
    )


@role_required(TEAM_ROLES)
def change_decide(request, pk, change_pk):
    project = _project(request, pk)
    require(project.can_edit(request.user))
    change = get_object_or_404(DesignChange, project=project, pk=change_pk, status=DesignChange.Status.PROPOSED)
    form = ChangeDecisionForm(request.POST or None, initial={"client_name": project.client.name})
    return form_page(
        request,
        project=project,
        form=form,
        title=_("Client's decision on the design change"),
        tab="changes",
        save=lambda d: services.change_decide(change=change, by=request.user, **d),
    )


# --- Construction ------------------------------------------------------------------------------------


@role_required(BUILD_ROLES)
def site_log_add(request, pk):
    project = _project(request, pk)
    require(project.can_build(request.user))
    form = SiteLogForm(*_post_data(request), initial={"date": timezone.localdate()})
    return form_page(
        request,
        project=project,
        form=form,
        title=_("Site log"),
        tab="logs",
        save=lambda d: services.site_log_write(
            project=project,
            by=request.user,
            date=d["date"],
            weather=d["weather"],
            workers_on_site=d["workers_on_site"],
            work_done=d["work_done"],
            problems=d["problems"],
            photos=d["photos"],
        ),
        extra={"weather_options": [_("Sunny"), _("Cloudy"), _("Overcast"), _("Light rain"), _("Rain"), _("Snow")]},
    )


@role_required(BUILD_ROLES)
def site_log_edit(request, pk, log_pk):
    project = _project(request, pk)
    require(project.can_build(request.user))
    log = get_object_or_404(SiteLog, project=project, pk=log_pk)
    original = SiteLog.objects.select_related("project__team").get(pk=log.pk)
    form = SiteLogEditForm(*_post_data(request), instance=log)
    return form_page(
        request,
        project=project,
        form=form,
        title=_("Site log of %(date)s") % {"date": original.date},
        tab="logs",
        save=lambda d: services.site_log_update(
            log=original,
            by=request.user,
            version=d["version"],
            weather=d["weather"],
            workers_on_site=d["workers_on_site"],
            work_done=d["work_done"],
            problems=d["problems"],
            photos=d["photos"],
        ),
        extra={"weather_options": [_("Sunny"), _("Cloudy"), _("Overcast"), _("Light rain"), _("Rain"), _("Snow")]},
    )


@role_required(BUILD_ROLES)
def inspection_add(request, pk):
    project = _project(request, pk)
    require(project.can_build(request.user))
    form = InspectionForm(
        *_post_data(request), project=project, initial={"inspected_on": timezone.localdate(), **request.GET.dict()}
    )
    return form_page(
        request,
        project=project,
        form=form,
        title=_("Inspection"),
        tab="inspections",
        save=lambda d: services.inspection_record(
            phase=d["phase"],
            by=request.user,
            inspected_on=d["inspected_on"],
            result=d["result"],
            notes=d["notes"],
            rectify_items=d["rectify_items"],
            reinspect_by=d["reinspect_by"],
            photos=d["photos"],
        ),
    )


@role_required(BUILD_ROLES)
def evaluation_add(request, pk):
    project = _project(request, pk)
    require(project.can_build(request.user))
    form = EvaluationForm(request.POST or None, project=project, initial=request.GET.dict())
    return form_page(
        request,
        project=project,
        form=form,
        title=_("Crew evaluation"),
        tab="crews",
        save=lambda d: services.crew_evaluate(
            phase=d["phase"],
            by=request.user,
            evaluated_on=d["evaluated_on"],
            scores=form.scores,
            comments=d["comments"],
        ),
    )


@role_required(TEAM_ROLES)
def completion_add(request, pk):
    project = _project(request, pk)
    require(project.can_edit(request.user))
    form = CompletionForm(*_post_data(request), initial=request.GET.dict())
    return form_page(
        request,
        project=project,
        form=form,
        title=_("Completion documents"),
        tab="completion",
        save=lambda d: services.completion_collect(
            project=project, by=request.user, kind=d["kind"], notes=d["notes"], files=d["files"]
        ),
    )


@role_required(TEAM_ROLES)
@require_POST
def completion_hand_over(request, pk):
    project = _project(request, pk)
    require(project.can_edit(request.user))
    try:
        services.completion_hand_over(project=project, by=request.user)
        messages.success(request, _("Completion documents handed to the consultant."))
    except EditConflict:
        messages.error(request, stale_message())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(f"{project.get_absolute_url()}#completion")


@role_required(BUILD_ROLES)
def maintenance_add(request, pk):
    project = _project(request, pk)
    require(project.can_build(request.user))
    # Other pages link here with ?source=complaint&complaint=<id> (or follow_up / call) to prefill the origin.
    form = MaintenanceForm(
        *_post_data(request),
        project=project,
        user=request.user,
        initial={"promised_on": timezone.localdate() + timedelta(days=3), **request.GET.dict()},
    )
    return form_page(
        request,
        project=project,
        form=form,
        title=_("Maintenance request"),
        tab="maintenance",
        save=lambda d: services.maintenance_create(project=project, by=request.user, **d),
    )


@role_required(BUILD_ROLES)
def maintenance_done(request, pk, request_pk):
    project = _project(request, pk)
    require(project.can_build(request.user))
    item = get_object_or_404(MaintenanceRequest, project=project, pk=request_pk)
    form = MaintenanceDoneForm(*_post_data(request))
    return form_page(
        request,
        project=project,
        form=form,
        title=_("Maintenance done"),
        tab="maintenance",
        save=lambda d: services.maintenance_done(
            request=item, by=request.user, done_on=d["done_on"], work_notes=d["work_notes"], photos=d["photos"]
        ),
    )


@role_required(BUILD_ROLES)
def maintenance_confirm(request, pk, request_pk):
    project = _project(request, pk)
    require(project.can_build(request.user))
    item = get_object_or_404(MaintenanceRequest, project=project, pk=request_pk)
    form = MaintenanceConfirmForm(request.POST or None)
    return form_page(
        request,
        project=project,
        form=form,
        title=_("Client's confirmation of the maintenance"),
        tab="maintenance",
        save=lambda d: services.maintenance_confirm(request=item, by=request.user, **d),
    )
