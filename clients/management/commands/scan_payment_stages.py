from django.core.management.base import BaseCommand

from clients import services


class Command(BaseCommand):
    help = (
        "Payment stages: make fixed-date stages due, remind the consultant of overdue ones and escalate "
        "those RECEIVABLE_ESCALATE_DAYS overdue to the deputy GM (each stage once)."
    )

    def handle(self, *args, **options):
        result = services.payment_stages_scan()
        self.stdout.write(
            f"{result['due']} stage(s) due, {result['reminded']} reminder(s), {result['escalated']} escalation(s)"
        )
