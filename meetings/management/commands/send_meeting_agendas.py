from django.core.management.base import BaseCommand

from meetings.tasks import send_meeting_agendas


class Command(BaseCommand):
    help = (send_meeting_agendas.__doc__ or "").strip()

    def handle(self, *args, **options):
        count = send_meeting_agendas()
        self.stdout.write(f"send_meeting_agendas: {count}")
