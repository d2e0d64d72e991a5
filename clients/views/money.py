"""Contract money pages: record a receipt or a refund, reverse a receipt, open a receipt's scan.
Share a contract's difference over its open payment stages.
Only the team's consultant and the deputy GM change money (``Contract.can_change_money``)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients import services
from clients.forms import ReceiptForm, ReversalForm
from clients.models import Contract, Receipt
from clients.views.common import MANAGERS
from teams.access import get_visible_or_404, role_required
from teams.views_helpers import form_page


def _money_contract(request, pk) -> Contract:
    contract = get_visible_or_404(Contract.objects.select_related("client", "team"), request.user, pk=pk)
    if not contract.can_change_money(request.user):
        raise Http404
    return contract


@role_required(MANAGERS)
def receipt_add(request, pk):
    contract = _money_contract(request, pk)
    initial = {"received_on": timezone.localdate(), "stage": request.GET.get("stage")}
    form = ReceiptForm(request.POST or None, request.FILES or None, contract=contract, initial=initial)

    def save(cleaned):
        return services.receipt_record(
            stage=cleaned["stage"],
            by=request.user,
            amount=cleaned["amount"],
            received_on=cleaned["received_on"],
            method=cleaned["method"],
            number=cleaned["number"],
            refund=cleaned["refund"],
            reason=cleaned["reason"],
            scan=cleaned["scan"],
            scan_type=form.content_type,
        )

    return form_page(
        request,
        form=form,
        save=save,
        template="clients/receipt_form.html",
        context={"contract": contract, "title": _("Record a receipt")},
        done=reverse("clients:contract_detail", args=[contract.pk]) + "#money",
        message=_("Receipt recorded."),
    )


@role_required(MANAGERS)
def receipt_reverse(request, pk, receipt_pk):
    contract = _money_contract(request, pk)
    receipt = get_object_or_404(
        Receipt.objects.select_related("stage"), pk=receipt_pk, contract=contract, reversed_by__isnull=True
    )
    form = ReversalForm(request.POST or None)
    return form_page(
        request,
        form=form,
        save=lambda cleaned: services.receipt_reverse(receipt=receipt, by=request.user, reason=cleaned["reason"]),
        template="clients/receipt_form.html",
        context={"contract": contract, "receipt": receipt, "title": _("Reverse a receipt")},
        done=reverse("clients:contract_detail", args=[contract.pk]) + "#money",
        message=_("Receipt reversed."),
    )


@role_required(MANAGERS)
def receipt_scan(request, pk, receipt_pk):
    contract = get_visible_or_404(Contract, request.user, pk=pk)
    receipt = get_object_or_404(Receipt, pk=receipt_pk, contract=contract)
    if not receipt.scan:
        raise Http404
    return FileResponse(
        receipt.scan.open("rb"),
        as_attachment=not receipt.is_image,
        filename=receipt.scan_name,
        content_type=receipt.scan_type,
    )


@role_required(MANAGERS)
@require_POST
def payment_stages_resplit(request, pk):
    contract = _money_contract(request, pk)
    try:
        changed = services.payment_stages_resplit(contract=contract, by=request.user)
        messages.success(request, _("%(n)s payment stages now add up to the current value.") % {"n": changed})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("clients:contract_detail", pk=contract.pk)
