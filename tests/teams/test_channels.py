"""The team group-robot channel, against a real HTTP server on 127.0.0.1."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from teams import services
from teams.models import Delivery


class RobotHandler(BaseHTTPRequestHandler):
    received: list = []
    answer = {"errcode": 0, "errmsg": "ok"}

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append(json.loads(body))
        payload = json.dumps(type(self).answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def robot():
    RobotHandler.received = []
    RobotHandler.answer = {"errcode": 0, "errmsg": "ok"}
    server = HTTPServer(("127.0.0.1", 0), RobotHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/cgi-bin/webhook/send?key=test", RobotHandler
    server.shutdown()


@pytest.mark.django_db
def test_team_channel_posts_to_the_group_robot(team, consultant, robot, django_capture_on_commit_callbacks):
    url, handler = robot
    team.webhook_url = url
    team.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[consultant], title="重大事件：业主投诉漏水", body="请立即处理", team_channel=team)

    assert handler.received == [{"msgtype": "text", "text": {"content": "重大事件：业主投诉漏水\n请立即处理"}}]
    assert Delivery.objects.get(channel=Delivery.Channel.WEBHOOK).sent_at is not None


@pytest.mark.django_db
def test_robot_refusal_leaves_the_delivery_pending(team, consultant, robot):
    url, handler = robot
    handler.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    team.webhook_url = url
    team.save()
    services.notify(recipients=[consultant], title="x", team_channel=team, email=False)
    delivery = Delivery.objects.get(channel=Delivery.Channel.WEBHOOK)

    assert services.delivery_send(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.sent_at is None and "93000" in delivery.last_error


@pytest.mark.django_db
def test_team_without_robot_gets_no_webhook_delivery(team, consultant):
    services.notify(recipients=[consultant], title="x", team_channel=team)
    assert not Delivery.objects.filter(channel=Delivery.Channel.WEBHOOK).exists()
