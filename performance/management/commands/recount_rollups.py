from django.core.management.base import BaseCommand

from performance.rollups import rollups_rebuild, rollups_recount


class Command(BaseCommand):
    help = (
        "Recount the dashboards' daily rollups from the facts and repair any drift (beat does this nightly); "
        "--rebuild replaces them all (after a bulk seed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="Replace every cell without comparing.")

    def handle(self, *args, rebuild=False, **options):
        if rebuild:
            self.stdout.write(f"{rollups_rebuild()} cells written")
            return
        record = rollups_recount()
        self.stdout.write(f"{record.cells} cells checked, {record.drifted} repaired")
