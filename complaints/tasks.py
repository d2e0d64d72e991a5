"""Thin task interfaces over complaints.services; each is safe to run twice."""

from celery import shared_task

from complaints import services


@shared_task
def complaint_deadlines_scan() -> dict:
    """Every minute: remind the handler of a missed deadline, then escalate to the deputy GM."""
    return services.complaint_deadlines_scan()


@shared_task
def weekly_summary_send() -> int | None:
    """Monday morning: last week's complaint summary to the deputy GM, once."""
    summary = services.weekly_summary_send()
    return summary.pk if summary else None
