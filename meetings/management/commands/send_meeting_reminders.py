from django.core.management.base import BaseCommand

from meetings.tasks import send_meeting_reminders


class Command(BaseCommand):
    help = (send_meeting_reminders.__doc__ or "").strip()

    def handle(self, *args, **options):
        count = send_meeting_reminders()
        self.stdout.write(f"send_meeting_reminders: {count}")
