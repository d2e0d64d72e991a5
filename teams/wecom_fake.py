"""A local fake of the WeCom (企业微信) API, for the tests and the demo (``manage.py fake_wecom``).

A small WSGI app that answers what teams/wecom.py calls, as WeCom documents it, and records every call:

- ``GET /cgi-bin/gettoken`` (corp ID and secret checked: 40013, 40001), tokens that expire (``expire_tokens``:
  42001) or are unknown (40014) or missing (41001);
- ``GET /cgi-bin/auth/getuserinfo`` (a login ``code`` → ``userid``, or an ``openid`` for someone outside the
  corp; a code works once: 40029), ``POST /cgi-bin/auth/getuserdetail`` (user ticket → mobile),
  ``GET /cgi-bin/user/get`` (userid → name and mobile; 60111 for no such member);
- ``POST /cgi-bin/message/send`` (a text card: agent ID checked, 40056; unknown recipients listed in
  ``invaliduser``, all unknown 81013; WeCom's duplicate check; ``send_limit_per_minute`` answers 45009);
- the two pages a browser is sent to, ``/connect/oauth2/authorize`` (inside WeCom) and ``/wwlogin/sso/login``
  (the QR code on a PC): a list of the corp's members to sign in as, which sends the browser back to
  ``redirect_uri`` with a code and the ``state`` unchanged (``as=<userid>`` picks one without the page);
- ``GET /``: the text cards received, newest first (the demo's "phone").

``fail(path, errcode, …)`` makes the next calls of ``path`` answer those errcodes (rate limits, busy, …), before
any other check. Not a product page: its few words are WeCom's, in Chinese, like WeCom's own pages.
"""

import html
import itertools
import json
import secrets
import threading
import time
import urllib.parse
from collections import defaultdict, deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

OUTSIDER = "__outsider__"
ERRMSG = {
    40001: "invalid credential",
    40013: "invalid corpid",
    40014: "invalid access_token",
    40029: "invalid code",
    40056: "invalid agentid",
    40058: "invalid parameter",
    40134: "invalid user_ticket",
    41001: "access_token missing",
    42001: "access_token expired",
    45009: "api freq out of limit",
    45033: "api concurrent out of limit",
    60111: "userid not found",
    81013: "user & party & tag all invalid",
    -1: "system busy",
}


@dataclass
class Member:
    userid: str
    name: str
    mobile: str = ""


@dataclass
class Call:
    method: str
    path: str
    query: dict
    body: dict | None = None


@dataclass
class FakeWeCom:
    corp_id: str = "ww-test-corp"
    secret: str = "test-secret"  # noqa: S105 (the fake's own, on loopback)
    agent_id: str = "1000002"
    members: dict = field(default_factory=dict)
    token_seconds: int = 7200
    # Applications created after 2022-06-20 get no mobile from user/get (only from auth/getuserdetail).
    user_get_hides_mobile: bool = False
    send_limit_per_minute: int | None = None

    def __post_init__(self):
        self.lock = threading.Lock()
        self.calls: list[Call] = []
        self.messages: list[dict] = []
        self.tokens: dict[str, float] = {}
        self.codes: dict[str, tuple[str, bool]] = {}
        self.tickets: dict[str, str] = {}
        self.scripted: dict[str, deque] = defaultdict(deque)
        self.sends: deque = deque()
        self.numbers = itertools.count(1)

    # --- what tests and the demo set up --------------------------------------------------------------

    def add_member(self, userid: str, name: str, mobile: str = "") -> Member:
        member = self.members[userid] = Member(userid, name, mobile)
        return member

    def code_for(self, userid: str, *, private: bool = False) -> str:
        """A login code as WeCom would give it for ``userid`` (``OUTSIDER``: someone outside the corp);
        ``private``: signed in with scope snsapi_privateinfo (getuserinfo then gives a user ticket)."""
        code = f"code-{next(self.numbers)}-{secrets.token_hex(4)}"
        with self.lock:
            self.codes[code] = (userid, private)
        return code

    def fail(self, path: str, *errcodes: int) -> None:
        """The next ``len(errcodes)`` calls of ``path`` answer these errcodes, in order."""
        with self.lock:
            self.scripted[path].extend(errcodes)

    def expire_tokens(self) -> None:
        """Every token issued so far now answers 42001 (expired)."""
        with self.lock:
            for token in self.tokens:
                self.tokens[token] = 0

    def calls_to(self, path: str) -> list[Call]:
        return [c for c in self.calls if c.path == path]

    def cards_to(self, userid: str) -> list[dict]:
        return [m["textcard"] for m in self.messages if userid in m["touser"].split("|")]

    # --- the WSGI app --------------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "")
        query = dict(urllib.parse.parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        body = None
        if method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            raw = environ["wsgi.input"].read(length) if length else b""
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = {}
        with self.lock:
            self.calls.append(Call(method, path, query, body))
        if path in ("/connect/oauth2/authorize", "/wwlogin/sso/login"):
            return self._login_page(query, start_response)
        if path == "/":
            return self._inbox(start_response)
        handler = self.ROUTES.get((method, path))
        if handler is None:
            return self._json(start_response, {"errcode": 404, "errmsg": "no such api"}, status="404 Not Found")
        with self.lock:
            scripted = self.scripted[path].popleft() if self.scripted[path] else None
        if scripted is not None:
            return self._json(start_response, _error(scripted))
        if path != "/cgi-bin/gettoken":
            refused = self._token_refusal(query.get("access_token"))
            if refused:
                return self._json(start_response, _error(refused))
        return self._json(start_response, handler(self, query, body or {}))

    def _token_refusal(self, token: str | None) -> int | None:
        if not token:
            return 41001
        with self.lock:
            expires = self.tokens.get(token)
        if expires is None:
            return 40014
        return 42001 if expires <= time.time() else None

    def _gettoken(self, query, body):
        if query.get("corpid") != self.corp_id:
            return _error(40013)
        if query.get("corpsecret") != self.secret:
            return _error(40001)
        token = f"token-{next(self.numbers)}-{secrets.token_hex(8)}"
        with self.lock:
            self.tokens[token] = time.time() + self.token_seconds
        return {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": self.token_seconds}

    def _getuserinfo(self, query, body):
        with self.lock:
            found = self.codes.pop(query.get("code", ""), None)
        if found is None:
            return _error(40029)
        userid, private = found
        if userid not in self.members:
            return {"errcode": 0, "errmsg": "ok", "openid": f"o-{secrets.token_hex(6)}", "external_userid": ""}
        answer = {"errcode": 0, "errmsg": "ok", "userid": userid}
        if private:
            ticket = f"ticket-{secrets.token_hex(8)}"
            with self.lock:
                self.tickets[ticket] = userid
            answer.update(user_ticket=ticket, expires_in=1800)
        return answer

    def _getuserdetail(self, query, body):
        with self.lock:
            userid = self.tickets.get(str(body.get("user_ticket", "")))
        if userid is None:
            return _error(40134)
        member = self.members[userid]
        return {"errcode": 0, "errmsg": "ok", "userid": userid, "mobile": member.mobile, "gender": "0"}

    def _user_get(self, query, body):
        member = self.members.get(query.get("userid", ""))
        if member is None:
            return _error(60111)
        answer = {"errcode": 0, "errmsg": "ok", "userid": member.userid, "name": member.name, "status": 1}
        if not self.user_get_hides_mobile:
            answer["mobile"] = member.mobile
        return answer

    def _message_send(self, query, body):
        if str(body.get("agentid")) != self.agent_id:
            return _error(40056)
        card = body.get("textcard") or {}
        if body.get("msgtype") != "textcard" or not all(card.get(k) for k in ("title", "description", "url")):
            return _error(40058)
        now = time.time()
        with self.lock:
            while self.sends and self.sends[0] < now - 60:
                self.sends.popleft()
            if self.send_limit_per_minute is not None and len(self.sends) >= self.send_limit_per_minute:
                return _error(45009)
            self.sends.append(now)
        targets = [t for t in str(body.get("touser", "")).split("|") if t]
        invalid = [t for t in targets if t not in self.members]
        if targets and len(invalid) == len(targets):
            return _error(81013)
        msgid = f"msg-{next(self.numbers)}"
        interval = int(body.get("duplicate_check_interval") or 1800)
        with self.lock:
            duplicate = body.get("enable_duplicate_check") and any(
                m["touser"] == body["touser"] and m["textcard"] == card and m["_at"] > now - interval
                for m in self.messages
            )
            if not duplicate:
                self.messages.append({**body, "msgid": msgid, "_at": now})
        return {"errcode": 0, "errmsg": "ok", "invaliduser": "|".join(invalid), "msgid": msgid}

    ROUTES = {
        ("GET", "/cgi-bin/gettoken"): _gettoken,
        ("GET", "/cgi-bin/auth/getuserinfo"): _getuserinfo,
        ("POST", "/cgi-bin/auth/getuserdetail"): _getuserdetail,
        ("GET", "/cgi-bin/user/get"): _user_get,
        ("POST", "/cgi-bin/message/send"): _message_send,
    }

    # --- the browser's pages -------------------------------------------------------------------------

    def _login_page(self, query, start_response):
        redirect_uri = query.get("redirect_uri", "")
        if query.get("appid") != self.corp_id or not redirect_uri.startswith(("http://", "https://")):
            return self._html(start_response, "<p>参数错误：appid 或 redirect_uri 不对。</p>", "400 Bad Request")
        chosen = query.get("as")
        if chosen is not None:
            params = {"state": query.get("state", "")}
            if chosen:
                private = query.get("scope") == "snsapi_privateinfo"
                params = {"code": self.code_for(chosen, private=private), **params}
            joiner = "&" if "?" in redirect_uri else "?"
            start_response("302 Found", [("Location", redirect_uri + joiner + urllib.parse.urlencode(params))])
            return [b""]
        rows = []
        for member in sorted(self.members.values(), key=lambda m: m.userid):
            link = "?" + urllib.parse.urlencode({**query, "as": member.userid})
            rows.append(
                f'<li><a href="{html.escape(link)}">{html.escape(member.name)}</a> '
                f"<small>{html.escape(member.userid)}</small></li>"
            )
        outsider = "?" + urllib.parse.urlencode({**query, "as": OUTSIDER})
        cancel = "?" + urllib.parse.urlencode({**query, "as": ""})
        page = (
            "<h1>企业微信登录（本地模拟）</h1><p>选择以哪位成员的身份登录：</p><ul>"
            + "".join(rows)
            + f'</ul><p><a href="{html.escape(outsider)}">非本企业成员</a> · '
            f'<a href="{html.escape(cancel)}">拒绝授权</a></p>'
        )
        return self._html(start_response, page)

    def _inbox(self, start_response):
        with self.lock:
            messages = list(reversed(self.messages))
        items = "".join(
            f"<li><b>{html.escape(m['textcard']['title'])}</b> → {html.escape(m['touser'])}<br>"
            f"{html.escape(m['textcard']['description'])}<br>"
            f'<a href="{html.escape(m["textcard"]["url"])}">{html.escape(m["textcard"].get("btntxt") or "详情")}</a>'
            "</li>"
            for m in messages
        )
        return self._html(
            start_response, f"<h1>企业微信应用消息（本地模拟）</h1><ul>{items or '<li>暂无消息</li>'}</ul>"
        )

    @staticmethod
    def _json(start_response, payload, status="200 OK"):
        data = json.dumps(payload, ensure_ascii=False).encode()
        start_response(
            status, [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(data)))]
        )
        return [data]

    @staticmethod
    def _html(start_response, body, status="200 OK"):
        data = f'<!doctype html><html lang="zh-hans"><meta charset="utf-8"><body>{body}</body></html>'.encode()
        start_response(status, [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(data)))])
        return [data]


def _error(errcode: int) -> dict:
    return {"errcode": errcode, "errmsg": ERRMSG.get(errcode, "error")}


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def make_fake_server(fake: FakeWeCom, host: str = "127.0.0.1", port: int = 0, *, quiet: bool = True):
    """A server for ``fake`` on ``host:port`` (port 0: any free one); call its ``serve_forever()``."""
    handler = _QuietHandler if quiet else WSGIRequestHandler
    return make_server(host, port, fake, server_class=_ThreadingServer, handler_class=handler)


@contextmanager
def running(fake: FakeWeCom, host: str = "127.0.0.1"):
    """Serve ``fake`` on a free loopback port in a thread; yields its base URL (``http://127.0.0.1:PORT``)."""
    server = make_fake_server(fake, host)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
