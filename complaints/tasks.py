"""Thin task interfaces over complaints.services; each is safe to run twice."""

from celery import shared_task

from complaints import services


@shared_task
def complaint_deadlines_scan() -> dict:
    """Every minute: remind the handler of a missed deadline, then escalate to the deputy GM."""
    return services.complaint_deadlines_scan()


@shared_task
def weekly_summary_send() -> int:
    """Hourly in the working day: last week's complaint summary to the deputy GM once (Monday 08:00),
    and any earlier week's summary that a missed run left unsent."""
    return len(services.weekly_summaries_send_missing())
