"""A local stand-in for the WeCom and DingTalk group robots: the tests post to it, and so does ``make run``
(``manage.py fake_robots``; the demo teams' robots point at it).

A WSGI app, served by wsgiref on a loopback port, that answers as the real robots do:

- WeCom ``POST /cgi-bin/webhook/send?key=KEY``: 93000 for a key it does not know;
- DingTalk ``POST /robot/send?access_token=TOKEN[&timestamp=MS&sign=SIGN]``: 300001 for a token it does not
  know; for a robot with a secret (加签), 310000 when the signature is missing, more than an hour old or wrong
  (sign = base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}")), URL-encoded);
- both: 40008 for a message type it does not know, 40035 / 40058 for a missing or too long text, and past 20
  accepted messages in a minute "too many" (WeCom 45009; DingTalk 410100, after which that robot refuses
  everything for 10 minutes, as DingTalk does).

Every call is recorded in ``calls`` (what a test asserts); ``GET /`` lists the last ones as JSON, so the demo
shows what each group would have seen. The code here is written from the robots' documentation, apart from
teams/robots.py, so a test of the client against it checks the client.
"""

import base64
import hashlib
import hmac
import json
import logging
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from teams.demo import DEMO_ROBOTS

logger = logging.getLogger(__name__)

WECOM_PATH = "/cgi-bin/webhook/send"
DINGTALK_PATH = "/robot/send"
WECOM_MAX_MARKDOWN_BYTES = 4096
WECOM_MAX_TEXT_BYTES = 2048
DINGTALK_MAX_TEXT_BYTES = 20000
SIGNATURE_MAX_AGE_SECONDS = 3600


@dataclass
class Call:
    """One request to the fake: which robot, what it was sent, what it answered, when (clock seconds)."""

    kind: str
    robot: str
    body: object
    errcode: int
    errmsg: str
    at: float
    query: dict = field(default_factory=dict)

    @property
    def accepted(self) -> bool:
        return self.errcode == 0

    @property
    def text(self) -> str:
        """The message's text as the group shows it ("" when there is none)."""
        if not isinstance(self.body, dict):
            return ""
        part = self.body.get(self.body.get("msgtype"), {})
        if not isinstance(part, dict):
            return ""
        return str(part.get("content") or part.get("text") or "")


class FakeRobots:
    """The robots it knows: WeCom keys, and DingTalk tokens with their secret ("" = no 加签)."""

    def __init__(
        self,
        *,
        wecom=(),
        dingtalk: dict | None = None,
        per_minute: int = 20,
        dingtalk_block_seconds: float = 600,
        clock=time.time,
    ):
        self.wecom = set(wecom)
        self.dingtalk = dict(dingtalk or {})
        self.per_minute = per_minute
        self.dingtalk_block_seconds = dingtalk_block_seconds
        self.clock = clock
        self.calls: list[Call] = []
        self._accepted_at: dict[tuple, deque] = defaultdict(deque)
        self._blocked_until: dict[tuple, float] = {}
        self._lock = threading.Lock()

    # --- what the tests read -------------------------------------------------------------------------------

    def accepted(self, robot: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.accepted and (robot is None or c.robot == robot)]

    def refused(self, robot: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if not c.accepted and (robot is None or c.robot == robot)]

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self._accepted_at.clear()
            self._blocked_until.clear()

    # --- the robots ----------------------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        if method == "GET" and path in ("", "/"):
            return self._respond(start_response, "200 OK", {"calls": self._recent()})
        if path not in (WECOM_PATH, DINGTALK_PATH):
            return self._respond(start_response, "404 Not Found", {"error": "not found"})
        if method != "POST":
            return self._respond(start_response, "405 Method Not Allowed", {"error": "POST only"})
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True).items()}
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        raw = environ["wsgi.input"].read(length) if length else b""
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            body = None
        now = self.clock()
        with self._lock:
            if path == WECOM_PATH:
                kind, robot = "wecom", query.get("key", "")
                errcode, errmsg = self._wecom(robot, body, now)
            else:
                kind, robot = "dingtalk", query.get("access_token", "")
                errcode, errmsg = self._dingtalk(robot, query, body, now)
            self.calls.append(Call(kind, robot, body, errcode, errmsg, now, query))
        logger.info("%s robot %s…: errcode %s %s", kind, robot[:4], errcode, errmsg)
        return self._respond(start_response, "200 OK", {"errcode": errcode, "errmsg": errmsg})

    def _wecom(self, key: str, body, now: float) -> tuple[int, str]:
        if key not in self.wecom:
            return 93000, "invalid webhook url, hint: [fake]"
        if not isinstance(body, dict) or body.get("msgtype") not in ("text", "markdown"):
            return 40008, "invalid message type, hint: [fake]"
        part = body.get(body["msgtype"])
        content = part.get("content") if isinstance(part, dict) else None
        if not isinstance(content, str) or not content:
            return 40035, "invalid parameter: content, hint: [fake]"
        limit = WECOM_MAX_MARKDOWN_BYTES if body["msgtype"] == "markdown" else WECOM_MAX_TEXT_BYTES
        if len(content.encode()) > limit:
            return 40058, f"{body['msgtype']}.content exceed max length {limit}, hint: [fake]"
        if not self._take(("wecom", key), now):
            return 45009, "api freq out of limit, hint: [fake]"
        return 0, "ok"

    def _dingtalk(self, token: str, query: dict, body, now: float) -> tuple[int, str]:
        if token not in self.dingtalk:
            return 300001, "token is not exist"
        secret = self.dingtalk[token]
        if secret:
            timestamp, sign = query.get("timestamp", ""), query.get("sign", "")
            if not timestamp.isdigit() or abs(now * 1000 - int(timestamp)) > SIGNATURE_MAX_AGE_SECONDS * 1000:
                return 310000, "invalid timestamp"
            string_to_sign = f"{timestamp}\n{secret}".encode()
            expected = base64.b64encode(hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()).decode()
            if not hmac.compare_digest(sign, expected):
                return 310000, "sign not match"
        if not isinstance(body, dict) or body.get("msgtype") not in ("text", "markdown"):
            return 40035, "缺少参数 msgtype"
        part = body.get(body["msgtype"])
        if body["msgtype"] == "markdown":
            if not isinstance(part, dict) or not part.get("title") or not part.get("text"):
                return 40035, "缺少参数 markdown.title / markdown.text"
            text = part["text"]
        else:
            text = part.get("content") if isinstance(part, dict) else None
            if not text:
                return 40035, "缺少参数 text.content"
        if len(str(text).encode()) > DINGTALK_MAX_TEXT_BYTES:
            return 40035, "消息内容过长"
        robot = ("dingtalk", token)
        if self._blocked_until.get(robot, 0) > now:
            return 410100, "send too fast, exceed 20 times per minute"
        if not self._take(robot, now):
            self._blocked_until[robot] = now + self.dingtalk_block_seconds
            return 410100, "send too fast, exceed 20 times per minute"
        return 0, "ok"

    def _take(self, robot: tuple, now: float) -> bool:
        """One of the robot's messages of the last 60 seconds, if it has one left."""
        times = self._accepted_at[robot]
        while times and times[0] <= now - 60:
            times.popleft()
        if len(times) >= self.per_minute:
            return False
        times.append(now)
        return True

    def _recent(self) -> list[dict]:
        with self._lock:
            calls = self.calls[-50:]
        return [
            {
                "kind": c.kind,
                "robot": f"{c.robot[:4]}…",
                "errcode": c.errcode,
                "errmsg": c.errmsg,
                "at": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(c.at)),
                "text": c.text,
            }
            for c in reversed(calls)
        ]

    @staticmethod
    def _respond(start_response, status: str, payload: dict):
        data = json.dumps(payload, ensure_ascii=False).encode()
        start_response(
            status, [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(data)))]
        )
        return [data]


def demo_robots(**options) -> FakeRobots:
    """The fake with the demo teams' robots (teams/demo.py ``DEMO_ROBOTS``): what ``make run`` starts."""
    wecom, dingtalk = [], {}
    for _index, kind, path, secret in DEMO_ROBOTS:
        key = path.split("=", 1)[1]
        if kind == "wecom":
            wecom.append(key)
        else:
            dingtalk[key] = secret
    return FakeRobots(wecom=wecom, dingtalk=dingtalk, **options)


class _QuietHandler(WSGIRequestHandler):
    """No access log: the query carries the robots' keys and signatures."""

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass


class FakeRobotServer:
    """``FakeRobots`` on ``host:port`` (0 = any free port) in a daemon thread: ``start()``, ``url``, ``stop()``."""

    def __init__(self, robots: FakeRobots, *, host: str = "127.0.0.1", port: int = 0):
        self.robots = robots
        self.server: WSGIServer = make_server(host, port, robots, handler_class=_QuietHandler)
        self.thread = threading.Thread(target=self.server.serve_forever, name="fake-robots", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def wecom_url(self, key: str) -> str:
        return f"{self.url}{WECOM_PATH}?key={key}"

    def dingtalk_url(self, token: str) -> str:
        return f"{self.url}{DINGTALK_PATH}?access_token={token}"

    def start(self) -> "FakeRobotServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
