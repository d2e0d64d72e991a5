"""The teams' group robots: WeCom (企业微信) and DingTalk (钉钉) — sign, build the markdown, post, read the answer,
and keep to the robots' 20 posts a minute.

- WeCom: ``POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY`` with
  ``{"msgtype": "markdown", "markdown": {"content": ...}}`` (content at most 4,096 bytes).
- DingTalk: ``POST https://oapi.dingtalk.com/robot/send?access_token=TOKEN`` with
  ``{"msgtype": "markdown", "markdown": {"title": ..., "text": ...}}``; a robot with 加签 also takes
  ``&timestamp=<ms>&sign=<urlencode(base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}")))>``.

Both answer HTTP 200 with ``{"errcode": 0, "errmsg": "ok"}``, or a non-zero code. The address in the team's
settings decides where to post: the local fake (teams/fake_robots.py) is just another address.

The outbox (teams/services.py ``delivery_send``) calls ``send_delivery`` for each ``webhook`` delivery. Each
post first takes one of the robot's 20 places of the minute (``window_take``, a ``RobotPost`` row counted under
the team's row lock); when the minute is full the delivery is held (not an attempt) until a place is free, and
the every-minute scan sends it. A post carries every delivery waiting for the same robot, combined into one
markdown message (up to ``MAX_MARKDOWN_BYTES``), so nothing queued is dropped and a burst costs few posts. A
"too many messages" answer (WeCom 45009, DingTalk 130101 / 410100) holds the robot for a pause and the
deliveries for a growing backoff; a wrong address or secret is given up at once (the deputy GM's list of
failed notifications); anything else is retried when the claim expires.
"""

import base64
import hashlib
import hmac
import json
import logging
import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from teams.models import Delivery, RobotPost, Team
from teams.models.notifications import CLAIM_TIMEOUT

logger = logging.getLogger(__name__)

WECOM = Team.RobotKind.WECOM
DINGTALK = Team.RobotKind.DINGTALK
# The real robots' hosts; any other address (the local fake, a proxy) is told apart by its path.
HOSTS = {"qyapi.weixin.qq.com": WECOM, "oapi.dingtalk.com": DINGTALK}
PATHS = {"/cgi-bin/webhook/send": WECOM, "/robot/send": DINGTALK}
# The query parameter that names the robot (its key): cut short wherever an address is shown.
KEY_PARAMS = {WECOM: "key", DINGTALK: "access_token"}
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}

# Both robots take 20 posts a minute each. Our minute is a little longer than theirs: a post reaches the robot
# some time after it was counted here.
POSTS_PER_MINUTE = 20
WINDOW = timedelta(seconds=61)
# After "too many messages" the robot takes nothing for a while: WeCom counts a plain minute; DingTalk blocks
# the robot for 10 minutes (每个机器人每分钟最多发送20条，如果超过20条，会限流10分钟).
RATE_LIMIT_PAUSE = {WECOM: timedelta(minutes=1), DINGTALK: timedelta(minutes=10)}
MAX_BACKOFF = timedelta(minutes=30)
# WeCom's markdown ``content`` takes 4,096 bytes of UTF-8, DingTalk's ``text`` more: one limit for both.
MAX_MARKDOWN_BYTES = 4000
MAX_TITLE_CHARS = 100
# Deliveries combined into one post at most.
MAX_BATCH = 50
TIMEOUT_SECONDS = 5
# Posts are kept this long (the settings page shows the last ones), then pruned as new ones are counted.
KEEP_POSTS = timedelta(days=7)

# "Too many messages": retried after a pause.
RATE_LIMITED = frozenset({45009, 130101, 410100})
# Answers no retry can fix: the address, its key or the secret is wrong, or the message's form is refused.
PERMANENT = frozenset({93000, 40008, 40058, 300001, 300005, 310000, 40035})

EXPLANATIONS = {
    0: _("The robot accepted the message."),
    93000: _("WeCom does not know this webhook key: copy the robot's address again from the group's robot settings."),
    300001: _("DingTalk does not know this access_token: copy the robot's address again from the group's robot."),
    300005: _("DingTalk does not know this access_token: copy the robot's address again from the group's robot."),
    310000: _(
        "DingTalk refused the signature: check the signing secret, the server's clock, and the robot's keywords "
        "or IP addresses in its security settings."
    ),
    40008: _("The robot refused the message's form."),
    40035: _("The robot refused the message's form."),
    40058: _("The robot refused the message's form."),
}
RATE_LIMIT_EXPLANATION = _(
    "Too many messages to this robot: it takes 20 a minute. Waiting notifications are combined and sent later."
)


class SendLater(Exception):
    """Not sent now: try again at ``at``. ``attempted``: the robot was asked (it answered "too many messages");
    otherwise nothing left and the delivery's attempt does not count. ``also``: the other deliveries of the
    post, which share its fate."""

    def __init__(self, reason: str, *, at: datetime, attempted: bool, also: list[int] | None = None):
        super().__init__(reason)
        self.at, self.attempted, self.also = at, attempted, also or []


class RobotBusy(SendLater):
    """The robot's minute is full, or it asked for a pause: nothing was posted."""

    def __init__(self, at: datetime):
        super().__init__(f"the robot's minute is full until {at:%H:%M:%S}", at=at, attempted=False)


class RobotError(Exception):
    """The robot did not take the post (retried when the claim expires)."""

    def __init__(self, reason: str, *, also: list[int] | None = None):
        super().__init__(reason)
        self.also = also or []


class RobotRejected(RobotError, ValueError):
    """Refused for good: no retry fixes the address or the secret (a ``ValueError``, so the outbox gives up)."""


@dataclass(frozen=True)
class Robot:
    """Where and how to post. ``url`` carries the robot's key and ``secret`` signs: neither is ever shown."""

    kind: str
    url: str = field(repr=False)
    secret: str = field(default="", repr=False)

    @classmethod
    def of_team(cls, team: Team) -> "Robot | None":
        if not team.webhook_url:
            return None
        return cls(
            kind=team.robot_kind or detect_kind(team.webhook_url), url=team.webhook_url, secret=team.robot_secret
        )


@dataclass(frozen=True)
class Answer:
    """What the robot said: ``errcode``/``errmsg`` of its JSON, the HTTP ``status``, or why none came."""

    errcode: int | None = None
    errmsg: str = ""
    status: int | None = None
    # Why no answer came (a network error), never the address.
    error: str = ""
    # Nothing was posted: the robot's minute is full until then.
    busy_until: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.errcode == 0

    @property
    def rate_limited(self) -> bool:
        return self.errcode in RATE_LIMITED or self.status == 429

    @property
    def permanent(self) -> bool:
        if self.errcode in PERMANENT:
            return True
        return self.status is not None and 400 <= self.status < 500 and self.status not in (408, 429)

    @property
    def level(self) -> str:
        """How the settings page shows it (a Bootstrap alert): accepted, wait, or fix something."""
        if self.ok:
            return "success"
        if self.busy_until is not None or self.rate_limited:
            return "warning"
        return "danger"

    def summary(self) -> str:
        """One technical line (stored and logged): never the address nor the secret."""
        if self.busy_until is not None:
            return f"not posted: the robot's minute is full until {self.busy_until:%H:%M:%S}"
        if self.errcode is not None:
            return f"errcode {self.errcode}: {self.errmsg}"[:300]
        if self.status is not None:
            return f"HTTP {self.status}, not a robot's answer"
        return f"no answer: {self.error}"[:300]

    def explain(self) -> str:
        """What it means for the person setting the robot up, in the active language."""
        if self.busy_until is not None:
            seconds = max(1, int((self.busy_until - timezone.now()).total_seconds()) + 1)
            return ngettext(
                "This robot has had its 20 messages of the minute: try again in %(seconds)d second.",
                "This robot has had its 20 messages of the minute: try again in %(seconds)d seconds.",
                seconds,
            ) % {"seconds": seconds}
        if self.errcode is not None and self.status == 200:
            if self.rate_limited:
                return str(RATE_LIMIT_EXPLANATION)
            if self.errcode in EXPLANATIONS:
                return str(EXPLANATIONS[self.errcode])
            return gettext("The robot refused the message.")
        if self.status is not None:
            return gettext("The address answered HTTP %(status)s, not as a group robot does: check the address.") % {
                "status": self.status
            }
        return gettext("No answer from the robot (%(error)s): check the address and the server's network.") % {
            "error": self.error
        }


# --- Addresses and signatures ---------------------------------------------------------------------------------


def detect_kind(url: str) -> str:
    """``wecom`` or ``dingtalk`` from the address's host, or, for another host (the fake), its path; else ""."""
    parts = urlsplit(url or "")
    return HOSTS.get((parts.hostname or "").lower()) or PATHS.get(parts.path.rstrip("/"), "")


def display_address(url: str) -> str:
    """The address as it may be shown or stored beside a delivery: the robot's key cut to four characters."""
    parts = urlsplit(url or "")
    query = "&".join(
        f"{quote_plus(name)}={quote_plus(value[:4]) + '…' if name in KEY_PARAMS.values() else quote_plus(value)}"
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if name not in ("timestamp", "sign")
    )
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


@sensitive_variables("secret", "string_to_sign", "digest")
def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's 加签: base64 of HMAC-SHA256 keyed by the secret over ``f"{timestamp}\\n{secret}"`` (not yet
    URL-encoded)."""
    string_to_sign = f"{timestamp_ms}\n{secret}"
    digest = hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


@sensitive_variables("url", "secret", "signature")
def signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    """``url`` with ``timestamp`` and the URL-encoded ``sign`` (any old ones dropped)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in ("timestamp", "sign")]
    query_string = urlencode(query)
    signature = f"timestamp={timestamp_ms}&sign={quote_plus(dingtalk_sign(secret, timestamp_ms))}"
    query_string = f"{query_string}&{signature}" if query_string else signature
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query_string, ""))


def allowed_host(host: str) -> bool:
    """WeCom's and DingTalk's hosts, those of ``ROBOT_HOSTS`` and, in a demo, the fake's (settings)."""
    demo = urlsplit(settings.DEMO_ROBOTS_URL).hostname if settings.DEMO_ROBOTS_URL else None
    return host in HOSTS or host in settings.ROBOT_HOSTS or (demo is not None and host == demo.lower())


@sensitive_variables("url", "secret")
def robot_check(*, kind: str, url: str, secret: str) -> str:
    """The robot's kind for these settings (detected from the address when ``kind`` is empty), or a
    ``ValidationError`` naming the field to correct. No address: no robot (kind and secret must go)."""
    url, secret = (url or "").strip(), (secret or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" and not (parts.scheme == "http" and host in LOOPBACK_HOSTS):
        raise ValidationError(
            {"webhook_url": _("Use the robot's https:// address as the group shows it.")}, code="scheme"
        )
    if not allowed_host(host):
        raise ValidationError(
            {
                "webhook_url": _(
                    "Only WeCom's and DingTalk's robot addresses can be used (qyapi.weixin.qq.com, oapi.dingtalk.com)."
                )
            },
            code="host",
        )
    known = HOSTS.get(host, "")
    if kind and known and kind != known:
        raise ValidationError(
            {"robot_kind": _("This address belongs to another kind of robot: choose it, or detect it.")},
            code="kind_mismatch",
        )
    kind = kind or detect_kind(url)
    if not kind:
        raise ValidationError(
            {"robot_kind": _("The kind of robot cannot be told from this address: choose WeCom or DingTalk.")},
            code="kind_unknown",
        )
    if not dict(parse_qsl(parts.query)).get(KEY_PARAMS[kind]):
        raise ValidationError(
            {
                "webhook_url": _("The address lacks the robot's %(param)s=…: copy the whole address.")
                % {"param": KEY_PARAMS[kind]}
            },
            code="no_key",
        )
    if secret and kind == WECOM:
        raise ValidationError({"robot_secret": _("WeCom group robots have no secret: leave it empty.")}, code="secret")
    if secret and (not secret.startswith("SEC") or any(ch.isspace() for ch in secret)):
        raise ValidationError(
            {"robot_secret": _("A DingTalk secret starts with SEC: copy it from the robot's signing setting.")},
            code="secret",
        )
    return kind


# --- Messages ------------------------------------------------------------------------------------------------

_LINK_LINE = re.compile(r"^https?://\S+$")


def _escape(line: str) -> str:
    """Stored text as markdown: no HTML-like tags (WeCom's ``<font>`` and ``<@userid>`` mentions)."""
    return line.replace("<", "＜").replace(">", "＞")


def _truncate_bytes(text: str, limit: int) -> str:
    data = text.encode()
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode(errors="ignore") + "…"


def markdown_of(subject: str, body: str, kind: str) -> str:
    """One notification as markdown: the subject as a heading, the body's lines, a link line as a link."""
    # DingTalk's markdown needs two spaces before a line break; WeCom's takes the line break itself.
    newline = "  \n" if kind == DINGTALK else "\n"
    lines = [f"#### {_escape(subject)}"] if subject else []
    open_label = gettext("Open it in the customer-service system")
    for line in body.splitlines():
        line = line.strip()
        if not line:
            continue
        if _LINK_LINE.match(line):
            lines.append(f"[{open_label}]({line})")
        else:
            lines.append(_escape(line))
    return newline.join(lines)


def compose(deliveries: list, kind: str) -> tuple[str, str]:
    """The title (DingTalk's preview) and markdown of one post carrying ``deliveries``, in the site language."""
    with translation.override(settings.LANGUAGE_CODE):
        parts = [markdown_of(d.subject, d.body, kind) for d in deliveries]
        first = deliveries[0].subject or gettext("Notification")
        more = len(deliveries) - 1
        title = (
            ngettext("%(title)s (and %(count)d more)", "%(title)s (and %(count)d more)", more)
            % {"title": first, "count": more}
            if more
            else first
        )
    return title[:MAX_TITLE_CHARS], _truncate_bytes("\n\n".join(parts), MAX_MARKDOWN_BYTES)


def fit(deliveries: list, kind: str) -> tuple[list, list]:
    """The first deliveries whose markdown fits in one post (at least one), and the rest."""
    size = 0
    for index, delivery in enumerate(deliveries):
        size += len(markdown_of(delivery.subject, delivery.body, kind).encode()) + 2
        if index and size > MAX_MARKDOWN_BYTES:
            return deliveries[:index], deliveries[index:]
    return deliveries, []


def payload(kind: str, *, title: str, text: str) -> dict:
    if kind == DINGTALK:
        return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
    return {"msgtype": "markdown", "markdown": {"content": text}}


# --- Posting -------------------------------------------------------------------------------------------------


@sensitive_variables("url", "request")
def post(robot: Robot, *, title: str, text: str) -> Answer:
    """One markdown post to ``robot``; never raises for what the robot or the network answers."""
    if not robot.url.startswith(("https://", "http://")):
        raise RobotRejected("a robot's address must be http(s)")
    if not allowed_host((urlsplit(robot.url).hostname or "").lower()):  # an address set in the admin, say
        raise RobotRejected("a robot's address must be WeCom's or DingTalk's (or in ROBOT_HOSTS)")
    if robot.kind not in (WECOM, DINGTALK):
        raise RobotRejected("the team's robot has no kind: choose WeCom or DingTalk in the team's settings")
    url = robot.url
    if robot.kind == DINGTALK and robot.secret:
        url = signed_url(url, robot.secret, int(time.time() * 1000))
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url,
        data=json.dumps(payload(robot.kind, title=title, text=text), ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (checked above)
            status, raw = response.status, response.read(65536)
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, b""
    except (urllib.error.URLError, OSError) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        return Answer(error=str(reason)[:200] or type(reason).__name__)
    try:
        answer = json.loads(raw)
        errcode = int(answer["errcode"])
    except (ValueError, TypeError, KeyError):
        return Answer(status=status)
    return Answer(errcode=errcode, errmsg=str(answer.get("errmsg", ""))[:300], status=status)


# --- The robot's minute --------------------------------------------------------------------------------------


def window_take(*, team: Team, now: datetime) -> RobotPost:
    """Take one of the robot's places of the minute: a ``RobotPost`` row, counted under the team's row lock so
    that two workers never both take the 20th. ``RobotBusy`` when the minute is full or the robot asked for a
    pause."""
    with transaction.atomic():
        list(Team.objects.select_for_update().filter(pk=team.pk).values_list("pk"))
        posts = RobotPost.objects.filter(team=team)
        pause = RATE_LIMIT_PAUSE.get(team.robot_kind or detect_kind(team.webhook_url), WINDOW)
        limited = (
            posts.filter(errcode__in=RATE_LIMITED, posted_at__gt=now - pause)
            .order_by("-posted_at")
            .values_list("posted_at", flat=True)
            .first()
        )
        if limited is not None:
            raise RobotBusy(limited + pause)
        recent = list(
            posts.filter(posted_at__gt=now - WINDOW)
            .order_by("-posted_at")
            .values_list("posted_at", flat=True)[:POSTS_PER_MINUTE]
        )
        if len(recent) >= POSTS_PER_MINUTE:
            raise RobotBusy(recent[-1] + WINDOW)
        posts.filter(posted_at__lt=now - KEEP_POSTS).delete()
        return RobotPost.objects.create(team=team, posted_at=now)


def _record(row: RobotPost, answer: Answer, *, messages: int) -> None:
    RobotPost.objects.filter(pk=row.pk).update(
        messages=messages, errcode=answer.errcode, errmsg=(answer.errmsg or answer.summary())[:300]
    )


def backoff(kind: str, attempts: int) -> timedelta:
    """How long a delivery waits after "too many messages": the robot's pause, doubling with each attempt."""
    pause = RATE_LIMIT_PAUSE.get(kind, WINDOW)
    return min(max(pause, timedelta(minutes=1) * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


# --- The outbox's sender -------------------------------------------------------------------------------------


def _claim_companions(lead: Delivery, now: datetime) -> list[Delivery]:
    """The other deliveries waiting for the same team's robot (held ones too: a place is free now), claimed
    like ``delivery_claim`` does, oldest first."""
    with transaction.atomic():
        rows = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(
                team_id=lead.team_id, channel=Delivery.Channel.WEBHOOK, sent_at__isnull=True, failed_at__isnull=True
            )
            .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
            .exclude(pk=lead.pk)
            .order_by("created_at", "pk")[: MAX_BATCH - 1]
        )
        if rows:
            Delivery.objects.filter(pk__in=[row.pk for row in rows]).update(claimed_at=now, attempts=F("attempts") + 1)
    return rows


def _release(rows: list[Delivery]) -> None:
    """Claimed but left out of the post (it was full): free again, and the claim was no attempt."""
    if rows:
        Delivery.objects.filter(pk__in=[row.pk for row in rows]).update(claimed_at=None, attempts=F("attempts") - 1)


def send_delivery(delivery: Delivery) -> list[int]:
    """Post ``delivery`` — with whatever else waits for the same robot — to its team's group robot.

    Returns the ids of the other deliveries the post carried (marked sent with it); raises ``RobotBusy`` (held,
    no attempt), ``SendLater`` ("too many messages"), ``RobotRejected`` (given up) or ``RobotError``."""
    if delivery.team_id is None:
        # Queued before robots belonged to a team: its address is the whole robot URL; posted alone, unsigned.
        robot = Robot(kind=detect_kind(delivery.address) or WECOM, url=delivery.address)
        title, text = compose([delivery], robot.kind)
        _raise_for(post(robot, title=title, text=text))
        return []
    team = delivery.team
    robot = Robot.of_team(team)
    if robot is None:
        raise RobotRejected("the team has no group robot any more")
    if robot.kind not in (WECOM, DINGTALK):
        raise RobotRejected("the team's robot has no kind: choose WeCom or DingTalk in the team's settings")
    now = timezone.now()
    row = window_take(team=team, now=now)
    batch, rest = fit([delivery, *_claim_companions(delivery, now)], robot.kind)
    _release(rest)
    also = [d.pk for d in batch[1:]]
    title, text = compose(batch, robot.kind)
    try:
        answer = post(robot, title=title, text=text)
    except RobotError as exc:
        exc.also = also
        _record(row, Answer(error=str(exc)), messages=len(batch))
        raise
    _record(row, answer, messages=len(batch))
    if answer.rate_limited:
        raise SendLater(answer.summary(), at=now + backoff(robot.kind, delivery.attempts), attempted=True, also=also)
    _raise_for(answer, also=also)
    return also


def _raise_for(answer: Answer, *, also: list[int] | None = None) -> None:
    if answer.ok:
        return
    if answer.permanent:
        raise RobotRejected(f"robot refused the message: {answer.summary()}", also=also)
    raise RobotError(f"robot did not take the message: {answer.summary()}", also=also)


# --- The team's settings -------------------------------------------------------------------------------------


def team_robot_update(*, team: Team, robot_kind: str, webhook_url: str, robot_secret: str, by) -> Team:
    """Save the team's robot (address, kind, secret); no address, no robot. What waits in the outbox is sent
    with the new settings."""
    webhook_url = (webhook_url or "").strip()
    kind = robot_check(kind=robot_kind, url=webhook_url, secret=robot_secret)
    team.webhook_url = webhook_url
    team.robot_kind = kind
    team.robot_secret = (robot_secret or "").strip() if webhook_url else ""
    team.full_clean(exclude=["name", "leader"])
    team.save(update_fields=["webhook_url", "robot_kind", "robot_secret"])
    logger.info("Team %s: group robot %s set by user %s", team.pk, kind or "removed", by.pk)
    return team


def team_robot_test(*, team: Team, robot: Robot, by) -> Answer:
    """Post a test message to ``robot`` (the settings as typed, saved or not) and give back its answer. It takes
    one of the team robot's places of the minute, like any post."""
    now = timezone.now()
    try:
        row = window_take(team=team, now=now)
    except RobotBusy as exc:
        return Answer(busy_until=exc.at)
    title = gettext("Test message from the customer-service system")
    lines = [
        f"#### {title}",
        _escape(
            gettext("Team: %(team)s · sent by %(name)s at %(time)s")
            % {"team": team, "name": by, "time": timezone.localtime(now).strftime("%Y-%m-%d %H:%M")}
        ),
        gettext("If this group sees this message, the team's notifications will arrive here."),
    ]
    answer = post(robot, title=title, text=("  \n" if robot.kind == DINGTALK else "\n").join(lines))
    _record(row, answer, messages=0)
    logger.info("Team %s: test message to its group robot by user %s: %s", team.pk, by.pk, answer.summary())
    return answer
