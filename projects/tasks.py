"""Thin periodic tasks: each calls one idempotent service (rows are claimed, nothing is sent twice)."""

from celery import shared_task

from projects import services


@shared_task
def remind_drawing_deadlines() -> int:
    return services.drawing_reminders_send()


@shared_task
def escalate_overdue_maintenance() -> int:
    return services.maintenance_escalate()


@shared_task
def warranty_payment_stages() -> int:
    """Daily: the retention (质保金) of projects whose warranty has ended becomes due (once)."""
    return services.warranty_stages_scan()
