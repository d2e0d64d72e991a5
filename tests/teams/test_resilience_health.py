"""``/healthz`` for a monitor: database, cache, broker and worker heartbeat, each ok or failed,
without login and without secrets; 200 when all are ok, else 503. Against a real Redis."""

import datetime as dt

import pytest
from django.utils import timezone

from config.resilience import redis_cache_settings
from teams import services
from tests.conftest import real_broker

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def on_redis(settings, redis_server):
    settings.CACHES = {"default": redis_cache_settings(redis_server.url)}
    with real_broker(redis_server.url):
        yield redis_server


def test_all_parts_ok_answers_200(client, on_redis):
    services.heartbeat_record(name=services.DELIVERY_SCAN)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok", "broker": "ok", "worker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_redis_stopped_answers_503_naming_cache_and_broker_and_nothing_else(client, on_redis):
    services.heartbeat_record(name=services.DELIVERY_SCAN)
    on_redis.stop()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "failed", "broker": "failed", "worker": "ok"}
    body = response.content.decode()
    assert str(on_redis.port) not in body and "redis" not in body.lower()


def test_worker_heartbeat_older_than_five_minutes_fails(client, on_redis):
    services.heartbeat_record(name=services.DELIVERY_SCAN, now=timezone.now() - dt.timedelta(minutes=6))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"] == "failed"


def test_post_is_refused(client, on_redis):
    assert client.post("/healthz").status_code == 405
