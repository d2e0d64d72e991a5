"""Thin task interfaces over reception.services; each is safe to run twice."""

from celery import shared_task

from reception import services


@shared_task
def call_forwards_scan() -> dict:
    """Every minute: remind unacknowledged forwards, then escalate them to the deputy GM."""
    return services.call_forwards_scan()
