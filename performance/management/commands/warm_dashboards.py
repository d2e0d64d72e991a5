from django.core.management.base import BaseCommand

from performance.selectors import dashboards_warm


class Command(BaseCommand):
    help = "Recompute the company's and every team's dashboard into the cache (beat does this every 4 minutes)."

    def handle(self, *args, **options):
        self.stdout.write(f"{dashboards_warm()} dashboards computed")
