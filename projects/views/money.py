"""The project's money page: its payment stages as the works reach them (status for the PM,
amounts for the consultant and the deputy GM, or for the PM too if the company allows it:
``PROJECT_MANAGER_SEES_AMOUNTS``), which phase makes a stage due, and the change orders."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients.models import STAGE_STATUS_LABELS, PaymentStage
from clients.services import contract_money
from projects import services
from projects.forms import ChangeOrderForm, ChangeOrderLineFormSet, ChangeOrderSignForm, StagePhaseForm
from projects.models import ChangeOrder, Project
from teams.access import get_visible_or_404, role_required
from teams.editing import EditConflict
from teams.forms import add_service_errors
from teams.roles import Role
from teams.submissions import submit_once

MONEY_PAGE_ROLES = {Role.CONSULTANT, Role.DEPUTY_GM, Role.PROJECT_MANAGER}
MONEY_ROLES = {Role.CONSULTANT, Role.DEPUTY_GM}


def _project(request, pk) -> Project:
    project = get_visible_or_404(
        Project.objects.select_related("contract__team", "contract__client", "team"), request.user, pk=pk
    )
    if project.contract is None:
        raise Http404
    return project


def _money_project(request, pk) -> Project:
    """A project whose contract money the user may change; anyone else gets 404 (no amounts leak)."""
    project = _project(request, pk)
    if not project.contract.can_change_money(request.user):
        raise Http404
    return project


def sees_amounts(user, project) -> bool:
    if project.contract.can_change_money(user):
        return True
    return settings.PROJECT_MANAGER_SEES_AMOUNTS and user.role == Role.PROJECT_MANAGER


def _money_url(project) -> str:
    return reverse("projects:money", args=[project.pk])


@role_required(MONEY_PAGE_ROLES)
def money(request, pk):
    project = _project(request, pk)
    contract = project.contract
    today = timezone.localdate()
    stages = list(
        PaymentStage.objects.filter(contract=contract).select_related("phase_link__phase").order_by("order", "pk")
    )
    for stage in stages:
        stage.state = stage.status(today)
        stage.state_label = STAGE_STATUS_LABELS[stage.state]
        link = getattr(stage, "phase_link", None)
        stage.phase_name = link.phase.display_name if link else ""
        stage.phase_pk = link.phase_id if link else None
    can_change = contract.can_change_money(request.user)
    context = {
        "project": project,
        "contract": contract,
        "stages": stages,
        "can_change": can_change,
        "sees_amounts": sees_amounts(request.user, project),
        "phases": list(project.phases.order_by("order", "pk")) if can_change else [],
    }
    if can_change:
        context["money"] = contract_money(contract)
        context["orders"] = list(
            ChangeOrder.objects.visible_to(request.user)
            .filter(project=project)
            .select_related("design_change", "stage", "approved_by")
        )
    return render(request, "projects/money.html", context)


@role_required(MONEY_ROLES)
@require_POST
def stage_phase(request, pk, stage_pk):
    project = _money_project(request, pk)
    stage = get_object_or_404(PaymentStage, pk=stage_pk, contract=project.contract)
    form = StagePhaseForm(request.POST, project=project)
    if form.is_valid():
        try:
            services.stage_link_phase(stage=stage, phase=form.cleaned_data["phase"], by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
    else:
        messages.error(request, _("Choose a phase of this project."))
    return redirect(_money_url(project))


@role_required(MONEY_ROLES)
def change_order_add(request, pk):
    return _change_order_form(request, _money_project(request, pk), None)


@role_required(MONEY_ROLES)
def change_order_edit(request, pk, order_pk):
    project, order = _order(request, pk, order_pk)
    if order.status != ChangeOrder.Status.DRAFT:
        messages.error(request, _("Only a change order awaiting the client can be revised."))
        return redirect("projects:change_order_detail", pk=project.pk, order_pk=order.pk)
    return _change_order_form(request, project, order)


LINE_FIELDS = ["kind", "description", "unit", "quantity", "unit_price"]


def _change_order_form(request, project, order):
    """A new draft, or a draft revised (its fields and lines as initial values, its version kept in the form)."""
    data = (request.POST,) if request.method == "POST" else ()
    if order is None:
        initial, line_initial = {"source": ChangeOrder.Source.SITE_FINDING}, None
    else:
        initial = {
            "title": order.title,
            "source": order.source,
            "design_change": order.design_change_id,
            "site_log": order.site_log_id,
            "finding": order.finding,
            "stage": order.stage_id,
        }
        line_initial = list(order.lines.values(*LINE_FIELDS))
    form = ChangeOrderForm(*data, project=project, initial=initial)
    lines = ChangeOrderLineFormSet(*data, prefix="lines", initial=line_initial)
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        values = {
            "by": request.user,
            "lines": [line.cleaned_data for line in lines.forms if line.cleaned_data],
            **{name: form.cleaned_data[name] for name in ChangeOrderForm.SERVICE_FIELDS},
        }

        def save():
            if order is None:
                return services.change_order_create(project=project, **values)
            version = int(request.POST.get("version") or 0)
            return services.change_order_revise(order=order, version=version, **values)

        try:
            saved = submit_once(request, form, save)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except EditConflict as exc:
            form.add_error(None, exc.messages)
        else:
            if order is None:
                messages.success(request, _("Change order %(number)s drafted.") % {"number": saved.number})
            else:
                messages.success(request, _("Change order %(number)s revised.") % {"number": saved.number})
            return redirect("projects:change_order_detail", pk=project.pk, order_pk=saved.pk)
    return render(
        request,
        "projects/change_order_form.html",
        {"project": project, "form": form, "lines": lines, "order": order},
    )


def _order(request, pk, order_pk):
    project = _money_project(request, pk)
    order = get_object_or_404(
        ChangeOrder.objects.visible_to(request.user).select_related(
            "design_change", "stage", "approved_by", "created_by"
        ),
        pk=order_pk,
        project=project,
    )
    return project, order


@role_required(MONEY_ROLES)
def change_order_detail(request, pk, order_pk):
    project, order = _order(request, pk, order_pk)
    form = ChangeOrderSignForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    if request.method == "POST" and form.is_valid():
        try:
            services.change_order_client_sign(
                order=order,
                by=request.user,
                signed_on=form.cleaned_data["client_signed_on"],
                signed_by=form.cleaned_data["client_signed_by"],
                scan=form.cleaned_data["scan"],
            )
        except (ValidationError, EditConflict) as exc:
            add_service_errors(form, exc) if isinstance(exc, ValidationError) else form.add_error(None, exc.messages)
        else:
            messages.success(request, _("The client's signature is recorded."))
            return redirect("projects:change_order_detail", pk=project.pk, order_pk=order.pk)
    return render(
        request,
        "projects/change_order_detail.html",
        {"project": project, "order": order, "lines": list(order.lines.all()), "sign_form": form},
    )


@role_required(MONEY_ROLES)
@require_POST
def change_order_decide(request, pk, order_pk, decision):
    project, order = _order(request, pk, order_pk)
    service = {"approve": services.change_order_approve, "reject": services.change_order_reject}.get(decision)
    if service is None:
        raise Http404
    try:
        service(order=order, by=request.user)
    except (ValidationError, EditConflict) as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Change order approved.") if decision == "approve" else _("Change order rejected."))
    return redirect("projects:change_order_detail", pk=project.pk, order_pk=order.pk)


@role_required(MONEY_ROLES)
def change_order_scan(request, pk, order_pk):
    _project_, order = _order(request, pk, order_pk)
    if not order.client_scan:
        raise Http404
    return FileResponse(
        order.client_scan.open("rb"),
        as_attachment=not order.scan_is_image,
        filename=order.client_scan_name,
        content_type=order.client_scan_type,
    )


def contract_links(*, contract) -> list[dict]:
    """The ``contract_links`` hook: the contract page links to its project's money page."""
    project = Project.objects.filter(contract=contract).only("pk").first()
    if project is None:
        return []
    return [{"label": _("Change orders and stages"), "url": _money_url(project), "icon": "receipt"}]
