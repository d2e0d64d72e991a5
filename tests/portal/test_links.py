"""The consultant's side: issue, send (through the message gateway and the outbox), revoke; the project card."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.urls import reverse

from portal.models import PortalLink
from portal.services import link_send
from projects.models import Attachment
from teams.models import Delivery
from teams.services import delivery_send
from tests.portal.conftest import photo

pytestmark = pytest.mark.django_db


class FakeGateway:
    """The message gateway of the tests: keeps what it was asked to send."""

    sent: list = []

    def send(self, delivery):
        FakeGateway.sent.append((delivery.channel, delivery.address, delivery.body))


@pytest.fixture
def fake_gateway(settings):
    settings.MESSAGE_GATEWAY = "tests.portal.test_links.FakeGateway"
    FakeGateway.sent = []
    return FakeGateway


def test_consultant_issues_a_link_and_sees_it_once_with_its_qr(client, consultant, project):
    client.force_login(consultant)
    response = client.post(reverse("portal:link_issue", args=[project.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and "/p/" in html
    assert "no-store" in response["Cache-Control"]
    link = PortalLink.objects.get(project=project)
    assert link.expires_on >= project.planned_finish
    # The project page shows the card, without the link.
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'data-testid="portal-card"' in page and "/p/" not in page


def test_others_may_not_issue(client, pm, outsider, project):
    client.force_login(pm)
    assert client.post(reverse("portal:link_issue", args=[project.pk])).status_code == 403
    client.force_login(outsider)
    assert client.post(reverse("portal:link_issue", args=[project.pk])).status_code == 404
    assert not PortalLink.objects.exists()


def test_send_goes_through_the_outbox_and_the_gateway(client, consultant, link, token, project, fake_gateway):
    client.force_login(consultant)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("teams.services.enqueue_on_commit", lambda *a, **k: None)
        response = client.post(reverse("portal:link_send", args=[link.pk]), {"token": token, "channel": "sms"})
    assert response.status_code == 302
    delivery = Delivery.objects.get(channel="sms")
    assert delivery.address == project.client.phone and token in delivery.body
    assert delivery_send(delivery_id=delivery.pk) == "sent"
    assert fake_gateway.sent[0][:2] == ("sms", project.client.phone)
    link.refresh_from_db()
    assert link.sent_at is not None
    card = client.get(project.get_absolute_url()).content.decode()
    assert "未发送" not in card


def test_send_needs_this_links_token(client, consultant, link, project):
    client.force_login(consultant)
    client.post(reverse("portal:link_send", args=[link.pk]), {"token": "forged.x"})
    assert not Delivery.objects.filter(channel="sms").exists()


def _provider(answer: bytes):
    """A fake provider on a loopback port that records what it received."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            received.append(
                (self.headers["Authorization"], json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            )
            self.send_response(200)
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, received


def test_sms_gateway_posts_to_the_provider(settings, link, token, consultant):
    server, received = _provider(b'{"code": 0}')
    try:
        settings.MESSAGE_GATEWAY = "sms"
        settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/send"
        settings.SMS_GATEWAY_KEY = "k"
        delivery = link_send(link=link, token=token, by=consultant)
        assert delivery_send(delivery_id=delivery.pk) == "sent"
    finally:
        server.shutdown()
    auth, body = received[0]
    assert auth == "Bearer k" and body["to"] == link.project.client.phone and "/p/" in body["text"]


def test_wechat_gateway_sends_a_template_message_and_a_refusal_is_retried(settings, link, token, consultant):
    project = link.project
    project.client.wechat = "wx-openid-1"
    project.client.save()
    server, received = _provider(b'{"errcode": 40003}')
    try:
        settings.MESSAGE_GATEWAY = "wechat"
        settings.WECHAT_TEMPLATE_URL = f"http://127.0.0.1:{server.server_port}/cgi-bin/message/template/send"
        settings.WECHAT_TEMPLATE_ID = "tpl-1"
        delivery = link_send(link=link, token=token, by=consultant, channel="wechat")
        assert delivery_send(delivery_id=delivery.pk) == "failed"
    finally:
        server.shutdown()
    body = received[0][1]
    assert body["touser"] == "wx-openid-1" and body["template_id"] == "tpl-1" and "/p/" in body["url"]
    delivery.refresh_from_db()
    assert delivery.sent_at is None and "40003" in delivery.last_error


def test_console_gateway_never_logs_the_token(settings, link, token, consultant, caplog):
    settings.MESSAGE_GATEWAY = "console"
    delivery = link_send(link=link, token=token, by=consultant)
    with caplog.at_level("INFO"):
        assert delivery_send(delivery_id=delivery.pk) == "sent"
    assert token not in caplog.text and "/p/…" in caplog.text


def test_revoke(client, consultant, link, token):
    client.force_login(consultant)
    client.post(reverse("portal:link_revoke", args=[link.pk]))
    link.refresh_from_db()
    assert link.revoked_at is not None
    client.logout()
    assert client.get(reverse("portal:page", args=[token])).status_code == 404


def test_card_counts_devices_and_last_opening(client, consultant, token, project):
    client.get(reverse("portal:page", args=[token]))
    client.get(reverse("portal:page", args=[token]))  # same device (its cookie)
    client.cookies.clear()
    client.get(reverse("portal:page", args=[token]))  # another device
    client.force_login(consultant)
    html = client.get(project.get_absolute_url()).content.decode()
    assert 'data-testid="portal-devices">2<' in html


def test_pm_marks_a_photo_visible_to_the_client(client, pm, outsider, project, token):
    item = photo(project, pm, visible=False)
    page = reverse("portal:photo", args=[token, item.token])
    assert client.get(page).status_code == 404
    client.force_login(outsider)
    assert client.post(reverse("projects:file_client_visible", args=[item.token]), {"visible": "1"}).status_code == 404
    client.force_login(pm)
    assert client.post(reverse("projects:file_client_visible", args=[item.token]), {"visible": "1"}).status_code == 302
    assert Attachment.objects.get(pk=item.pk).client_visible
    client.logout()
    assert client.get(page).status_code == 200
