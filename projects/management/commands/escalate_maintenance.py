from django.core.management.base import BaseCommand

from projects import services


class Command(BaseCommand):
    help = "Remind, then escalate to the deputy GM, overdue maintenance requests (each once)."

    def handle(self, *args, **options):
        self.stdout.write(f"{services.maintenance_escalate()} notifications sent")
