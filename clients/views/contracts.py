"""Contract pages: sign, read, edit, payment stages and scanned attachments."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients import services
from clients.forms import AttachmentForm, ContractForm, PaymentForm
from clients.models import STAGE_STATUS_LABELS, Client, Contract, ContractAttachment, PaymentStage
from clients.views.common import MANAGERS, SALES
from teams.access import get_visible_or_404, role_required
from teams.registry import run_hooks
from teams.submissions import submit_once
from teams.views_helpers import form_page


@role_required(SALES)
def contract_sign(request, pk):
    client = get_visible_or_404(Client, request.user, pk=pk)
    if client.stage not in (Client.Stage.MEASURED, Client.Stage.PROPOSAL, Client.Stage.QUOTED):
        messages.error(request, _("Only a lead that has been measured, proposed or quoted can sign a contract."))
        return redirect("clients:detail", pk=client.pk)
    initial = {"signed_date": timezone.localdate(), "address": client.address, "floor_area": client.floor_area}
    form = ContractForm(request.POST or None, initial=initial)

    def save(cleaned):
        data = {k: v for k, v in cleaned.items() if k != "version"}
        return services.contract_sign(client=client, by=request.user, data=data)

    return form_page(
        request,
        form=form,
        save=save,
        template="clients/contract_form.html",
        context={"client": client},
        done=lambda contract: reverse("clients:contract_detail", args=[contract.pk]),
        message=lambda contract: (
            _("Contract %(number)s signed; the project and the visit plan are ready.") % {"number": contract.number}
        ),
    )


@role_required(MANAGERS)
def contract_detail(request, pk):
    contract = get_visible_or_404(
        Contract.objects.select_related("client", "team", "signed_by").prefetch_related("payments"), request.user, pk=pk
    )
    today = timezone.localdate()
    payments = list(contract.payments.all())
    for payment in payments:
        payment.state = payment.status(today)
        payment.state_label = STAGE_STATUS_LABELS[payment.state]
    return render(
        request,
        "clients/contract_detail.html",
        {
            "contract": contract,
            "payments": payments,
            "money": services.contract_money(contract),
            "receipts": list(contract.receipts.select_related("stage", "recorded_by", "reversed_by")),
            "can_change_money": contract.can_change_money(request.user),
            # What the floors above add to the contract page (projects: its change orders).
            "contract_links": [link for links in run_hooks("contract_links", contract=contract) for link in links],
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

    def save(cleaned):
        data = {k: v for k, v in cleaned.items() if k != "version"}
        if not data.get("number"):
            data["number"] = contract.number
        return services.contract_update(contract=contract, by=request.user, version=cleaned["version"] or 0, data=data)

    return form_page(
        request,
        form=form,
        save=save,
        template="clients/contract_form.html",
        context={"client": contract.client, "contract": contract},
        done=reverse("clients:contract_detail", args=[contract.pk]),
    )


@role_required(SALES)
def payment_edit(request, pk, payment_pk=None):
    contract = get_visible_or_404(Contract, request.user, pk=pk)
    payment = get_object_or_404(PaymentStage, pk=payment_pk, contract=contract) if payment_pk else None
    form = PaymentForm(request.POST or None, instance=payment)
    if request.method == "POST" and form.is_valid():
        submit_once(
            request,
            form,
            lambda: services.payment_save(contract=contract, by=request.user, payment=payment, **form.cleaned_data),
        )
        messages.success(request, _("Payment saved."))
        return redirect("clients:contract_detail", pk=contract.pk)
    return render(request, "clients/payment_form.html", {"form": form, "contract": contract, "payment": payment})


@role_required(SALES)
@require_POST
def contract_attach(request, pk):
    contract = get_visible_or_404(Contract, request.user, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            submit_once(
                request,
                form,
                lambda: services.contract_attach(
                    contract=contract, by=request.user, upload=form.cleaned_data["file"], content_type=form.content_type
                ),
            )
        except ValidationError as exc:  # the disk is full, say
            messages.error(request, " ".join(exc.messages))
        else:
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
