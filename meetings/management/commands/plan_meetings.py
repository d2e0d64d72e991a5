from django.core.management.base import BaseCommand

from meetings.tasks import plan_meetings


class Command(BaseCommand):
    help = (plan_meetings.__doc__ or "").strip()

    def handle(self, *args, **options):
        count = plan_meetings()
        self.stdout.write(f"plan_meetings: {count}")
