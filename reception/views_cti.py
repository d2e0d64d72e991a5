"""The phone system's pages: its webhook (token, not login), the screen-pop's poll, missed calls and callbacks."""

import hmac
import json
import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from clients.models import AccessLog
from clients.services.access_log import access_log_request
from reception import selectors, services_cti
from reception.forms import CallbackForm
from reception.models import CtiEvent, PhoneCall
from teams.access import client_ip, get_visible_or_404, role_required
from teams.pagination import CappedPaginator
from teams.ratelimit import rate_allow
from teams.roles import Role

DESK = (Role.FRONT_DESK, Role.DEPUTY_GM)
logger = logging.getLogger(__name__)


def _event_data(request) -> dict:
    """The event's fields, form-encoded (Zammad, most PBXs) or JSON; a list keeps its first value."""
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}
    return {key: request.POST.get(key) for key in request.POST}


@csrf_exempt
@require_POST
def cti_webhook(request, token):
    """The PBX posts ``newCall`` / ``answer`` / ``hangup`` here (README, "Telephony"). Protected by the token in
    the URL (``CTI_TOKEN``), not by a login: the phone system has no session."""
    data = _event_data(request)
    address = client_ip(request) or ""
    if not settings.CTI_TOKEN or not hmac.compare_digest(str(token).encode(), settings.CTI_TOKEN.encode()):
        # A guesser gets a few logged refusals a minute, then 429s that write nothing (no table to fill).
        if not rate_allow(f"cti-bad:{address}", limit=settings.CTI_BAD_TOKENS_PER_MINUTE):
            logger.warning("CTI bad token from %s: rate limited", address)
            return JsonResponse({"status": "rate_limited"}, status=429)
        services_cti.cti_event_log(data=data, outcome=CtiEvent.Outcome.BAD_TOKEN, remote_addr=address)
        return JsonResponse({"status": CtiEvent.Outcome.BAD_TOKEN}, status=403)
    if not rate_allow(f"cti:{address}", limit=settings.CTI_EVENTS_PER_MINUTE):
        logger.warning("CTI events from %s: over %s a minute, refused", address, settings.CTI_EVENTS_PER_MINUTE)
        return JsonResponse({"status": "rate_limited"}, status=429)
    result = services_cti.cti_event_apply(data=data, remote_addr=address)
    return JsonResponse({"status": result.outcome}, status=result.status)


@role_required(Role.FRONT_DESK)
@require_GET
def screen_pop(request):
    """htmx, every 1.5 s from every page of a clerk: the caller of the call live at her extension.

    204 (nothing to change) when nothing rings or the same call in the same state is already on screen; the
    empty fragment when the call she sees has ended; on answer, the call log form pre-filled (HX-Redirect).
    """
    phone_call = selectors.live_phone_call(user=request.user)
    showing = request.GET.get("showing", "")
    key = f"{phone_call.pk}:{phone_call.state}" if phone_call else ""
    if key == showing:
        return HttpResponse(status=204)
    if phone_call is None:
        return render(request, "reception/partials/screen_pop.html", {"card": None})
    if phone_call.state == PhoneCall.State.ANSWERED and phone_call.logged_call_id is None:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("reception:call_create") + "?" + urlencode({"phone_call": phone_call.pk})
        return response
    card = selectors.caller_card(phone_call=phone_call, user=request.user)
    return render(request, "reception/partials/screen_pop.html", {"card": card})


@role_required(*DESK)
def missed_calls(request):
    handled = request.GET.get("handled") == "1"
    page = CappedPaginator(selectors.missed_calls(user=request.user, handled=handled), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "reception/missed_calls.html",
        {"page": page, "handled": handled, "form": CallbackForm()},
    )


@role_required(*DESK)
@require_POST
def missed_callback(request, pk):
    phone_call = get_visible_or_404(PhoneCall, request.user, pk=pk)
    form = CallbackForm(request.POST)
    if form.is_valid():
        try:
            services_cti.missed_call_callback(
                phone_call=phone_call,
                by=request.user,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("Callback recorded."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Choose the outcome of the callback."))
    return redirect("reception:missed_calls")


@role_required(*DESK)
@require_POST
def phone_call_reveal(request, pk):
    """The caller's full number of a phone-system call, written to the access log."""
    phone_call = get_visible_or_404(PhoneCall.objects.select_related("client"), request.user, pk=pk)
    access_log_request(
        request,
        AccessLog.Action.REVEAL,
        client=phone_call.client,
        detail=_("Caller number of a phone-system call (%(when)s)") % {"when": f"{phone_call.rang_at:%Y-%m-%d %H:%M}"},
    )
    return render(
        request,
        "reception/partials/revealed_phone.html",
        {
            "number": phone_call.from_number,
            "masked": phone_call.masked_from,
            "reveal_url": request.path,
            "revealed": True,
            "pk": phone_call.pk,
        },
    )
