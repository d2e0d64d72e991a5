"""Periodic jobs: thin wrappers around services that claim each visit with a
conditional update, so a double beat or a retry sends nothing twice."""

from celery import shared_task

from clients import services


@shared_task
def remind_due_visits() -> int:
    """Morning of the due date: remind each owner once."""
    return services.visits_remind_due()


@shared_task
def escalate_overdue_visits() -> int:
    """Overdue by CLIENT_VISIT_ESCALATE_DAYS: tell the deputy GM once."""
    return services.visits_escalate_overdue()


@shared_task
def remind_privacy_requests() -> int:
    """Hourly: open personal-information requests near or past their deadline remind the deputy GMs once."""
    return services.privacy_requests_remind()


@shared_task
def scan_payment_stages() -> dict:
    """Hourly by day: stages whose fixed date came become due; overdue stages remind the
    consultant, then (RECEIVABLE_ESCALATE_DAYS later) the deputy GM, each once."""
    return services.payment_stages_scan()
