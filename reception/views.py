import contextlib

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from clients.models import AccessLog, Client
from clients.services.access_log import access_log_request
from complaints.models import Complaint
from reception import selectors, services
from reception.filters import CallFilter, VisitFilter
from reception.forms import CallForm, ForwardCloseForm, LeadForm, VisitForm
from reception.models import Call, PhoneCall, Visit
from teams.access import ALL_ROLES, get_visible_or_404, role_required, safe_next
from teams.exports import choice_display, export_response, export_rows
from teams.forms import add_service_errors
from teams.pagination import CappedPaginator
from teams.phones import mask_phone
from teams.roles import Role
from teams.submissions import submit_once

DESK = (Role.FRONT_DESK, Role.DEPUTY_GM)


@role_required(ALL_ROLES)
def call_list(request):
    filterset = CallFilter(request.GET, queryset=selectors.call_list(user=request.user))
    calls = filterset.qs
    if request.GET.get("export") == "xlsx":
        headers = [
            _("Time"),
            _("Caller"),
            _("Phone"),
            _("Caller type"),
            pgettext("call or visit", "Purpose"),
            _("Summary"),
            _("Important"),
        ]
        headers += [_("Forwarded to"), _("Acknowledged at"), _("Logged by")]
        caller_type, yes = choice_display(Call, "caller_type"), _("Yes")
        rows = export_rows(
            calls,
            "calls",
            user=request.user,
            row=lambda c: [
                c.called_at,
                c.caller_name,
                mask_phone(c.phone),
                caller_type(c),
                c.purpose,
                c.summary,
                yes if c.important else "",
                str(c.forward_to or c.forward_team or ""),
                c.acknowledged_at,
                str(c.logged_by),
            ],
        )
        return export_response(
            request,
            kind="calls",
            filename=f"calls-{timezone.localdate():%Y%m%d}.xlsx",
            title=_("Calls"),
            headers=headers,
            rows=rows,
            widths=(18, 12, 15, 12, 18, 40, 8, 15, 18, 12),
        )
    page = CappedPaginator(calls, 25).get_page(request.GET.get("page"))
    return render(request, "reception/call_list.html", {"filter": filterset, "page": page, "now": timezone.now()})


def _call_initial(request, clients, phone_calls) -> tuple[dict, object, object]:
    """The form's initial values from the screen-pop (``?phone_call=``) or the search box (``?client=``):
    the caller's number and time from the phone system, the client it matched."""
    initial, chosen, phone_call = {}, None, None
    pk = request.GET.get("phone_call", "")
    if pk.isdigit():
        phone_call = phone_calls.filter(pk=pk).select_related("client__team").first()
    if phone_call is not None:
        chosen = phone_call.client
        initial.update(
            phone=phone_call.from_number if phone_call.direction == "in" else phone_call.to_number,
            called_at=timezone.localtime(phone_call.rang_at).strftime("%Y-%m-%dT%H:%M"),
            phone_call=phone_call.pk,
            caller_type=Call.CallerType.CLIENT if chosen else Call.CallerType.PROSPECT,
        )
    elif request.GET.get("client", "").isdigit():
        chosen = clients.filter(pk=request.GET["client"]).select_related("team").first()
    if chosen is not None:
        initial.update(client=chosen.pk, caller_name=chosen.name, caller_type=Call.CallerType.CLIENT)
    return initial, chosen, phone_call


@role_required(*DESK)
def call_create(request):
    clients = selectors.findable_clients(request.user)
    phone_calls = PhoneCall.objects.visible_to(request.user)
    initial, chosen, phone_call = (
        ({}, None, None) if request.method == "POST" else _call_initial(request, clients, phone_calls)
    )
    form = CallForm(request.POST or None, clients=clients, phone_calls=phone_calls, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        call = submit_once(
            request,
            form,
            lambda: services.call_log(
                logged_by=request.user,
                caller_name=data["caller_name"],
                phone=data["phone"],
                caller_type=data["caller_type"],
                purpose=data["purpose"],
                summary=data["summary"],
                important=data["important"],
                called_at=data["called_at"],
                client=data["client"],
                forward_to=data["forward_to"],
                forward_team=data["forward_team"],
                phone_call=data["phone_call"],
            ),
        )
        messages.success(request, _("Call from %(name)s logged.") % {"name": call.caller_name})
        if "complaint" in request.POST:
            return redirect(reverse("complaints:register") + "?" + urlencode({"call": call.pk, "channel": "phone"}))
        if "lead" in request.POST:
            return redirect("reception:call_detail", pk=call.pk)
        return redirect("reception:call_list")
    chosen = _chosen_client(form, clients) if form.is_bound else chosen
    # The screen-pop already shows this call as answered: its poll must not send her here again.
    showing = f"{phone_call.pk}:{phone_call.state}" if phone_call else ""
    return render(request, "reception/call_form.html", {"form": form, "chosen": chosen, "screen_pop_showing": showing})


def _chosen_client(form, clients):
    """The client picked in the lookup, shown again when the form comes back with errors."""
    client_id = form.data.get("client") if form.is_bound else None
    if not client_id or not str(client_id).isdigit():
        return None
    return clients.filter(pk=client_id).select_related("team").first()


@role_required(ALL_ROLES)
def call_detail(request, pk, close_form=None):
    call = get_visible_or_404(selectors.call_list(user=request.user), request.user, pk=pk)
    complaints = Complaint.objects.visible_to(request.user).filter(call=call).select_related("team")
    lead_form = LeadForm(initial={"team": call.forward_team})
    # The client file, for whoever may open it (the recipient's team); the front desk sees none.
    client_openable = (
        call.client_id is not None and Client.objects.visible_to(request.user).filter(pk=call.client_id).exists()
    )
    return render(
        request,
        "reception/call_detail.html",
        {
            "call": call,
            "complaints": complaints,
            "lead_form": lead_form,
            "can_make_lead": request.user.has_role(*DESK) and call.lead_id is None and call.client_id is None,
            "can_acknowledge": call.may_acknowledge(request.user),
            "can_close": call.may_close_forward(request.user),
            "close_form": close_form or ForwardCloseForm(),
            "client_openable": client_openable,
            "phone_call": PhoneCall.objects.filter(logged_call=call).first(),
        },
        status=400 if close_form is not None else 200,
    )


@role_required(ALL_ROLES)
@require_POST
def call_forward_close(request, pk):
    """The recipient's outcome of a forwarded call (已回电 / 已处理 / 无法联系) with a note closes it."""
    call = get_visible_or_404(Call, request.user, pk=pk)
    if call.forward_closed_at is None and not call.may_close_forward(request.user):
        raise PermissionDenied  # the front desk sees the call; only its recipient says what came of it
    form = ForwardCloseForm(request.POST)
    if form.is_valid():
        try:
            services.call_forward_close(
                call=call, user=request.user, outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"]
            )
            messages.success(request, _("Forward closed. The front desk can see the outcome."))
            return redirect("reception:call_detail", pk=pk)
        except services.AlreadyDone:
            messages.info(request, _("This forward was already closed."))
            return redirect("reception:call_detail", pk=pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return call_detail(request, pk, close_form=form)


@role_required(ALL_ROLES)
@require_POST
def call_reveal_phone(request, pk):
    """The caller's full number, for whoever may see the call (the recipient of a forward), written to the
    access log like a client's phone."""
    call = get_visible_or_404(Call.objects.select_related("client"), request.user, pk=pk)
    access_log_request(
        request,
        AccessLog.Action.REVEAL,
        client=call.client,
        detail=_("Caller phone of the call of %(when)s")
        % {"when": f"{timezone.localtime(call.called_at):%Y-%m-%d %H:%M}"},
    )
    return render(
        request,
        "reception/partials/revealed_phone.html",
        {"pk": f"call-{call.pk}", "number": call.phone, "revealed": True},
    )


@role_required(ALL_ROLES)
@require_POST
def call_acknowledge(request, pk):
    call = get_visible_or_404(Call, request.user, pk=pk)
    try:
        services.call_acknowledge(call=call, user=request.user)
        messages.success(request, _("Acknowledged. The front desk can see it."))
    except services.AlreadyDone:
        messages.info(request, _("This call had already been acknowledged."))
    if request.htmx:
        call = selectors.call_list(user=request.user).get(pk=pk)
        return render(request, "reception/partials/forward_state.html", {"call": call, "can_acknowledge": False})
    return redirect("reception:call_detail", pk=pk)


@role_required(*DESK)
@require_POST
def call_lead(request, pk):
    call = get_visible_or_404(Call, request.user, pk=pk)
    form = LeadForm(request.POST)
    if form.is_valid():
        try:
            client = services.call_make_lead(
                call=call,
                user=request.user,
                team=form.cleaned_data["team"],
                consented=form.cleaned_data["consented"],
            )
            messages.success(request, _("Lead %(name)s created for %(team)s.") % {"name": client, "team": client.team})
        except services.AlreadyDone:
            messages.info(request, _("A lead was already created from this call."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Choose a team."))
    return redirect("reception:call_detail", pk=pk)


@role_required(ALL_ROLES)
def client_lookup(request):
    """htmx: clients matching the typed phone or name (name, masked phone, team, open complaints)."""
    query = next((request.GET[k] for k in ("q", "phone", "caller_phone") if request.GET.get(k)), "")
    results = selectors.client_lookup(user=request.user, query=query)
    context = {"results": results, "query": query, "too_short": selectors.lookup_condition(query) is None}
    return render(request, "reception/partials/client_lookup.html", context)


@role_required(ALL_ROLES)
def visit_list(request):
    filterset = VisitFilter(request.GET, queryset=selectors.visit_list(user=request.user))
    page = CappedPaginator(filterset.qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "reception/visit_list.html",
        {
            "filter": filterset,
            "page": page,
            # The team choices once for the page, not one query per row offering "create a lead".
            "lead_teams": list(LeadForm().fields["team"].choices),
            "is_desk": request.user.has_role(*DESK),
        },
    )


@role_required(*DESK)
def visit_create(request):
    clients = selectors.findable_clients(request.user)
    form = VisitForm(request.POST or None, clients=clients)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        visit = submit_once(
            request,
            form,
            lambda: services.visit_log(
                logged_by=request.user,
                visitor_name=data["visitor_name"],
                phone=data["phone"],
                purpose=data["purpose"],
                party_size=data["party_size"],
                host=data["host"],
                client=data["client"],
                arrived_at=data["arrived_at"],
            ),
        )
        messages.success(request, _("Visit of %(name)s logged.") % {"name": visit.visitor_name})
        if "complaint" in request.POST:
            params = {"caller_name": visit.visitor_name, "phone": visit.phone, "channel": "visit"}
            if visit.client_id:
                params["client"] = visit.client_id
            return redirect(reverse("complaints:register") + "?" + urlencode(params))
        return redirect("reception:visit_list")
    return render(request, "reception/visit_form.html", {"form": form, "chosen": _chosen_client(form, clients)})


@role_required(*DESK)
@require_POST
def visit_leave(request, pk):
    visit = get_visible_or_404(Visit, request.user, pk=pk)
    with contextlib.suppress(services.AlreadyDone):
        services.visit_leave(visit=visit)
    return redirect(safe_next(request, "reception:visit_list"))


@role_required(*DESK)
@require_POST
def visit_lead(request, pk):
    visit = get_visible_or_404(Visit, request.user, pk=pk)
    form = LeadForm(request.POST)
    if form.is_valid():
        try:
            client = services.visit_make_lead(
                visit=visit,
                user=request.user,
                team=form.cleaned_data["team"],
                consented=form.cleaned_data["consented"],
            )
            messages.success(request, _("Lead %(name)s created for %(team)s.") % {"name": client, "team": client.team})
        except services.AlreadyDone:
            messages.info(request, _("A lead was already created from this visit."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Choose a team."))
    return redirect("reception:visit_list")
