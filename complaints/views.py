import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients.models import AccessLog
from clients.selectors import findable_clients
from clients.services.access_log import access_log_request
from complaints import selectors, services
from complaints.filters import ComplaintFilter
from complaints.forms import (
    AssignForm,
    AttachmentForm,
    CommentForm,
    ComplaintEditForm,
    ComplaintRegisterForm,
    ReopenForm,
    ResolveForm,
    SummaryPeriodForm,
    TransitionForm,
)
from complaints.models import TRANSITIONS, Complaint, ComplaintResolution, WeeklySummary
from projects.models import Project
from teams.access import get_visible_or_404, role_required
from teams.editing import EditConflict
from teams.exports import choice_labels, export_response, export_rows
from teams.forms import add_service_errors
from teams.pagination import CappedPaginator
from teams.roles import TEAM_ROLES, Role
from teams.submissions import submit_once

COMPLAINT_ROLES = TEAM_ROLES | {Role.DEPUTY_GM, Role.FRONT_DESK}
SUMMARY_ROLES = (Role.DEPUTY_GM, Role.FRONT_DESK)


@role_required(COMPLAINT_ROLES)
def complaint_list(request):
    scope = request.GET.get("scope") or selectors.default_scope(request.user)
    if scope not in ("mine", "team", "all"):
        scope = "mine"
    filterset = ComplaintFilter(
        request.GET, queryset=selectors.complaint_list(user=request.user, scope=scope), user=request.user
    )
    complaints = filterset.qs
    if request.GET.get("export") == "xlsx":
        return _export(request, complaints)
    page = CappedPaginator(complaints, 25).get_page(request.GET.get("page"))
    return render(
        request, "complaints/list.html", {"filter": filterset, "page": page, "scope": scope, "now": timezone.now()}
    )


# What a row of the export reads (``Complaint.objects.with_overdue`` adds ``overdue_now``).
EXPORT_FIELDS = (
    *("pk", "registered_at", "caller_name", "team__name", "channel", "category", "severity", "state"),
    *("handler__full_name", "handler__username", "description", "demand"),
    *("ack_due_at", "acknowledged_at", "resolve_due_at", "resolved_at", "overdue_now"),
    *("current_resolution__cause_category", "current_resolution__cause_analysis"),
    "current_resolution__preventive_action",
)


def _export(request, complaints):
    headers = [
        _("No."),
        _("Registered at"),
        _("Caller"),
        _("Team"),
        _("Channel"),
        _("Category"),
        _("Severity"),
        _("State"),
        _("Handler"),
        _("Description"),
        _("What the client asks for"),
        _("Acknowledge by"),
        _("Acknowledged at"),
        _("Resolve by"),
        _("Resolved at"),
        _("Overdue"),
        _("Cause"),
        _("Cause analysis"),
        _("Preventive action"),
    ]
    yes = _("Yes")
    channel, category, severity, state = (
        choice_labels(Complaint, name) for name in ("channel", "category", "severity", "state")
    )
    cause = choice_labels(ComplaintResolution, "cause_category")
    rows = export_rows(
        complaints.with_overdue(),
        "complaints",
        user=request.user,
        # Values, not models (300,000 complaints in seconds): a complaint without a resolution reads None there.
        fields=EXPORT_FIELDS,
        row=lambda c: [
            c.pk,
            c.registered_at,
            c.caller_name,
            c.team__name,
            channel(c.channel),
            category(c.category),
            severity(c.severity),
            state(c.state),
            c.handler__full_name or c.handler__username or "",  # as str(user)
            c.description,
            c.demand,
            c.ack_due_at,
            c.acknowledged_at,
            c.resolve_due_at,
            c.resolved_at,
            yes if c.overdue_now else "",
            cause(c.current_resolution__cause_category) or "",
            c.current_resolution__cause_analysis or "",
            c.current_resolution__preventive_action or "",
        ],
    )
    return export_response(
        request,
        kind="complaints",
        filename=f"complaints-{timezone.localdate():%Y%m%d}.xlsx",
        title=_("Complaints"),
        headers=headers,
        rows=rows,
        widths=(8, 18, 12, 12, 10, 12, 10, 10, 12, 40, 30, 18, 18, 18, 18, 8, 14, 30, 30),
    )


@role_required(COMPLAINT_ROLES)
def complaint_register(request):
    clients = findable_clients(request.user)
    calls = _calls_visible_to(request.user)
    if request.method == "POST":
        form = ComplaintRegisterForm(request.POST, request.FILES, clients=clients, calls=calls)
        if form.is_valid():
            data = form.cleaned_data
            try:
                complaint = submit_once(
                    request,
                    form,
                    lambda: services.complaint_register(
                        registered_by=request.user,
                        caller_name=data["caller_name"],
                        caller_phone=data["caller_phone"],
                        channel=data["channel"],
                        category=data["category"],
                        severity=data["severity"],
                        description=data["description"],
                        demand=data["demand"],
                        client=data["client"],
                        team=data["team"],
                        project=data["project"],
                        call=data["call"],
                        attachments=data["attachments"],
                    ),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Complaint #%(pk)s registered and sent to %(team)s.")
                    % {"pk": complaint.pk, "team": complaint.team},
                )
                return redirect("complaints:detail", pk=complaint.pk)
    else:
        form = ComplaintRegisterForm(initial=_prefill(request, clients, calls), clients=clients, calls=calls)
    client_id = form["client"].value()
    chosen = clients.filter(pk=client_id).select_related("team").first() if str(client_id or "").isdigit() else None
    open_rows = selectors.open_complaints_of_client(user=request.user, client_id=chosen.pk) if chosen else []
    answers = selectors.standard_answers(fields=["description"])
    return render(
        request,
        "complaints/register.html",
        {"form": form, "chosen": chosen, "open_rows": open_rows, "answers": answers},
    )


def _calls_visible_to(user):
    """The calls a complaint may come from: the model of ``Complaint.call`` with its own
    ``visible_to`` (reception sits above complaints, which never imports it)."""
    return Complaint._meta.get_field("call").related_model.objects.visible_to(user)


def _prefill(request, clients, calls) -> dict:
    """GET parameters other pages link with: client, project, caller_name, phone, channel, call."""
    params = request.GET
    initial = {}
    if params.get("channel") in Complaint.Channel.values:
        initial["channel"] = params["channel"]
    if params.get("caller_name"):
        initial["caller_name"] = params["caller_name"][:60]
    if params.get("phone"):
        initial["caller_phone"] = params["phone"][:20]
    call_id = params.get("call")
    if call_id and call_id.isdigit():
        call = calls.filter(pk=call_id).first()
        if call is not None:
            initial.update(call=call.pk, caller_name=call.caller_name, caller_phone=call.phone)
            # One story, typed once: what the clerk wrote down on the call is the complaint's description.
            story = "\n".join(part for part in (call.purpose, call.summary) if part)
            if story:
                initial["description"] = story
            initial.setdefault("channel", Complaint.Channel.PHONE)
            if call.client_id:
                initial.setdefault("client", call.client_id)
    client_id = params.get("client") or initial.get("client")
    if client_id and str(client_id).isdigit():
        client = clients.filter(pk=client_id).first()
        if client is not None:
            initial["client"] = client.pk
            initial.setdefault("caller_name", client.name)
            if request.user.role != Role.FRONT_DESK or initial.get("call"):
                initial.setdefault("caller_phone", client.phone)
            project_id = params.get("project")
            if project_id and project_id.isdigit() and Project.objects.filter(pk=project_id, client=client).exists():
                initial["project"] = int(project_id)
        else:
            initial.pop("client", None)
    return initial


@role_required(COMPLAINT_ROLES)
def open_for_client(request):
    """htmx: the picked client's open complaints first ("是否为同一投诉?"): the same story is not registered twice."""
    client_id = request.GET.get("client", "")
    rows = []
    if client_id.isdigit() and findable_clients(request.user).filter(pk=client_id).exists():
        rows = selectors.open_complaints_of_client(user=request.user, client_id=int(client_id))
    return render(request, "complaints/partials/open_for_client.html", {"rows": rows})


@role_required(COMPLAINT_ROLES)
@require_POST
def complaint_merge(request, pk):
    """The consultant closes a duplicate into the original complaint of the same client."""
    duplicate = selectors.complaint_detail(user=request.user, pk=pk)
    if not duplicate.can_manage(request.user):
        raise Http404
    original_id = request.POST.get("original", "")
    original = (
        Complaint.objects.visible_to(request.user).filter(pk=original_id).first() if original_id.isdigit() else None
    )
    if original is None:
        messages.error(request, _("Choose the original complaint."))
        return redirect("complaints:detail", pk=pk)
    try:
        services.complaint_merge(duplicate=duplicate, original=original, by=request.user)
    except EditConflict:
        messages.error(request, _("Someone else changed this complaint meanwhile. Check the page and try again."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Merged into complaint #%(pk)s.") % {"pk": original.pk})
        return redirect("complaints:detail", pk=original.pk)
    return redirect("complaints:detail", pk=pk)


@role_required(COMPLAINT_ROLES)
def project_options(request):
    """htmx: the chosen client's projects, as <option>s of the registration form."""
    client_id = request.GET.get("client", "")
    projects = Project.objects.none()
    if client_id.isdigit() and findable_clients(request.user).filter(pk=client_id).exists():
        projects = Project.objects.filter(client_id=client_id).only("pk", "name")
    return render(request, "complaints/partials/project_options.html", {"projects": projects})


def _detail_context(request, complaint, **forms):
    """The complaint page; only the forms for what ``request.user`` may do now are built."""
    user = request.user
    now = timezone.now()
    names = complaint.actions_for(user)
    actions = [(name, TRANSITIONS[name]) for name in names]
    can_manage = complaint.can_manage(user)
    can_comment = complaint.may_contribute(user)
    others = selectors.client_other_complaints(user=user, complaint=complaint)
    context = {
        "complaint": complaint,
        "actions": actions,
        # Resolve and reopen have their own forms (a cause analysis, a reason).
        "steps": [(name, t) for name, t in actions if name not in ("resolve", "reopen")],
        "other_complaints": others,
        # A duplicate of the same client's story can be merged into one of them (the team's consultant).
        "merge_targets": [c for c in others if c.merged_into_id is None]
        if can_manage and complaint.merged_into_id is None and complaint.state != Complaint.State.CLOSED
        else [],
        "can_manage": can_manage,
        "can_comment": can_comment,
        "now": now,
        "overdue": {"ack": complaint.ack_overdue(now), "resolve": complaint.resolve_overdue(now)},
    }
    if context["steps"]:
        context["transition_form"] = TransitionForm(initial={"version": complaint.version})
    if "resolve" in names:
        context["resolve_form"] = ResolveForm(initial={"version": complaint.version})
    if "resolve" in names or "resolve_form" in forms:
        context["answers"] = selectors.standard_answers(
            fields=["resolution", "cause_analysis"], category=complaint.category
        )
    if "reopen" in names:
        context["reopen_form"] = ReopenForm(initial={"version": complaint.version})
    if can_comment:
        context["comment_form"] = CommentForm()
        context["attachment_form"] = AttachmentForm()
    if can_manage:
        context["assign_form"] = AssignForm(
            team=complaint.team,
            initial={
                "version": complaint.version,
                "handler": complaint.handler_id,
                "helpers": [h.pk for h in complaint.helpers.all()],
            },
        )
    context.update(forms)
    return context


@role_required(COMPLAINT_ROLES)
def complaint_detail(request, pk):
    complaint = selectors.complaint_page(user=request.user, pk=pk)
    return render(request, "complaints/detail.html", _detail_context(request, complaint))


@role_required(COMPLAINT_ROLES)
@require_POST
def complaint_transition(request, pk, action):
    complaint = selectors.complaint_detail(user=request.user, pk=pk)
    if action not in TRANSITIONS:
        raise Http404
    form_class, form_key = {
        "resolve": (ResolveForm, "resolve_form"),
        "reopen": (ReopenForm, "reopen_form"),
    }.get(action, (TransitionForm, "transition_form"))
    form = form_class(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.complaint_transition(
                complaint=complaint,
                user=request.user,
                action=action,
                version=data["version"],
                comment=data.get("comment", ""),
                resolution=data.get("resolution", ""),
                cause_category=data.get("cause_category", ""),
                cause_analysis=data.get("cause_analysis", ""),
                preventive_action=data.get("preventive_action", ""),
            )
        except services.TransitionNotAllowed:
            messages.error(request, _("This step is not possible now; the page shows what is."))
            return redirect("complaints:detail", pk=pk)
        except EditConflict:
            messages.error(
                request,
                _("Someone else changed this complaint meanwhile. Check the page; what you typed is kept below."),
            )
            complaint = selectors.complaint_detail(user=request.user, pk=pk)
            form = _keep_typed(form_class, request.POST, complaint.version)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Done: %(step)s.") % {"step": TRANSITIONS[action].label})
            return redirect("complaints:detail", pk=pk)
    context = _detail_context(request, complaint, **{form_key: form, "open_form": action})
    return render(request, "complaints/detail.html", context)


def _keep_typed(form_class, post, version):
    data = post.copy()
    data["version"] = version
    return form_class(data)


@role_required(COMPLAINT_ROLES)
@require_POST
def complaint_assign(request, pk):
    complaint = selectors.complaint_detail(user=request.user, pk=pk)
    if not complaint.can_manage(request.user):
        raise Http404
    form = AssignForm(request.POST, team=complaint.team)
    if form.is_valid():
        try:
            services.complaint_assign(
                complaint=complaint,
                user=request.user,
                handler=form.cleaned_data["handler"],
                helpers=form.cleaned_data["helpers"],
                version=form.cleaned_data["version"],
            )
        except EditConflict:
            messages.error(request, _("Someone else changed this complaint meanwhile. Check the page and try again."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Handler and helpers saved."))
    else:
        messages.error(request, _("Check the handler and helpers."))
    return redirect("complaints:detail", pk=pk)


@role_required(COMPLAINT_ROLES)
def complaint_edit(request, pk):
    complaint = selectors.complaint_detail(user=request.user, pk=pk)
    if not complaint.can_manage(request.user):
        raise Http404
    if request.method == "POST":
        form = ComplaintEditForm(request.POST, instance=Complaint.objects.get(pk=pk))
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in services.EDITABLE_FIELDS}
            try:
                services.complaint_update(
                    complaint=complaint, user=request.user, version=form.cleaned_data["version"], data=data
                )
            except EditConflict:
                complaint.refresh_from_db()
                messages.error(
                    request,
                    _(
                        "Someone else saved this complaint while you were editing. "
                        "Compare with the page; your text is kept here."
                    ),
                )
                form = ComplaintEditForm(_with_version(request.POST, complaint.version), instance=complaint)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Complaint saved."))
                return redirect("complaints:detail", pk=pk)
    else:
        form = ComplaintEditForm(instance=complaint, initial={"version": complaint.version})
    return render(request, "complaints/edit.html", {"form": form, "complaint": complaint})


@role_required(COMPLAINT_ROLES)
@require_POST
def complaint_reveal_phone(request, pk):
    """The caller's full number, written to the access log like a client's phone."""
    complaint = get_visible_or_404(Complaint.objects.select_related("client"), request.user, pk=pk)
    access_log_request(
        request,
        AccessLog.Action.REVEAL,
        client=complaint.client,
        detail=_("Caller phone of complaint #%(pk)s") % {"pk": complaint.pk},
    )
    return render(request, "complaints/partials/caller_phone.html", {"complaint": complaint, "revealed": True})


def _with_version(post, version):
    data = post.copy()
    data["version"] = version
    return data


@role_required(COMPLAINT_ROLES)
@require_POST
def complaint_comment(request, pk):
    complaint = selectors.complaint_detail(user=request.user, pk=pk)
    if not complaint.may_contribute(request.user):
        raise Http404
    form = CommentForm(request.POST)
    if form.is_valid():
        submit_once(
            request,
            form,
            lambda: services.complaint_comment(
                complaint=complaint, user=request.user, comment=form.cleaned_data["comment"]
            ),
        )
        messages.success(request, _("Comment added to the timeline."))
        return redirect("complaints:detail", pk=pk)
    return render(request, "complaints/detail.html", _detail_context(request, complaint, comment_form=form))


@role_required(COMPLAINT_ROLES)
@require_POST
def complaint_attach(request, pk):
    complaint = selectors.complaint_detail(user=request.user, pk=pk)
    if not complaint.may_contribute(request.user):
        raise Http404
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():

        def attach():
            for upload in form.cleaned_data["attachments"]:
                services.attachment_add(complaint=complaint, user=request.user, upload=upload)

        try:
            submit_once(request, form, attach)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Attachment added."))
            return redirect("complaints:detail", pk=pk)
    return render(request, "complaints/detail.html", _detail_context(request, complaint, attachment_form=form))


@role_required(COMPLAINT_ROLES)
def attachment_download(request, pk, attachment_pk):
    complaint = get_visible_or_404(Complaint, request.user, pk=pk)
    attachment = get_object_or_404(complaint.attachments, pk=attachment_pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=not attachment.is_image,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@role_required(*SUMMARY_ROLES)
def weekly_summary(request):
    """Stored weekly summaries, and a summary for any period on demand."""
    summaries = Paginator(WeeklySummary.objects.only("pk", "week_start", "sent_at", "created_at"), 25).get_page(
        request.GET.get("page")
    )
    figures = None
    form = SummaryPeriodForm(request.GET or None)
    if form.is_bound and form.is_valid():
        figures = selectors.relabel(
            selectors.summary_figures(start=form.cleaned_data["start"], end=form.cleaned_data["end"])
        )
    elif not form.is_bound:
        today = timezone.localdate()
        start = services.week_start_of(today)
        form = SummaryPeriodForm(initial={"start": start, "end": start + dt.timedelta(days=6)})
    return render(request, "complaints/weekly_summary.html", {"summaries": summaries, "form": form, "figures": figures})


@role_required(*SUMMARY_ROLES)
def weekly_summary_detail(request, pk):
    summary = get_object_or_404(WeeklySummary, pk=pk)
    return render(
        request,
        "complaints/weekly_summary_detail.html",
        {"summary": summary, "figures": selectors.relabel(summary.data)},
    )
