"""Senders for each delivery channel. Add a channel: a function here and a
``Delivery.Channel`` value. Each raises on failure; the caller records it."""

import json
import urllib.request

from django.conf import settings
from django.core.mail import send_mail


def send_email(delivery) -> None:
    send_mail(
        subject=delivery.subject,
        message=delivery.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[delivery.address],
        fail_silently=False,
    )


def send_webhook(delivery) -> None:
    """Post a text message to a WeCom (企业微信) or DingTalk (钉钉) group robot;
    both accept this body."""
    if not delivery.address.startswith(("https://", "http://")):
        raise ValueError("a webhook address must be http(s)")
    content = f"{delivery.subject}\n{delivery.body}".strip()
    payload = json.dumps({"msgtype": "text", "text": {"content": content}}, ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        delivery.address, data=payload, headers={"Content-Type": "application/json; charset=utf-8"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (scheme checked above)
        answer = json.loads(response.read() or b"{}")
    # Both robots answer 200 with {"errcode": 0} on success and a non-zero code otherwise.
    if answer.get("errcode", 0) != 0:
        raise RuntimeError(f"robot refused the message: {answer}")


SENDERS = {"email": send_email, "webhook": send_webhook}
