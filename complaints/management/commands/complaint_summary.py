import datetime as dt

from django.core.management.base import BaseCommand

from complaints.services import week_start_of, weekly_summary_send


class Command(BaseCommand):
    help = "Send last week's complaint summary to the deputy GM (once per week); --week YYYY-MM-DD for another week."

    def add_arguments(self, parser):
        parser.add_argument("--week", type=dt.date.fromisoformat, help="any day of the week to summarise")

    def handle(self, *args, week=None, **options):
        summary = weekly_summary_send(week_start=week_start_of(week) if week else None)
        if summary is None:
            self.stdout.write("Already sent; nothing to do.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Sent the summary of the week of {summary.week_start}."))
