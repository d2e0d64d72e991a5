from django.core.management.base import BaseCommand

from teams.retention import retention_sweep


class Command(BaseCommand):
    help = (
        "Anonymise or delete what has outlived its retention period (RETENTION_* settings); "
        "--dry-run lists what it would touch and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would be touched; change nothing.")

    def handle(self, *args, dry_run=False, **options):
        for item in retention_sweep(dry_run=dry_run):
            verb = {"anonymise": "anonymise", "delete": "delete"}[item.action]
            prefix = "would " if dry_run else ""
            ids = ", ".join(str(pk) for pk in item.ids[:50]) + (" …" if len(item.ids) > 50 else "")
            self.stdout.write(f"{prefix}{verb} {len(item.ids)} {item.label}" + (f": {ids}" if ids else ""))
