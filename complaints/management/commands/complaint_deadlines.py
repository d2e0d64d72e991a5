from django.core.management.base import BaseCommand

from complaints.services import complaint_deadlines_scan


class Command(BaseCommand):
    help = "Remind handlers of missed complaint deadlines and escalate to the deputy GM (each step once)."

    def handle(self, *args, **options):
        counts = complaint_deadlines_scan()
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
