"""Thin periodic tasks: each calls one idempotent service (rows are claimed, nothing is sent twice)."""

from celery import shared_task

from projects import services


@shared_task
def remind_drawing_deadlines() -> int:
    return services.drawing_reminders_send()


@shared_task
def escalate_overdue_maintenance() -> int:
    return services.maintenance_escalate()
