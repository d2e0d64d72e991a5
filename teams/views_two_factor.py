"""Two-factor sign-in pages (teams/two_factor.py): enrolment, verification, the account's security page
and new recovery codes. TwoFactorMiddleware lets an unverified session reach only the first two."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from teams import two_factor
from teams.access import safe_next
from teams.forms import TwoFactorTokenForm


@login_required
def enrol(request):
    """Scan the QR code, type the first code: the device is written only when that code is right."""
    if two_factor.has_device(request.user):
        return redirect("teams:security")
    key = two_factor.pending_key(request)
    form = TwoFactorTokenForm(request.POST or None)
    form.fields["token"].help_text = ""  # no recovery codes yet
    if request.method == "POST" and form.is_valid():
        codes = two_factor.enrolment_confirm(request, token=form.cleaned_data["token"])
        if codes is not None:
            response = render(
                request, "teams/two_factor_codes.html", {"codes": codes, "next": safe_next(request, "teams:home")}
            )
            if form.cleaned_data["remember"]:
                two_factor.remember(response, two_factor.totp_device(request.user))
            return response
        form.add_error("token", _("This code is not right. Check the time on your phone and try the next code."))
    uri = two_factor.otpauth_uri(request.user, key)
    context = {
        "form": form,
        "qr": segno.make(uri, error="m").svg_data_uri(scale=5, border=2),
        "secret": two_factor.base32_secret(key),
        "required": two_factor.two_factor_required(request.user),
        "next": safe_next(request, "teams:home"),
    }
    return render(request, "teams/two_factor_enrol.html", context)


@login_required
def verify(request):
    """The second step of signing in: the app's code or a recovery code (used up)."""
    if not two_factor.has_device(request.user):
        request.session[two_factor.HAS_DEVICE_KEY] = False  # reset by a superuser meanwhile
        return redirect("teams:two_factor_enrol" if two_factor.two_factor_required(request.user) else "teams:home")
    form = TwoFactorTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.verify(request, token=form.cleaned_data["token"])
        if device is not None:
            response = redirect(safe_next(request, "teams:home"))
            if form.cleaned_data["remember"]:
                two_factor.remember(response, device)
            return response
        form.add_error("token", _("This code is not right, or was already used."))
    return render(request, "teams/two_factor_verify.html", {"form": form, "next": safe_next(request, "teams:home")})


@login_required
@require_GET
def security(request):
    """The person's own sign-in security: enrolled or not, recovery codes left."""
    user = request.user
    context = {
        "enrolled": two_factor.has_device(user),
        "required": two_factor.two_factor_required(user),
        "codes_left": two_factor.recovery_codes_left(user),
    }
    return render(request, "teams/security.html", context)


@login_required
@require_POST
def recovery_codes(request):
    """New recovery codes (the old ones stop working), shown once."""
    if not two_factor.has_device(request.user):
        messages.error(request, _("Set up two-factor sign-in first."))
        return redirect("teams:security")
    codes = two_factor.recovery_codes_renew(user=request.user)
    return render(request, "teams/two_factor_codes.html", {"codes": codes, "next": "/"})
