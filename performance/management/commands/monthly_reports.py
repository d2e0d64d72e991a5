import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from performance import services


class Command(BaseCommand):
    help = (
        "Generate the previous month's report drafts (idempotent) and send what is due: approved reports and "
        "drafts past the send day. Beat runs both; this is the operator's way to run them by hand."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM to generate (default: the previous month)")
        parser.add_argument("--no-send", action="store_true", help="only generate drafts")

    def handle(self, *args, month=None, no_send=False, **options):
        if month:
            year, number = (int(x) for x in month.split("-"))
            first = dt.date(year, number, 1)
        else:
            first = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        reports = services.report_generate_all(month=first)
        self.stdout.write(f"{len(reports)} reports for {first:%Y-%m}.")
        if no_send:
            return
        for report_id in services.reports_due_for_sending(now=timezone.now()):
            try:
                result = services.report_send(report_id=report_id)
            except Exception as exc:  # noqa: BLE001 — report and go on with the next team
                self.stderr.write(f"report {report_id}: {exc!r}")
                continue
            self.stdout.write(f"report {report_id}: {result}")
