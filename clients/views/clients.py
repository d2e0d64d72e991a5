"""Client pages: list and export, create, edit, the client file, phone reveal, stage moves,
lost and tier forms, and the pipeline board."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients import selectors, services
from clients.filters import ClientFilter
from clients.forms import ClientForm, ConsentForm, HandoverForm, LostForm, MoveForm, TierForm, VisitCreateForm
from clients.models import AccessLog, Client, ClientConsent, Contract, FollowUpVisit, PrivacyNotice
from clients.views.common import BUDGET_READERS, MANAGERS, PAGE_SIZE, READERS, SALES, _log
from teams.access import get_visible_or_404, role_required, safe_next
from teams.exports import choice_display, export_allowed, export_response, export_rows
from teams.models import Team
from teams.pagination import CappedPaginator
from teams.views_helpers import form_page


@role_required(READERS)
def client_list(request):
    qs = Client.objects.visible_to(request.user).select_related("team", "consultant", "archive")
    filterset = ClientFilter(request.GET, queryset=qs)
    if not request.user.sees_all:
        filterset.form.fields.pop("team")
    if request.GET.get("export") == "xlsx":
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
        stage, value_tier, source = (choice_display(Client, name) for name in ("stage", "value_tier", "source"))
        rows = export_rows(
            filterset.qs,
            "clients",
            user=request.user,
            row=lambda c: [
                c.name,
                c.masked_phone,
                str(c.team),
                str(c.consultant or ""),
                stage(c),
                value_tier(c),
                source(c),
                c.address,
                c.created_at,
            ],
        )
        return export_response(
            request,
            kind="clients",
            filename=f"clients-{timezone.localdate():%Y%m%d}.xlsx",
            title=_("Clients"),
            headers=headers,
            rows=rows,
            widths=(12, 15, 12, 12, 12, 16, 14, 36, 18),
        )
    page = CappedPaginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "clients/client_list.html",
        {
            "filter": filterset,
            "page": page,
            "can_export": export_allowed(request.user, "clients"),
            "can_create": request.user.role in SALES,
        },
    )


@role_required(SALES)
def client_create(request):
    form = ClientForm(request.POST or None, team=request.user.team, initial={"consultant": request.user})

    def save(cleaned):
        data = {k: v for k, v in cleaned.items() if k != "version"}
        return services.client_create(created_by=request.user, data={**data, "team": request.user.team})

    return form_page(
        request,
        form=form,
        save=save,
        template="clients/client_form.html",
        done=lambda client: reverse("clients:detail", args=[client.pk]),
        message=lambda client: _("Lead %(name)s created.") % {"name": client.name},
    )


@role_required(SALES)
def client_edit(request, pk):
    client = get_visible_or_404(Client, request.user, pk=pk)
    form = ClientForm(request.POST or None, instance=client, team=client.team, initial={"version": client.version})

    def save(cleaned):
        data = {k: v for k, v in cleaned.items() if k != "version"}
        return services.client_update(client=client, by=request.user, version=cleaned["version"] or 0, data=data)

    return form_page(
        request,
        form=form,
        save=save,
        template="clients/client_form.html",
        context={"client": client},
        done=reverse("clients:detail", args=[client.pk]),
    )


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
    # The complaints tab: through the reverse relation and the complaints app's own scoping
    # (complaints sits above clients, which never imports it).
    complaints = list(client.complaints.visible_to(request.user).select_related("registered_by")[:50])
    timeline = selectors.client_timeline(client=client, user=request.user)
    contracts = list(Contract.objects.visible_to(request.user).filter(client=client))
    visits = list(FollowUpVisit.objects.visible_to(request.user).filter(client=client).select_related("owner"))
    phases = selectors.client_service_records(
        client=client,
        timeline=timeline,
        # Those who may see contracts see all of the client's; the others' phases use the client's first one.
        contracts=contracts if request.user.sees_all or request.user.role in SALES else None,
    )
    # select_related("archive") already tells whether the file was handed over.
    archive = getattr(client, "archive", None)
    is_sales = request.user.role in SALES
    return render(
        request,
        "clients/client_detail.html",
        {
            "client": client,
            "timeline": timeline,
            "phases": phases,
            "contracts": contracts,
            "visits": visits,
            "complaints": complaints,
            "archive": archive,
            "loans": list(archive.loans.all()) if archive else [],
            "is_sales": is_sales,
            "sees_budget": request.user.is_superuser or request.user.role in BUDGET_READERS,
            "move_targets": [
                s for s in Client.Stage if client.can_move_to(s) and s not in (Client.Stage.LOST, Client.Stage.SIGNED)
            ],
            "tier_form": TierForm(
                initial={"tier": client.value_tier if client.tier_overridden else "", "reason": client.tier_reason}
            ),
            "visit_form": VisitCreateForm(initial={"due_date": timezone.localdate() + dt.timedelta(days=7)}),
            "handover_form": HandoverForm(initial={"handed_on": timezone.localdate()}),
            "consent": ClientConsent.objects.filter(client=client).select_related("recorded_by", "notice").first(),
            "consent_form": ConsentForm(initial={"agreed_on": timezone.localdate()}),
            "privacy_notice": PrivacyNotice.current(),
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
    return redirect(safe_next(request, reverse("clients:detail", args=[client.pk])))


@role_required(SALES)
def client_lost(request, pk):
    client = get_visible_or_404(Client, request.user, pk=pk)
    return form_page(
        request,
        form=LostForm(request.POST or None),
        save=lambda cleaned: services.lead_mark_lost(client=client, by=request.user, **cleaned),
        template="clients/lost_form.html",
        context={"client": client},
        done=reverse("clients:detail", args=[client.pk]),
        message=_("%(name)s marked lost.") % {"name": client.name},
    )


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
