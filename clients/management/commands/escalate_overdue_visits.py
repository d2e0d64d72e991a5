from django.core.management.base import BaseCommand

from clients import services


class Command(BaseCommand):
    help = "Escalate follow-up visits overdue by CLIENT_VISIT_ESCALATE_DAYS to the deputy GM (each visit once)."

    def handle(self, *args, **options):
        self.stdout.write(f"{services.visits_escalate_overdue()} escalation(s) sent")
