"""Client views: thin — fetch through the access helpers, validate a form, call one service."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients import selectors, services
from clients.filters import AccessLogFilter, ClientFilter, VisitFilter
from clients.forms import (
    AttachmentForm,
    ClientForm,
    ContractForm,
    HandoverForm,
    ImportForm,
    LoanForm,
    LostForm,
    LostReportForm,
    MoveForm,
    PaymentForm,
    ReceiveForm,
    TierForm,
    VisitCreateForm,
    VisitRecordForm,
)
from clients.imports import COLUMNS, import_confirm, parse_rows, template_rows
from clients.models import (
    AccessLog,
    ArchiveHandover,
    ArchiveLoan,
    Client,
    Contract,
    ContractAttachment,
    FollowUpVisit,
    LostLeadReport,
    PaymentStage,
)
from teams.access import get_visible_or_404, role_required
from teams.exports import xlsx_response
from teams.models import Team
from teams.roles import PROJECT_ROLES, Role

# Who opens the client pages at all (the front desk uses the reception lookup; the budget clerk none).
READERS = {Role.CONSULTANT, Role.DEPUTY_GM, Role.ADMIN_CLERK, *PROJECT_ROLES}
# Who works on leads, contracts and visits.
SALES = {Role.CONSULTANT}
# Who sees the team-level pages (pipeline, visits, lost-lead report) and may export.
MANAGERS = {Role.CONSULTANT, Role.DEPUTY_GM}
PAGE_SIZE = 25


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _log(request, action, client=None, detail=""):
    services.access_log_write(
        user=request.user, action=action, ip_address=client_ip(request), client=client, detail=detail
    )


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _can_export(user) -> bool:
    return user.is_superuser or user.role in MANAGERS


# --- Clients -----------------------------------------------------------------------------------------------------


@role_required(READERS)
def client_list(request):
    qs = Client.objects.visible_to(request.user).select_related("team", "consultant", "archive")
    filterset = ClientFilter(request.GET, queryset=qs)
    if not request.user.sees_all:
        filterset.form.fields.pop("team")
    if request.GET.get("export") == "xlsx":
        if not _can_export(request.user):
            raise Http404
        rows = list(filterset.qs[:5000])
        _log(
            request,
            AccessLog.Action.EXPORT,
            detail=_("%(n)s clients; filter: %(q)s") % {"n": len(rows), "q": request.GET.urlencode()},
        )
        headers = [
            _("Name"),
            _("Phone"),
            _("Team"),
            _("Consultant"),
            _("Stage"),
            _("Value tier"),
            _("Source"),
            _("Address"),
            _("Created"),
        ]
        data = [
            [
                c.name,
                c.masked_phone,
                str(c.team),
                str(c.consultant or ""),
                c.get_stage_display(),
                c.value_tier,
                c.get_source_display(),
                c.address,
                c.created_at,
            ]
            for c in rows
        ]
        return xlsx_response(f"clients-{timezone.localdate():%Y%m%d}.xlsx", [(_("Clients"), headers, data)])
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "clients/client_list.html",
        {
            "filter": filterset,
            "page": page,
            "can_export": _can_export(request.user),
            "can_create": request.user.role in SALES,
        },
    )


@role_required(SALES)
def client_create(request):
    form = ClientForm(request.POST or None, team=request.user.team, initial={"consultant": request.user})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            client = services.client_create(created_by=request.user, data={**data, "team": request.user.team})
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Lead %(name)s created.") % {"name": client.name})
            return redirect("clients:detail", pk=client.pk)
    return render(request, "clients/client_form.html", {"form": form})


@role_required(SALES)
def client_edit(request, pk):
    client = get_visible_or_404(Client, request.user, pk=pk)
    form = ClientForm(request.POST or None, instance=client, team=client.team, initial={"version": client.version})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.client_update(client=client, by=request.user, version=form.cleaned_data["version"] or 0, data=data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("clients:detail", pk=client.pk)
    return render(request, "clients/client_form.html", {"form": form, "client": client})


@role_required(READERS)
def client_detail(request, pk):
    client = get_visible_or_404(
        Client.objects.select_related(
            "team", "consultant", "lost_reason", "archive", "archive__handed_by", "archive__received_by"
        ),
        request.user,
        pk=pk,
    )
    _log(request, AccessLog.Action.OPEN, client=client)
    timeline = selectors.client_timeline(client=client, user=request.user)
    contracts = list(Contract.objects.visible_to(request.user).filter(client=client))
    visits = list(FollowUpVisit.objects.visible_to(request.user).filter(client=client).select_related("owner"))
    from complaints.models import Complaint

    complaints = list(Complaint.objects.visible_to(request.user).filter(client=client)[:50])
    archive = getattr(client, "archive", None) if ArchiveHandover.objects.filter(client=client).exists() else None
    is_sales = request.user.role in SALES
    return render(
        request,
        "clients/client_detail.html",
        {
            "client": client,
            "timeline": timeline,
            "phases": selectors.client_service_records(client=client, timeline=timeline),
            "contracts": contracts,
            "visits": visits,
            "complaints": complaints,
            "archive": archive,
            "loans": list(archive.loans.all()) if archive else [],
            "is_sales": is_sales,
            "move_targets": [
                s for s in Client.Stage if client.can_move_to(s) and s not in (Client.Stage.LOST, Client.Stage.SIGNED)
            ],
            "tier_form": TierForm(
                initial={"tier": client.value_tier if client.tier_overridden else "", "reason": client.tier_reason}
            ),
            "visit_form": VisitCreateForm(initial={"due_date": timezone.localdate() + dt.timedelta(days=7)}),
            "handover_form": HandoverForm(initial={"handed_on": timezone.localdate()}),
            "today": timezone.localdate(),
        },
    )


@role_required(READERS)
@require_POST
def client_reveal_phone(request, pk):
    client = get_visible_or_404(Client, request.user, pk=pk)
    _log(request, AccessLog.Action.REVEAL, client=client)
    return render(request, "clients/partials/phone.html", {"client": client, "revealed": True})


@role_required(SALES)
@require_POST
def client_move(request, pk):
    client = get_visible_or_404(Client, request.user, pk=pk)
    form = MoveForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.lead_move(
                client=client,
                stage=form.cleaned_data["stage"],
                by=request.user,
                measured_on=form.cleaned_data["measured_on"],
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = _("Choose a stage.")
    if request.htmx:
        response = render(
            request,
            "clients/partials/board.html",
            {"columns": selectors.pipeline_columns(user=request.user), "error": error},
        )
        return response
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request, _("%(name)s is now: %(stage)s") % {"name": client.name, "stage": client.get_stage_display()}
        )
    return redirect(request.POST.get("next") or reverse("clients:detail", args=[client.pk]))


@role_required(SALES)
def client_lost(request, pk):
    client = get_visible_or_404(Client, request.user, pk=pk)
    form = LostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.lead_mark_lost(client=client, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s marked lost.") % {"name": client.name})
            return redirect("clients:detail", pk=client.pk)
    return render(request, "clients/lost_form.html", {"form": form, "client": client})


@role_required(SALES)
@require_POST
def client_tier(request, pk):
    client = get_visible_or_404(Client, request.user, pk=pk)
    form = TierForm(request.POST)
    if form.is_valid():
        services.client_set_tier(
            client=client, by=request.user, tier=form.cleaned_data["tier"], reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Value tier saved."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("clients:detail", pk=client.pk)


@role_required(MANAGERS)
def pipeline(request):
    team_id = request.GET.get("team") if request.user.sees_all else None
    columns = selectors.pipeline_columns(user=request.user, team_id=team_id if (team_id or "").isdigit() else None)
    teams = Team.objects.filter(is_active=True) if request.user.sees_all else []
    return render(
        request, "clients/pipeline.html", {"columns": columns, "teams": teams, "is_sales": request.user.role in SALES}
    )


# --- Import ------------------------------------------------------------------------------------------------------

IMPORT_SESSION_KEY = "clients_import_rows"


@role_required(SALES)
def client_import(request):
    if request.GET.get("template"):
        return xlsx_response("clients-import-template.xlsx", [(_("Clients"), template_rows()[0], template_rows()[1:])])
    form = ImportForm(request.POST or None, request.FILES or None)
    rows = None
    if request.method == "POST" and "confirm" in request.POST:
        rows = request.session.get(IMPORT_SESSION_KEY) or []
        try:
            count = import_confirm(rows=rows, team=request.user.team, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            request.session.pop(IMPORT_SESSION_KEY, None)
            _log(request, AccessLog.Action.IMPORT, detail=_("%(n)s clients imported") % {"n": count})
            messages.success(request, _("%(n)s clients imported.") % {"n": count})
            return redirect("clients:list")
    elif request.method == "POST" and form.is_valid():
        try:
            rows = parse_rows(form.cleaned_data["file"])
        except Exception:
            form.add_error("file", _("This file could not be read as Excel."))
        else:
            request.session[IMPORT_SESSION_KEY] = rows
    has_errors = rows is not None and any(r["errors"] for r in rows)
    return render(
        request,
        "clients/import.html",
        {
            "form": form,
            "rows": rows,
            "has_errors": has_errors,
            "columns": [str(h) for h, _f in COLUMNS],
            "fields": [f for _h, f in COLUMNS],
        },
    )


# --- Contracts ---------------------------------------------------------------------------------------------------


@role_required(SALES)
def contract_sign(request, pk):
    client = get_visible_or_404(Client, request.user, pk=pk)
    if client.stage not in (Client.Stage.MEASURED, Client.Stage.PROPOSAL, Client.Stage.QUOTED):
        messages.error(request, _("Only a lead that has been measured, proposed or quoted can sign a contract."))
        return redirect("clients:detail", pk=client.pk)
    initial = {"signed_date": timezone.localdate(), "address": client.address, "floor_area": client.floor_area}
    form = ContractForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            contract = services.contract_sign(client=client, by=request.user, data=data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Contract %(number)s signed; the project and the visit plan are ready.")
                % {"number": contract.number},
            )
            return redirect("clients:contract_detail", pk=contract.pk)
    return render(request, "clients/contract_form.html", {"form": form, "client": client})


@role_required(MANAGERS)
def contract_detail(request, pk):
    contract = get_visible_or_404(Contract.objects.select_related("client", "team", "signed_by"), request.user, pk=pk)
    return render(
        request,
        "clients/contract_detail.html",
        {
            "contract": contract,
            "payments": list(contract.payments.all()),
            "changes": list(contract.changes.select_related("changed_by")[:100]),
            "attachments": list(contract.attachments.all()),
            "visits": list(contract.visits.select_related("owner")),
            "is_sales": request.user.role in SALES,
            "payment_form": PaymentForm(),
            "attachment_form": AttachmentForm(),
        },
    )


@role_required(SALES)
def contract_edit(request, pk):
    contract = get_visible_or_404(Contract.objects.select_related("client"), request.user, pk=pk)
    form = ContractForm(request.POST or None, instance=contract, initial={"version": contract.version})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        if not data.get("number"):
            data["number"] = contract.number
        try:
            services.contract_update(
                contract=contract, by=request.user, version=form.cleaned_data["version"] or 0, data=data
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("clients:contract_detail", pk=contract.pk)
    return render(
        request, "clients/contract_form.html", {"form": form, "client": contract.client, "contract": contract}
    )


@role_required(SALES)
def payment_edit(request, pk, payment_pk=None):
    contract = get_visible_or_404(Contract, request.user, pk=pk)
    payment = get_object_or_404(PaymentStage, pk=payment_pk, contract=contract) if payment_pk else None
    form = PaymentForm(request.POST or None, instance=payment)
    if request.method == "POST" and form.is_valid():
        services.payment_save(contract=contract, by=request.user, payment=payment, **form.cleaned_data)
        messages.success(request, _("Payment saved."))
        return redirect("clients:contract_detail", pk=contract.pk)
    return render(request, "clients/payment_form.html", {"form": form, "contract": contract, "payment": payment})


@role_required(SALES)
@require_POST
def contract_attach(request, pk):
    contract = get_visible_or_404(Contract, request.user, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        services.contract_attach(
            contract=contract, by=request.user, upload=form.cleaned_data["file"], content_type=form.content_type
        )
        messages.success(request, _("File attached."))
    else:
        messages.error(request, " ".join(form.errors.get("file", [])))
    return redirect("clients:contract_detail", pk=contract.pk)


@role_required(MANAGERS)
def contract_attachment(request, pk, attachment_pk):
    contract = get_visible_or_404(Contract, request.user, pk=pk)
    attachment = get_object_or_404(ContractAttachment, pk=attachment_pk, contract=contract)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=not attachment.is_image,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


# --- Follow-up visits --------------------------------------------------------------------------------------------


@role_required(MANAGERS)
def visit_list(request):
    qs = FollowUpVisit.objects.visible_to(request.user).select_related("client", "owner", "team")
    data = request.GET.copy()
    data.setdefault("status", "open")
    filterset = VisitFilter(data, queryset=qs)
    if not request.user.sees_all:
        filterset.form.fields.pop("team")
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    sat = selectors.satisfaction_by_team_month(user=request.user)
    chart = {
        "tooltip": {"trigger": "axis"},
        "legend": {},
        "xAxis": {"type": "category", "data": sat["months"]},
        "yAxis": {"type": "value", "min": 1, "max": 5, "name": _("Average satisfaction")},
        "series": [
            {"name": name, "type": "line", "connectNulls": True, "data": values}
            for name, values in sat["series"].items()
        ],
    }
    return render(
        request,
        "clients/visit_list.html",
        {"filter": filterset, "page": page, "chart": chart, "today": timezone.localdate()},
    )


@role_required(SALES)
def visit_record(request, pk):
    visit = get_visible_or_404(FollowUpVisit.objects.select_related("client", "owner"), request.user, pk=pk)
    form = VisitRecordForm(request.POST or None, instance=visit)
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_record(visit=visit, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Visit recorded."))
            if form.cleaned_data["raised_complaint"]:
                # The complaint form, pre-filled (complaints:register; a plain path until that app lands here).
                return redirect(f"{reverse('complaints:register')}?client={visit.client_id}&channel=phone")
            return redirect("clients:detail", pk=visit.client_id)
    return render(request, "clients/visit_form.html", {"form": form, "visit": visit})


@role_required(SALES)
@require_POST
def visit_create(request, pk):
    client = get_visible_or_404(Client, request.user, pk=pk)
    form = VisitCreateForm(request.POST)
    if form.is_valid():
        services.visit_create(client=client, by=request.user, **form.cleaned_data)
        messages.success(request, _("Visit planned."))
    else:
        messages.error(request, _("Give the visit point, due date and channel."))
    return redirect("clients:detail", pk=client.pk)


# --- Lost-lead report --------------------------------------------------------------------------------------------


def _period(request):
    """[start, end) from ?month=YYYY-MM or ?start=&end= (default: this month)."""
    today = timezone.localdate()
    try:
        if request.GET.get("start") and request.GET.get("end"):
            start = dt.date.fromisoformat(request.GET["start"])
            end = dt.date.fromisoformat(request.GET["end"]) + dt.timedelta(days=1)
            if end > start:
                return start, end, None
        if request.GET.get("month"):
            start = dt.date.fromisoformat(request.GET["month"] + "-01")
            return start, selectors.add_months(start, 1), start
    except ValueError:
        pass
    start = today.replace(day=1)
    return start, selectors.add_months(start, 1), start


@role_required(MANAGERS)
def lost_report(request):
    start, end, month = _period(request)
    team = request.user.team
    if request.user.sees_all:
        team_id = request.GET.get("team")
        team = Team.objects.filter(pk=team_id).first() if (team_id or "").isdigit() else None
    report = (
        LostLeadReport.objects.filter(team=team, month=month).select_related("written_by").first()
        if team and month
        else None
    )
    form = LostReportForm(
        request.POST or None, initial={"conclusions": report.conclusions, "actions": report.actions} if report else None
    )
    if request.method == "POST":
        if request.user.role not in SALES or month is None or team is None:
            raise Http404
        if form.is_valid():
            services.lost_report_save(team=team, month=month, by=request.user, **form.cleaned_data)
            messages.success(request, _("Conclusions saved."))
            return redirect(f"{reverse('clients:lost_report')}?month={month:%Y-%m}")
    data = selectors.lost_report_data(user=request.user, start=start, end=end, team_id=team.pk if team else None)
    reason_chart = {
        "tooltip": {},
        "xAxis": {"type": "category", "data": [r["lost_reason__name"] or "-" for r in data["by_reason"]]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"type": "bar", "name": _("Lost leads"), "data": [r["n"] for r in data["by_reason"]]}],
    }
    trend_chart = {
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "data": data["trend"]["months"]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"type": "line", "name": _("Lost leads"), "data": data["trend"]["counts"]}],
    }
    return render(
        request,
        "clients/lost_report.html",
        {
            "data": data,
            "start": start,
            "end": end - dt.timedelta(days=1),
            "month": month,
            "team": team,
            "teams": Team.objects.filter(is_active=True) if request.user.sees_all else [],
            "report": report,
            "past_reports": list(selectors.lost_reports(user=request.user, team_id=team.pk if team else None)[:12]),
            "form": form,
            "can_write": request.user.role in SALES and month is not None,
            "reason_chart": reason_chart,
            "trend_chart": trend_chart,
        },
    )


# --- Access log --------------------------------------------------------------------------------------------------


@role_required(Role.DEPUTY_GM)
def access_log(request):
    qs = AccessLog.objects.visible_to(request.user).select_related("user", "client")
    filterset = AccessLogFilter(request.GET, queryset=qs)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    return render(request, "clients/access_log.html", {"filter": filterset, "page": page})


# --- Archive -----------------------------------------------------------------------------------------------------


@role_required({Role.ADMIN_CLERK, Role.CONSULTANT, Role.DEPUTY_GM})
def archive(request):
    state = request.GET.get("state", "waiting" if request.user.role == Role.ADMIN_CLERK else "")
    qs = selectors.archive_list(user=request.user, waiting_only=state == "waiting")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "clients/archive.html",
        {
            "page": page,
            "state": state,
            "is_clerk": request.user.role == Role.ADMIN_CLERK,
            "receive_form": ReceiveForm(),
            "loan_form": LoanForm(),
        },
    )


@role_required(SALES)
@require_POST
def archive_hand_over(request, pk):
    client = get_visible_or_404(Client, request.user, pk=pk)
    form = HandoverForm(request.POST)
    if form.is_valid():
        try:
            services.archive_hand_over(client=client, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("File handed to the administration."))
    else:
        messages.error(request, _("Tick the documents you hand over."))
    return redirect("clients:detail", pk=client.pk)


def _handover_for_clerk(request, pk):
    return get_object_or_404(ArchiveHandover.objects.filter(client__in=Client.objects.visible_to(request.user)), pk=pk)


@role_required(Role.ADMIN_CLERK)
@require_POST
def archive_receive(request, pk):
    handover = _handover_for_clerk(request, pk)
    form = ReceiveForm(request.POST)
    form.is_valid()
    try:
        services.archive_receive(handover=handover, by=request.user, shelf_mark=form.cleaned_data.get("shelf_mark", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(client)s archived.") % {"client": handover.client})
    return redirect("clients:archive")


@role_required(Role.ADMIN_CLERK)
@require_POST
def archive_lend(request, pk):
    handover = _handover_for_clerk(request, pk)
    form = LoanForm(request.POST)
    if form.is_valid():
        try:
            services.archive_lend(handover=handover, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Loan recorded."))
    else:
        messages.error(request, _("Who borrows the file?"))
    return redirect("clients:detail", pk=handover.client_id)


@role_required(Role.ADMIN_CLERK)
@require_POST
def archive_return(request, pk):
    loan = get_object_or_404(
        ArchiveLoan.objects.select_related("handover__client").filter(
            handover__client__in=Client.objects.visible_to(request.user)
        ),
        pk=pk,
    )
    try:
        services.archive_return(loan=loan, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("File returned."))
    return redirect("clients:detail", pk=loan.handover.client_id)
