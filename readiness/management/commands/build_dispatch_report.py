import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from readiness.services import (
    StaleReportDate,
    dispatch_report_build,
    dispatch_report_pdf,
    dispatch_report_rebuild,
)


class Command(BaseCommand):
    help = (
        "Builds today's daily dispatch report through the same service as the beat and "
        "the button; with --reason, builds it again and keeps the replaced snapshot."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="YYYY-MM-DD; only today's figures exist (default)")
        parser.add_argument("--reason", help="build again, replacing the day's snapshot, because…")

    def handle(self, *args, date: str | None, reason: str | None, **options) -> None:
        try:
            on_date = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date {date!r} is not a date like 2026-12-31") from None
        try:
            if reason is None:
                report = dispatch_report_build(on_date=on_date)
            else:
                report = dispatch_report_rebuild(actor=None, on_date=on_date, reason=reason)
        except StaleReportDate as error:
            raise CommandError(str(error)) from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        dispatch_report_pdf(report=report)  # rendered once, with the build
        revisions = report.revisions.count()
        self.stdout.write(
            f"dispatch report {report.on_date}: built {timezone.localtime(report.built_at):%H:%M:%S}"
            f", {revisions} earlier snapshot(s) kept"
        )
