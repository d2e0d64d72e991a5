import time

from django.conf import settings

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
