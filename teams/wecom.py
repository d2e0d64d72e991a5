"""WeCom (企业微信) server API: the access token, one ``call`` with WeCom's errcodes handled, and the few calls
the product makes — who signed in (OAuth2 / QR-code login), their mobile, and a text card to a person.

A small client on ``urllib`` rather than wechatpy (README "WeCom": its last release is from 2021, and four
endpoints do not need it). The base address is ``settings.WECOM_API_BASE``: WeCom itself, or the fake of
``teams/wecom_fake.py`` in the tests and the demo.

- The access token is kept in the Django cache (shared by every process with Redis) until shortly before it
  expires, and fetched again when WeCom answers that it is invalid or expired (40014, 42001, 41001).
- A rate-limit answer (45009, 45033…) is retried after a short wait, then raises ``WeComRateLimited`` and pauses
  every call for a while (doubling up to ``WECOM_PAUSE_MAX_SECONDS``), so a scan of many deliveries does not keep
  knocking; the outbox waits ``retry_after`` before the delivery's next attempt (teams/services.py delivery_send).
- ``WeComPermanentError``: no retry can fix it (the person is not in the corp or not in the application's
  visible range); ``WeComTransientError`` (everything else, including a wrong secret, which an administrator
  fixes without anyone resending): the outbox tries again.
"""

import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

# https://developer.work.weixin.qq.com/document/path/90313 (全局错误码)
TOKEN_ERRORS = frozenset({40014, 42001, 41001})  # invalid, expired, missing access_token
RATE_LIMIT_ERRORS = frozenset({45009, 45033, 45011})  # too many calls, too many at once, too frequent
# The recipient is not a member, not in the application's visible range, or the request can never succeed.
PERMANENT_ERRORS = frozenset({40003, 40031, 60111, 81013, 82001, 44004, 40058})
# A pause after a rate limit starts at this many seconds and doubles at each further limit within the hour.
PAUSE_START_SECONDS = 60


class WeComError(Exception):
    """WeCom answered with a non-zero errcode (``errcode`` is None for a network or HTTP failure)."""

    def __init__(self, errcode: int | None, errmsg: str, path: str = ""):
        self.errcode, self.errmsg, self.path = errcode, errmsg, path
        super().__init__(f"WeCom {path}: {errcode} {errmsg}".strip())


class WeComTransientError(WeComError):
    """Worth trying again later (network, WeCom busy, a token or configuration problem being fixed)."""


class WeComRateLimited(WeComTransientError):
    """WeCom's rate limit: try again after ``retry_after`` seconds, not before."""

    retry_after: float = PAUSE_START_SECONDS


class WeComPermanentError(WeComError):
    """No retry can fix it: the delivery is given up at once and shown to the deputy GM."""


def error_for(errcode: int | None, errmsg: str, path: str) -> WeComError:
    if errcode in PERMANENT_ERRORS:
        return WeComPermanentError(errcode, errmsg, path)
    if errcode in RATE_LIMIT_ERRORS:
        return WeComRateLimited(errcode, errmsg, path)
    return WeComTransientError(errcode, errmsg, path)


def enabled() -> bool:
    """The feature is on only with a corp ID, an agent ID and a secret (README "WeCom")."""
    return bool(settings.WECOM_CORP_ID and settings.WECOM_AGENT_ID and settings.WECOM_SECRET)


# The raw HTTP exchange ----------------------------------------------------------------------------------


def _request(path: str, *, params: dict, body: dict | None = None) -> dict:
    """One HTTP call; the JSON answer, or a ``WeComError``. Never logs the query (it carries the token)."""
    url = f"{settings.WECOM_API_BASE}{path}?{urllib.parse.urlencode(params)}"
    if not url.startswith(("https://", "http://")):
        raise WeComPermanentError(None, "WECOM_API_BASE must be http(s)", path)
    data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, data=data, method="POST" if data is not None else "GET"
    )
    if data is not None:
        request.add_header("Content-Type", "application/json; charset=utf-8")
    try:
        with urllib.request.urlopen(request, timeout=settings.WECOM_TIMEOUT_SECONDS) as response:  # noqa: S310
            answer = json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        raise WeComTransientError(None, f"HTTP {exc.code}", path) from None
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        raise WeComTransientError(None, type(exc).__name__, path) from None
    errcode = answer.get("errcode", 0)
    if errcode:
        raise error_for(errcode, str(answer.get("errmsg", "")), path)
    return answer


# The access token (cached) ------------------------------------------------------------------------------


def _token_key() -> str:
    return f"wecom:token:v1:{settings.WECOM_CORP_ID}:{settings.WECOM_AGENT_ID}"


def access_token(*, refresh: bool = False) -> str:
    """The application's access token: from the cache, or fetched (and cached until 5 minutes before WeCom's
    ``expires_in``, 7200 s). ``refresh`` fetches a new one whatever the cache holds."""
    key = _token_key()
    if not refresh:
        token = cache.get(key)
        if token:
            return token
    answer = _request(
        "/cgi-bin/gettoken", params={"corpid": settings.WECOM_CORP_ID, "corpsecret": settings.WECOM_SECRET}
    )
    token = answer["access_token"]
    cache.set(key, token, max(60, int(answer.get("expires_in", 7200)) - 300))
    return token


# Rate limits: a short retry, then a shared pause --------------------------------------------------------

_PAUSE_KEY = "wecom:paused-until:v1"
_LEVEL_KEY = "wecom:pause-level:v1"


def paused_for(now: float | None = None) -> float:
    """Seconds left of the pause after WeCom's last rate-limit answer (0: calls may go)."""
    until = cache.get(_PAUSE_KEY)
    left = (until or 0) - (now or time.time())
    return max(0.0, left)


def _pause() -> float:
    """Start (or lengthen) the pause after a rate limit: 60 s, then 120 s, … up to WECOM_PAUSE_MAX_SECONDS."""
    level = cache.get(_LEVEL_KEY) or 0
    seconds = min(settings.WECOM_PAUSE_MAX_SECONDS, PAUSE_START_SECONDS * 2**level)
    cache.set(_LEVEL_KEY, level + 1, 3600)
    cache.set(_PAUSE_KEY, time.time() + seconds, int(seconds) + 1)
    return seconds


def call(path: str, *, params: dict | None = None, body: dict | None = None) -> dict:
    """Call a WeCom API with the access token; the JSON answer.

    An invalid or expired token is fetched again once and the call repeated; a rate limit is waited out
    ``WECOM_RATE_LIMIT_RETRIES`` times (``WECOM_BACKOFF_SECONDS``, doubling), then ``WeComRateLimited``."""
    refresh, refreshed, waits = False, False, 0
    while True:
        left = paused_for()
        if left:
            raise _limited(WeComRateLimited(None, "paused after a rate limit", path), left)
        try:
            token = access_token(refresh=refresh)
            refresh = False
            answer = _request(path, params={**(params or {}), "access_token": token}, body=body)
        except WeComRateLimited as exc:
            if waits < settings.WECOM_RATE_LIMIT_RETRIES:
                time.sleep(settings.WECOM_BACKOFF_SECONDS * 2**waits)
                waits += 1
                continue
            seconds = _pause()
            logger.warning("WeCom rate limit on %s (%s): pausing calls for %s s", path, exc.errcode, seconds)
            raise _limited(exc, seconds) from None
        except WeComError as exc:
            if exc.errcode in TOKEN_ERRORS and not refreshed:
                logger.info("WeCom access token %s on %s: fetching a new one", exc.errcode, path)
                refresh = refreshed = True
                continue
            raise
        if waits:
            cache.delete(_LEVEL_KEY)
        return answer


def _limited(exc: WeComRateLimited, seconds: float) -> WeComRateLimited:
    exc.retry_after = seconds
    return exc


# What the product uses ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """Who WeCom says signed in: a member's ``userid``, or only an ``openid`` for someone outside the corp."""

    userid: str = ""
    openid: str = ""
    user_ticket: str = ""


def login_url(*, redirect_uri: str, state: str, in_wecom: bool) -> str:
    """Where to send the browser: WeCom's OAuth2 page inside WeCom's own browser, the QR-code page elsewhere."""
    if in_wecom:
        query = urllib.parse.urlencode(
            {
                "appid": settings.WECOM_CORP_ID,
                "redirect_uri": redirect_uri,
                "response_type": "code",
                "scope": settings.WECOM_OAUTH_SCOPE,
                "state": state,
                "agentid": settings.WECOM_AGENT_ID,
            }
        )
        return f"{settings.WECOM_OAUTH_URL}?{query}#wechat_redirect"
    query = urllib.parse.urlencode(
        {
            "login_type": "CorpApp",
            "appid": settings.WECOM_CORP_ID,
            "agentid": settings.WECOM_AGENT_ID,
            "redirect_uri": redirect_uri,
            "state": state,
        }
    )
    return f"{settings.WECOM_QR_LOGIN_URL}?{query}"


def user_identity(code: str) -> Identity:
    """The person behind an OAuth2 / QR-code login ``code`` (single use, valid 5 minutes; 40029 if not)."""
    answer = call("/cgi-bin/auth/getuserinfo", params={"code": code})
    return Identity(
        userid=str(answer.get("userid") or answer.get("UserId") or ""),
        openid=str(answer.get("openid") or answer.get("OpenId") or ""),
        user_ticket=str(answer.get("user_ticket") or ""),
    )


def user_mobile(identity: Identity) -> str:
    """The member's mobile as WeCom verified it: from ``auth/getuserdetail`` with the user ticket (scope
    snsapi_privateinfo), else from ``user/get`` (which no longer returns it to applications created after
    2022-06-20); empty if WeCom gives none."""
    if identity.user_ticket:
        answer = call("/cgi-bin/auth/getuserdetail", body={"user_ticket": identity.user_ticket})
    else:
        answer = call("/cgi-bin/user/get", params={"userid": identity.userid})
    return str(answer.get("mobile") or "")


def _cut(text: str, limit: int) -> str:
    """``text`` within ``limit`` UTF-8 bytes (WeCom counts bytes), cut at a character with an ellipsis."""
    raw = text.encode()
    if len(raw) <= limit:
        return text
    return raw[: limit - 3].decode(errors="ignore") + "…"


def send_textcard(*, touser: str, title: str, description: str, url: str, button: str = "") -> str:
    """An application message as a text card to a member (``a|b``: several); WeCom's ``msgid``.

    WeCom's duplicate check is on (30 minutes): a resend after a crash between sending and marking sent is
    dropped by WeCom rather than shown twice. A recipient WeCom lists as invalid or unlicensed is a
    ``WeComPermanentError`` (WeCom answers errcode 0 for it when other recipients were valid)."""
    card = {"title": _cut(title, 128), "description": _cut(description or title, 512), "url": url}
    if button:
        card["btntxt"] = button[:4]
    answer = call(
        "/cgi-bin/message/send",
        body={
            "touser": touser,
            "msgtype": "textcard",
            "agentid": int(settings.WECOM_AGENT_ID),
            "textcard": card,
            "enable_duplicate_check": 1,
            "duplicate_check_interval": 1800,
        },
    )
    for field in ("invaliduser", "unlicenseduser"):
        refused = set(touser.split("|")) & set(str(answer.get(field) or "").split("|"))
        if refused:
            raise WeComPermanentError(81013, f"{field}: {'|'.join(sorted(refused))}", "/cgi-bin/message/send")
    return str(answer.get("msgid", ""))
