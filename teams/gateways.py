"""The message gateway: texts to clients (SMS or a WeChat template message), sent from the outbox.

A client has no account and no e-mail on file, so their messages (the link to their page) leave through a
provider chosen by ``MESSAGE_GATEWAY``:

- ``console`` (the default): writes the message to the log — the outbox row is the record, nothing leaves;
- ``sms``: posts ``{"to", "text", "sign"}`` as JSON to ``SMS_GATEWAY_URL`` with ``SMS_GATEWAY_KEY`` as a bearer
  token (most Chinese SMS aggregators accept this shape behind a small adapter);
- ``wechat``: posts a template message to ``WECHAT_TEMPLATE_URL`` (the official account's
  ``message/template/send`` endpoint with its access token) for the client's OpenID;
- a dotted path to a class of your own (tests use a fake that keeps what it was given).

A provider's ``send(delivery)`` raises on failure; ``teams.services.delivery_send`` records it and retries.
"""

import json
import logging
import re
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# Links to a client's page carry its token; a log line never does.
_TOKEN = re.compile(r"/p/[^/\s]+")
_LINK = re.compile(r"https?://[^\s（）()]+")


def redact(text: str) -> str:
    return _TOKEN.sub("/p/…", text)


class ConsoleGateway:
    """Nothing leaves: the message is logged (its link redacted) and the outbox row marked sent."""

    def send(self, delivery) -> None:
        logger.info("Message to %s (%s): %s", delivery.address, delivery.channel, redact(delivery.body))


def _post_json(url: str, payload: dict, headers: dict | None = None) -> dict:
    if not url.startswith(("https://", "http://")):
        raise ValueError("a gateway address must be http(s)")
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (scheme checked above)
        return json.loads(response.read() or b"{}")


class SmsGateway:
    """An HTTP SMS provider: ``{"to": phone, "text": ..., "sign": SMS_SIGN}``; any non-zero ``code`` fails."""

    def send(self, delivery) -> None:
        answer = _post_json(
            settings.SMS_GATEWAY_URL,
            {"to": delivery.address, "text": delivery.body, "sign": settings.SMS_SIGN},
            {"Authorization": f"Bearer {settings.SMS_GATEWAY_KEY}"},
        )
        if answer.get("code", 0) != 0:
            raise RuntimeError(f"SMS gateway refused the message: {answer.get('code')}")


class WeChatTemplateGateway:
    """A WeChat official account's template message to the client's OpenID (``delivery.address``);
    the link is the message's ``url``, the text its first field. ``errcode`` 0 is success."""

    def send(self, delivery) -> None:
        found = _LINK.search(delivery.body)
        link = found.group(0) if found else ""
        answer = _post_json(
            settings.WECHAT_TEMPLATE_URL,
            {
                "touser": delivery.address,
                "template_id": settings.WECHAT_TEMPLATE_ID,
                "url": link,
                "data": {"first": {"value": delivery.subject}, "remark": {"value": delivery.body}},
            },
        )
        if answer.get("errcode", 0) != 0:
            raise RuntimeError(f"WeChat refused the message: {answer.get('errcode')}")


PROVIDERS = {"console": ConsoleGateway, "sms": SmsGateway, "wechat": WeChatTemplateGateway}


def gateway():
    """The configured provider (``MESSAGE_GATEWAY``: a name above or a dotted path)."""
    name = settings.MESSAGE_GATEWAY
    cls = PROVIDERS.get(name) or import_string(name)
    return cls()


def send_client_message(delivery) -> None:
    """The outbox's sender for the ``sms`` and ``wechat`` channels."""
    gateway().send(delivery)
