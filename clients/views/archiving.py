"""The paper archive: the hand-over by the consultant and the admin clerk's receipt and loans."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients import selectors, services
from clients.forms import HandoverForm, LoanForm, ReceiveForm
from clients.models import ArchiveHandover, ArchiveLoan, Client
from clients.views.common import PAGE_SIZE, SALES
from teams.access import get_visible_or_404, role_required
from teams.roles import Role
from teams.submissions import submit_once


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
            submit_once(
                request, form, lambda: services.archive_hand_over(client=client, by=request.user, **form.cleaned_data)
            )
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
            submit_once(
                request, form, lambda: services.archive_lend(handover=handover, by=request.user, **form.cleaned_data)
            )
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
