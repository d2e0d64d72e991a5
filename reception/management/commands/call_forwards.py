from django.core.management.base import BaseCommand

from reception.services import call_forwards_scan


class Command(BaseCommand):
    help = "Remind unacknowledged call forwards and escalate them to the deputy GM (each step once)."

    def handle(self, *args, **options):
        counts = call_forwards_scan()
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
