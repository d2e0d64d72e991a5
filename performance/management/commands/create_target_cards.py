from django.core.management.base import BaseCommand
from django.utils import timezone

from performance.services import card_create_for_month


class Command(BaseCommand):
    help = "Create this month's target cards from the role templates (idempotent; beat runs it on the 1st)."

    def handle(self, *args, **options):
        created = card_create_for_month(month=timezone.localdate())
        self.stdout.write(f"{created} target cards created.")
