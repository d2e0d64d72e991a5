from django.core.management.base import BaseCommand

from projects import services


class Command(BaseCommand):
    help = "Remind assistants of drawing tasks due tomorrow and today (each reminder is sent once)."

    def handle(self, *args, **options):
        self.stdout.write(f"{services.drawing_reminders_send()} reminders sent")
