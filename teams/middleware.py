import time

from django.conf import settings

from teams import audit
from teams.access import NotVisible, RoleRefused

# Renew the session at most this often, so an active user's session does not
# expire while a request does not write the session on every hit.
RENEW_EVERY_SECONDS = 300


class IdleSessionMiddleware:
    """Sessions expire after SESSION_COOKIE_AGE of inactivity, not after login."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            touched = request.session.get("_touched", 0)
            if now - touched > min(RENEW_EVERY_SECONDS, settings.SESSION_COOKIE_AGE // 2):
                request.session["_touched"] = now  # marks the session modified: saved with a new expiry
        return self.get_response(request)


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
        audit.access_record(request, audit.REFUSED, detail=f"{status} " + " ".join(parts))
        return None
