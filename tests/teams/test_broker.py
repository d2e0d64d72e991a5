"""The notification path through the real Redis broker and a real Celery worker."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from teams import services
from teams.models import Delivery
from tests.conftest import real_broker


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_notification_email_goes_through_redis_and_a_worker(redis_url, consultant):
    with real_broker(redis_url) as app, start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=10):
        services.notify(recipients=[consultant], title="经 Redis 投递")  # autocommit: queued at once
        delivery = Delivery.objects.get()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            delivery.refresh_from_db()
            if delivery.sent_at:
                break
            time.sleep(0.2)

    assert delivery.sent_at is not None
    assert [m.subject for m in mail.outbox] == ["经 Redis 投递"]
