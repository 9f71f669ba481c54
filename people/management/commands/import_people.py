"""Imports person files from the shell, through the same code as the page."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from people.importer import PersonImporter
from readiness.models import County, School, User


class Command(BaseCommand):
    help = "Imports a csv or xlsx of person files: the whole file or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--school", help="limit the rows to this school code")
        scope.add_argument("--county", help="limit the rows to this county code")
        parser.add_argument("--upsert", action="store_true", help="update files already on record")
        parser.add_argument("--report", type=Path, help="write the error report (csv) here")

    def handle(self, *args, file: Path, school, county, upsert, report, **options) -> None:
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        # The shell acts with the scope it is given: the city, one county or one school.
        actor = User(username="import_people", role=User.Role.CITY_STAFF)
        if school:
            actor.role, actor.school = User.Role.SCHOOL, School.objects.filter(code=school).first()
            if actor.school is None:
                raise CommandError(f"Unknown school code {school}")
        elif county:
            actor.role, actor.county = (
                User.Role.COUNTY_OFFICIAL,
                County.objects.filter(code=county).first(),
            )
            if actor.county is None:
                raise CommandError(f"Unknown county code {county}")
        importer = PersonImporter(
            user=actor,
            upsert=upsert,
            progress=lambda rows: self.stderr.write(f"\r{rows} rows read", ending=""),
        )
        with file.open("rb") as handle:
            outcome = importer.run(handle)
        self.stderr.write("")
        if report:
            report.write_bytes(outcome.report)
        if not outcome.ok:
            for error in outcome.errors[:20]:
                self.stderr.write(f"row {error.row} {error.column}: {error.message}")
            raise CommandError(
                f"{outcome.error_count} problems in {outcome.total} rows; nothing was written."
            )
        self.stdout.write(f"{outcome.written} person files written from {outcome.total} rows.")
