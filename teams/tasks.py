"""Thin task interfaces over teams.services."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from teams import services
from teams.models import Notification


@shared_task(bind=True, max_retries=5, acks_late=True)
def deliver(self, delivery_id: int) -> str:
    result = services.delivery_send(delivery_id=delivery_id)
    if result == "failed":
        raise self.retry(countdown=30 * (2**self.request.retries))
    return result


@shared_task
def deliver_pending() -> int:
    """Send what the broker never delivered (it was down, or SMTP failed)."""
    sent = 0
    for delivery_id in services.deliveries_pending():
        sent += services.delivery_send(delivery_id=delivery_id) == "sent"
    return sent


@shared_task
def purge_old_notifications() -> int:
    cutoff = timezone.now() - timedelta(days=180)
    deleted, _ = Notification.objects.filter(read_at__lt=cutoff).delete()
    return deleted
