"""Thin periodic tasks; the services make them safe to run twice."""

import logging

from celery import shared_task
from django.utils import timezone

from config.celery import enqueue
from performance import rollups, selectors, services

logger = logging.getLogger(__name__)

SEND_RETRIES = 4


@shared_task
def create_month_cards():
    """Daily: this month's target cards from the role templates (new staff get theirs the next day)."""
    return services.card_create_for_month(month=timezone.localdate())


@shared_task
def generate_monthly_reports():
    """Hourly: any missing draft of a past month (on the 1st: last month's, per team)."""
    return len(services.reports_generate_missing(today=timezone.localdate()))


@shared_task
def send_due_reports():
    """Hourly: approved reports not yet sent, and drafts past the send day."""
    for report_id in services.reports_due_for_sending(now=timezone.now()):
        enqueue(send_report, report_id)


@shared_task(bind=True, max_retries=SEND_RETRIES)
def send_report(self, report_id):
    try:
        return services.report_send(report_id=report_id)
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            services.report_send_failed(report_id=report_id)
            logger.exception("Monthly report %s could not be sent", report_id)
            return "failed"
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc


@shared_task
def warm_dashboards():
    """Every 4 minutes: the company's and each team's dashboards recomputed into the cache."""
    return selectors.dashboards_warm()


@shared_task
def recount_rollups():
    """Nightly: the daily rollups recounted from the facts; drift repaired and recorded."""
    record = rollups.rollups_recount()
    return {"cells": record.cells, "drifted": record.drifted}
