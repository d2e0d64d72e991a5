"""Redis down or hung: people stay signed in, a complaint is saved at once, and its
notifications go out exactly once when Redis is back. Against a real ``redis-server``
that the test starts on a private port and stops mid-test, and a server that accepts
connections but never answers."""

import datetime as dt
import time
import uuid

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from clients.models import Client
from complaints.models import Complaint
from config.resilience import redis_cache_settings
from teams import tasks
from teams.models import Delivery
from teams.roles import Role
from tests.clients.factories import ClientFactory
from tests.conftest import real_broker
from tests.teams.factories import UserFactory

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def the_client(team, consultant) -> Client:
    return ClientFactory(team=team, consultant=consultant, name="王美丽", phone="13812345678")


def complaint_form(the_client, **overrides):
    return {
        "token": str(uuid.uuid4()),
        "client": the_client.pk,
        "caller_name": "王美丽",
        "caller_phone": "138 1234 5678",
        "channel": "phone",
        "category": "quality",
        "severity": "normal",
        "description": "卫生间渗水",
        **overrides,
    }


@pytest.fixture
def redis_everywhere(settings):
    """Point the cache (as configured in production) and the broker at ``url``."""

    def point(url):
        settings.CACHES = {"default": redis_cache_settings(url)}
        return real_broker(url)

    return point


def test_with_redis_stopped_sign_in_and_register_then_the_scan_sends_once_when_it_is_back(
    client, redis_server, redis_everywhere, front_desk, the_client, consultant, gm
):
    with redis_everywhere(redis_server.url):
        redis_server.stop()

        signed_in = client.post(reverse("login"), {"username": front_desk.username, "password": "pass-1234"})
        assert signed_in.status_code == 302
        assert client.get(reverse("teams:home")).status_code == 200

        started = time.monotonic()
        response = client.post(reverse("complaints:register"), complaint_form(the_client, severity="major"))
        elapsed = time.monotonic() - started

        complaint = Complaint.objects.get()
        assert response.status_code == 302 and response.url == reverse("complaints:detail", args=[complaint.pk])
        assert elapsed < 2
        deliveries = list(Delivery.objects.order_by("address"))
        assert {d.address for d in deliveries} == {consultant.email, gm.email}
        assert all(d.sent_at is None for d in deliveries) and mail.outbox == []

        redis_server.start()
        # Beat's every-minute scan, twice (a double tick): each delivery goes out once.
        with time_machine.travel(dt.timedelta(minutes=2)):
            assert tasks.deliver_pending() == 2
            assert tasks.deliver_pending() == 0
        assert sorted(m.to[0] for m in mail.outbox) == sorted([consultant.email, gm.email])
        assert all(d.sent_at for d in Delivery.objects.all())


def test_cache_down_reads_as_a_miss_and_the_dashboard_still_answers(login, redis_server, redis_everywhere, gm):
    with redis_everywhere(redis_server.url):
        cache.set("greeting", "你好", 60)
        assert cache.get("greeting") == "你好"
        redis_server.stop()

        assert cache.get("greeting") is None
        cache.set("greeting", "再见", 60)  # swallowed and logged
        assert login(gm).get(reverse("performance:dashboard")).status_code == 200


def test_hung_broker_and_cache_hold_a_major_incident_for_less_than_two_seconds(
    client, hung_server, redis_everywhere, front_desk, the_client, consultant
):
    """Accepts connections, never answers: today each recipient waited 5 s for the broker."""
    for n in range(3):
        UserFactory(role=Role.DEPUTY_GM, team=None, email=f"gm{n}@example.com")
    client.force_login(front_desk)
    with redis_everywhere(hung_server):
        started = time.monotonic()
        response = client.post(reverse("complaints:register"), complaint_form(the_client, severity="major"))
        elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert Complaint.objects.count() == 1
    assert Delivery.objects.filter(sent_at__isnull=True).count() == 4  # left for the scan
    assert elapsed < 2
