"""Sign in with WeCom (企业微信), and the deputy GM's page of first sign-ins to confirm (README "WeCom").

``wecom_login`` sends the browser to WeCom — its OAuth2 page inside WeCom's own browser, the QR-code page on a
desk PC — with a one-time ``state`` kept in the session; WeCom sends it back to ``wecom_callback`` with a
``code`` and that ``state``. A missing, wrong, used or stale ``state`` is refused (no login CSRF: nobody can
sign a browser in as someone else by making it open a callback link). The password login stays as it is.
"""

import logging
import secrets
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from teams import wecom
from teams.access import client_ip, role_required, safe_next
from teams.models import WeComLinkRequest
from teams.roles import Role
from teams.wecom_links import Refusal, wecom_link_confirm, wecom_link_refuse, wecom_sign_in

logger = logging.getLogger("teams.wecom")

STATE_KEY = "_wecom_login"
# WeCom's code is valid for 5 minutes; a sign-in not finished within 10 is started again.
STATE_SECONDS = 600
BACKEND = "teams.auth_cache.CachedModelBackend"


def _in_wecom(request) -> bool:
    """WeCom's own browser (phone or desktop client) names itself ``wxwork`` in its User-Agent."""
    return "wxwork" in request.headers.get("User-Agent", "").lower()


@require_GET
@never_cache
def wecom_login(request):
    """Start a WeCom sign-in (the login page's button; a WeCom message's link, with ``next``)."""
    if not wecom.enabled():
        raise Http404
    target = safe_next(request, "teams:home")
    if request.user.is_authenticated:
        return redirect(target)
    state = secrets.token_urlsafe(24)
    request.session[STATE_KEY] = {"state": state, "next": target, "at": int(time.time())}
    redirect_uri = f"{settings.SITE_URL}{reverse('teams:wecom_callback')}"
    return redirect(wecom.login_url(redirect_uri=redirect_uri, state=state, in_wecom=_in_wecom(request)))


def _refuse(request, reason: str, text: str, *, status: int = 403, userid: str = ""):
    logger.warning("WeCom sign-in refused (%s): userid=%s address=%s", reason, userid or "-", client_ip(request))
    return render(request, "registration/wecom_refused.html", {"text": text}, status=status)


@require_GET
@never_cache
def wecom_callback(request):
    """WeCom sends the browser back here with ``code`` and ``state``; sign in the linked account or refuse."""
    if not wecom.enabled():
        raise Http404
    saved = request.session.pop(STATE_KEY, None) or {}
    state = request.GET.get("state", "")
    fresh = int(time.time()) - int(saved.get("at", 0)) <= STATE_SECONDS
    if not (state and saved.get("state") and secrets.compare_digest(state, saved["state"]) and fresh):
        return _refuse(
            request,
            "state",
            _(
                "This WeCom sign-in was not started from this browser or has expired. "
                "Start again with the WeCom button on the login page."
            ),
            status=400,
        )
    code = request.GET.get("code", "")
    if not code:
        return _refuse(request, "cancelled", _("The WeCom sign-in was cancelled."))
    try:
        identity = wecom.user_identity(code)
    except wecom.WeComError as exc:
        logger.warning("WeCom did not answer who signed in: %s", exc)
        return _refuse(request, "no-identity", _unavailable(), status=502)
    result = wecom_sign_in(identity=identity)
    if result.user is None:
        return _refuse(request, result.refusal, _refusal_text(result), userid=identity.userid)
    auth_login(request, result.user, backend=BACKEND)
    logger.info("WeCom sign-in: %s as %s", identity.userid, result.user.username)
    return redirect(saved.get("next") or "teams:home")


def _unavailable() -> str:
    return _("WeCom could not confirm who you are just now. Try again in a minute, or sign in with your password.")


def _refusal_text(result) -> str:
    if result.refusal == Refusal.OUTSIDER:
        return _(
            "You are not a member of the company's WeCom, so you cannot sign in with it. "
            "Sign in with your username and password."
        )
    if result.refusal == Refusal.PENDING:
        return _(
            "Your WeCom account matches the staff account of %(name)s by its mobile. The deputy general manager "
            "must confirm this link before you can sign in with WeCom; they have been asked. Until then, sign in "
            "with your username and password."
        ) % {"name": result.matched}
    if result.refusal == Refusal.UNAVAILABLE:
        return _unavailable()
    return _(
        "Your WeCom account is not linked to any active staff account. Ask the deputy general manager or the "
        "system administrator to link it, or sign in with your username and password."
    )


# The deputy GM's confirmations ---------------------------------------------------------------------------


@role_required(Role.DEPUTY_GM)
@require_GET
def wecom_links(request):
    """First WeCom sign-ins matched by mobile, waiting for the deputy GM; and the last ones decided."""
    rows = WeComLinkRequest.objects.visible_to(request.user).select_related("user", "user__team", "decided_by")
    pending = list(rows.pending()[:100])
    decided = list(rows.exclude(state=WeComLinkRequest.State.PENDING)[:20])
    return render(request, "teams/wecom_links.html", {"pending": pending, "decided": decided})


@role_required(Role.DEPUTY_GM)
@require_POST
def wecom_link_confirm_view(request, pk):
    try:
        link = wecom_link_confirm(request_id=pk, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("teams:wecom_links")
    if link is None:
        raise Http404
    messages.success(request, _("%(name)s can now sign in with WeCom.") % {"name": link.user})
    return redirect("teams:wecom_links")


@role_required(Role.DEPUTY_GM)
@require_POST
def wecom_link_refuse_view(request, pk):
    link = wecom_link_refuse(request_id=pk, by=request.user)
    if link is None:
        raise Http404
    messages.success(request, _("Refused: WeCom account %(userid)s stays unlinked.") % {"userid": link.wecom_userid})
    return redirect("teams:wecom_links")
