import functools
import time
from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.middleware import get_user
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django_htmx.http import HttpResponseClientRedirect
from django_otp.middleware import OTPMiddleware

from teams import access_log, auth_cache, two_factor
from teams.access import NotVisible, RoleRefused

# Renew the session at most this often, so an active user's session does not
# expire while a request does not write the session on every hit.
RENEW_EVERY_SECONDS = 300


class CachedOTPMiddleware(OTPMiddleware):
    """django-otp's middleware (``request.user.is_verified()`` from the session's device) reading the device
    through the shared cache (teams/auth_cache.py) rather than the database on every request.

    The user is set up at once, not lazily: every request reads it (IdleSessionMiddleware below), and a
    plain object spares each of the ~90 reads of ``request.user`` in a request the two lazy proxies Django's
    and django-otp's middleware wrap it in (tests/teams/test_middleware_user.py)."""

    def _install_lazy_accessors(self, request):
        if hasattr(request, "user"):
            request.user = self._verify_user_sync(request, get_user(request))
        auser = getattr(request, "auser", None)
        if auser is not None:
            request.auser = functools.partial(self._verify_user_async_via_auser, request, auser)

    def _device_from_persistent_id(self, persistent_id: str):
        return auth_cache.cached_device(persistent_id, super()._device_from_persistent_id)


class IdleSessionMiddleware:
    """Sessions expire after SESSION_COOKIE_AGE of inactivity, and SESSION_ABSOLUTE_HOURS after sign-in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            if now - request.session.get("_signed_in", now) > settings.SESSION_ABSOLUTE_HOURS * 3600:
                logout(request)
                return redirect_to_login(request.get_full_path())
            touched = request.session.get("_touched", 0)
            # A page's own background poll (the screen-pop, header "X-Background: 1") is not the person's
            # activity: it must not keep an unattended session alive.
            background = request.headers.get("X-Background") == "1"
            if not background and now - touched > min(RENEW_EVERY_SECONDS, settings.SESSION_COOKIE_AGE // 2):
                request.session["_touched"] = now  # marks the session modified: saved with a new expiry
        response = self.get_response(request)
        if request.user.is_authenticated and "_signed_in" not in request.session:
            request.session["_signed_in"] = int(time.time())  # the sign-in (or the first request after a deploy)
        return response


class SecurityHeadersMiddleware:
    """A Content-Security-Policy on every response (no inline script: page behaviours live in
    static/js/app.js), and ``Cache-Control: no-store`` on every page served to a signed-in user, since
    those pages carry client data that a shared PC's browser cache must not keep."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers["Cache-Control"] = "no-store, private"
        return response


class RefusalLogMiddleware:
    """Writes each refusal of the access helpers (teams.access: a role that may not, a
    record not visible) to the access log: who, which URL name and object ids, never
    the query string or any field value, which could hold personal data."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (RoleRefused, NotVisible)) or not request.user.is_authenticated:
            return None
        match = request.resolver_match
        parts = [match.view_name] if match else []
        if match:
            parts += [f"{key}={value}" for key, value in match.kwargs.items() if str(value).isdigit()]
        if exception.target:
            parts.append(f"({exception.target})")
        status = 403 if isinstance(exception, RoleRefused) else 404
        access_log.access_record(request, access_log.REFUSED, detail=f"{status} " + " ".join(parts))
        return None


class TwoFactorMiddleware:
    """A signed-in session without its second factor reaches only the two-factor pages, sign-out and the
    language switch (teams/two_factor.py): everyone else is sent to verification (who has a device) or to
    enrolment (who must have one). A valid remember cookie verifies the session on the way."""

    # URL names open to a session that has not passed the second factor.
    OPEN = frozenset(
        {"teams:two_factor_verify", "teams:two_factor_enrol", "logout", "login", "set_language", "healthz"}
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return self.get_response(request)
        match = getattr(request, "resolver_match", None) or _resolve(request.path_info)
        if match is not None and match.view_name in self.OPEN:
            return self.get_response(request)
        if two_factor.session_has_device(request):
            device = two_factor.remembered_device(request)
            if device is not None:
                django_otp.login(request, device)
                return self.get_response(request)
            target = "teams:two_factor_verify"
        elif two_factor.two_factor_required(user):
            target = "teams:two_factor_enrol"
        else:
            return self.get_response(request)
        url = reverse(target)
        if request.method == "GET" and not request.htmx:
            url += "?" + urlencode({"next": request.get_full_path()})
        if request.htmx:
            return HttpResponseClientRedirect(url)
        return redirect(url)


def _resolve(path):
    try:
        return resolve(path)
    except Resolver404:
        return None
