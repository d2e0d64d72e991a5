from django.core.management.base import BaseCommand

from clients import services


class Command(BaseCommand):
    help = "Remind owners of follow-up visits due today (each visit once)."

    def handle(self, *args, **options):
        self.stdout.write(f"{services.visits_remind_due()} reminder(s) sent")
