"""Thin task interfaces over teams.services."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from teams import jobs, retention, services
from teams.models import Notification


@shared_task(acks_late=True)
def deliver(delivery_id: int) -> str:
    """Send one delivery at once; a failure is retried by ``deliver_pending`` when its claim expires."""
    return services.delivery_send(delivery_id=delivery_id)


@shared_task
def deliver_pending() -> int:
    """Every minute: send what the broker never delivered (it was down, or SMTP failed).

    Its run is the heartbeat of background work (``/healthz`` and the deputy GM's banner)."""
    services.heartbeat_record(name=services.DELIVERY_SCAN)
    sent = 0
    for delivery_id in services.deliveries_pending():
        sent += services.delivery_send(delivery_id=delivery_id) == "sent"
    return sent


@shared_task
def purge_old_notifications() -> int:
    cutoff = timezone.now() - timedelta(days=180)
    deleted, _ = Notification.objects.filter(read_at__lt=cutoff).delete()
    return deleted


@shared_task(acks_late=True)
def run_job(job_id: int) -> str:
    """Run one background job; claimed first, so a second delivery does nothing."""
    return jobs.job_run(job_id=job_id)


@shared_task
def run_queued_jobs() -> int:
    """Every minute: jobs whose task never arrived (the broker was down) run here."""
    return sum(jobs.job_run(job_id=pk) != "claimed" for pk in jobs.jobs_queued(now=timezone.now()))


@shared_task
def retention_sweep() -> dict:
    """Nightly: anonymise or delete what has outlived its retention period (safe to run twice)."""
    return {item.label: len(item.ids) for item in retention.retention_sweep()}
