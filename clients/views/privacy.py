"""Personal-information pages: the client's consent (client file), and the deputy GM's desk of clients'
requests to see, correct or delete what the company holds about them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clients import selectors, services
from clients.forms import ConsentForm, CorrectionForm, EraseForm, PrivacyAnswerForm, PrivacyRequestForm
from clients.models import Client, PrivacyRequest
from clients.views.common import PAGE_SIZE, SALES
from teams.access import get_visible_or_404, role_required
from teams.exports import Sheet, json_response, workbook_response
from teams.pagination import CappedPaginator
from teams.roles import Role
from teams.views_helpers import form_page


@role_required(SALES)
@require_POST
def consent_record(request, pk):
    client = get_visible_or_404(Client, request.user, pk=pk)
    form = ConsentForm(request.POST)
    if form.is_valid():
        services.consent_record(
            client=client,
            by=request.user,
            method=form.cleaned_data["method"],
            purpose=form.cleaned_data["purpose"],
            agreed_at=form.cleaned_data["agreed_on"],
        )
        messages.success(request, _("Consent recorded."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("clients:detail", pk=client.pk)


# The deputy GM's desk of clients' requests (个人信息权利请求) -------------------------------------------------


@role_required(Role.DEPUTY_GM)
@require_GET
def privacy_requests(request):
    qs = PrivacyRequest.objects.visible_to(request.user).select_related("client")
    state = request.GET.get("state", "open")
    if state in PrivacyRequest.State.values:
        qs = qs.filter(state=state)
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "clients/privacy_requests.html",
        {"page": page, "state": state, "states": PrivacyRequest.State.choices, "today": timezone.localdate()},
    )


@role_required(Role.DEPUTY_GM)
def privacy_request_create(request, pk):
    client = get_visible_or_404(Client, request.user, pk=pk)
    form = PrivacyRequestForm(request.POST or None, initial={"received_on": timezone.localdate()})
    return form_page(
        request,
        form=form,
        save=lambda cleaned: services.privacy_request_record(client=client, by=request.user, **cleaned),
        template="clients/privacy_request_form.html",
        context={"client": client},
        done=lambda row: reverse("clients:privacy_request_detail", args=[row.pk]),
        message=_("Request recorded."),
    )


def _request_or_404(request, pk) -> PrivacyRequest:
    return get_visible_or_404(PrivacyRequest.objects.select_related("client", "client__team"), request.user, pk=pk)


@role_required(Role.DEPUTY_GM)
@require_GET
def privacy_request_detail(request, pk):
    row = _request_or_404(request, pk)
    context = {
        "req": row,
        "client": row.client,
        "steps": list(row.steps.select_related("actor")),
        "answer_form": PrivacyAnswerForm(),
        "erase_form": EraseForm(),
        "today": timezone.localdate(),
    }
    return render(request, "clients/privacy_request_detail.html", context)


@role_required(Role.DEPUTY_GM)
@require_GET
def privacy_request_export(request, pk):
    """Everything held about the client: a workbook (one sheet per kind of record) or JSON."""
    row = _request_or_404(request, pk)
    tables = selectors.client_data(client=row.client)
    stamp = f"{timezone.localdate():%Y%m%d}"
    detail = f"client {row.client_id}, request {row.pk}"
    file_format = "json" if request.GET.get("format") == "json" else "xlsx"
    services.privacy_request_exported(request=row, by=request.user, file_format=file_format)
    if file_format == "json":
        data = {label: [dict(zip(names, values, strict=True)) for values in rows] for label, names, rows in tables}
        return json_response(
            request,
            kind="client_data",
            filename=f"client-{row.client_id}-{stamp}.json",
            data=data,
            detail=detail,
            row_count=sum(len(rows) for _label, _names, rows in tables),
        )
    sheets = [Sheet(label, names, rows) for label, names, rows in tables]
    return workbook_response(
        request, kind="client_data", filename=f"client-{row.client_id}-{stamp}.xlsx", sheets=sheets, detail=detail
    )


@role_required(Role.DEPUTY_GM)
def privacy_request_correct(request, pk):
    row = _request_or_404(request, pk)
    client = row.client
    form = CorrectionForm(request.POST or None, instance=client, initial={"version": client.version})

    def save(cleaned):
        data = {k: v for k, v in cleaned.items() if k != "version"}
        return services.privacy_request_correct(
            request=row, by=request.user, version=cleaned["version"] or 0, data=data
        )

    return form_page(
        request,
        form=form,
        save=save,
        template="clients/privacy_request_correct.html",
        context={"req": row, "client": client},
        done=reverse("clients:privacy_request_detail", args=[row.pk]),
    )


@role_required(Role.DEPUTY_GM)
@require_POST
def privacy_request_erase(request, pk):
    row = _request_or_404(request, pk)
    form = EraseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the box to confirm the erasure."))
    elif services.privacy_request_erase(request=row, by=request.user):
        messages.success(request, _("The client's personal information was erased."))
    else:
        messages.info(request, _("This client was already anonymised."))
    return redirect("clients:privacy_request_detail", pk=row.pk)


@role_required(Role.DEPUTY_GM)
@require_POST
def privacy_request_answer(request, pk):
    row = _request_or_404(request, pk)
    form = PrivacyAnswerForm(request.POST)
    if form.is_valid():
        try:
            services.privacy_request_answer(request=row, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Answer recorded."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("clients:privacy_request_detail", pk=row.pk)
