"""Senders for each delivery channel. Add a channel: a function here and a
``Delivery.Channel`` value. Each raises on failure; the caller records it. A sender may
return the ids of other deliveries its message carried (teams/robots.py combines a
robot's waiting notifications); they are marked sent with it."""

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from teams import wecom
from teams.gateways import send_client_message
from teams.robots import send_delivery


def stable_message_id(*parts) -> str:
    """A Message-ID made of ``parts`` (e.g. the row's kind, id and creation time), not random:
    every attempt to send the same thing carries the same id."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return "<{}@{}>".format(".".join(str(part) for part in parts), domain)


def send_email(delivery) -> None:
    """The Message-ID comes from the delivery, so a resend after a crash is the same message
    (mail clients and servers show it once)."""
    EmailMultiAlternatives(
        subject=delivery.subject,
        body=delivery.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.address],
        headers={"Message-ID": delivery.message_id},
    ).send(fail_silently=False)


def send_wecom(delivery) -> None:
    """A WeCom application message: a text card to the member ``delivery.address``. Its link opens the page
    through the WeCom sign-in (teams:wecom_login), so a tap in WeCom lands there signed in."""
    from django.urls import reverse

    if not wecom.enabled():
        raise wecom.WeComTransientError(None, "WeCom is not configured (WECOM_CORP_ID, WECOM_AGENT_ID, WECOM_SECRET)")
    target = delivery.link or reverse("teams:notifications")
    link = f"{settings.SITE_URL}{reverse('teams:wecom_login')}?{urlencode({'next': target})}"
    wecom.send_textcard(touser=delivery.address, title=delivery.subject, description=delivery.body, url=link)


# The team group robot (WeCom / DingTalk): signed, markdown, combined within the robots' 20 posts a minute.
SENDERS = {
    "email": send_email,
    "webhook": send_delivery,
    "sms": send_client_message,
    "wechat": send_client_message,
    "wecom": send_wecom,
}
