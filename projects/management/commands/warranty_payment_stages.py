from django.core.management.base import BaseCommand

from projects import services


class Command(BaseCommand):
    help = "Make the retention (质保金) stages of projects whose warranty has ended due (each once)."

    def handle(self, *args, **options):
        self.stdout.write(f"{services.warranty_stages_scan()} stage(s) due")
