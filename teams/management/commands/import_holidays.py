from django.core.management.base import BaseCommand, CommandError

from teams.calendar import holidays_import


class Command(BaseCommand):
    help = "Fill a year of the holiday calendar (holidays and 调休 make-up days) from the chinesecalendar package."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)

    def handle(self, *args, year, **options):
        try:
            added = holidays_import(year)
        except NotImplementedError as exc:
            raise CommandError(
                f"chinesecalendar does not know {year} yet ({exc}); upgrade the package or enter the year in the admin."
            ) from exc
        self.stdout.write(f"import_holidays {year}: {added} days added")
