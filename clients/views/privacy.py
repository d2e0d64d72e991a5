"""Personal-information pages of the client file: recording the client's consent."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients import services
from clients.forms import ConsentForm
from clients.models import Client
from clients.views.common import SALES
from teams.access import get_visible_or_404, role_required


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
