import dataclasses
import importlib
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from readiness.demo import seed_report_history
from readiness.services import readiness_recompute


class Command(BaseCommand):
    help = "Seeds the demo city: 13 counties, N schools, users, and each line of work's data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--schools", type=int, default=300, help="schools in all (300)")
        parser.add_argument("--seed", type=int, default=2020, help="random seed (2020)")
        parser.add_argument(
            "--people", type=int, default=0, help="person files to add to an empty ledger (0)"
        )

    def handle(self, *args, schools: int, seed: int, people: int, **options) -> None:
        # Each app seeds its own data (settings.DEMO_SEEDERS), so that readiness
        # never imports the apps built on it.
        for path in settings.DEMO_SEEDERS:
            started = time.perf_counter()
            result = importlib.import_module(path).seed(schools=schools, seed=seed, people=people)
            counts = result if isinstance(result, dict) else dataclasses.asdict(result)
            added = ", ".join(f"+{n} {name}" for name, n in counts.items())
            elapsed = time.perf_counter() - started
            self.stdout.write(f"seed_demo {path}: {added} in {elapsed:.1f} s")
        # Every school judged once all the lines of work have their data.
        started = time.perf_counter()
        changed = readiness_recompute()
        elapsed = time.perf_counter() - started
        self.stdout.write(f"seed_demo readiness: {changed} schools changed in {elapsed:.1f} s")
        # The daily reports of the last 14 days, for the dashboard's trends.
        started = time.perf_counter()
        reports = seed_report_history(days=14)
        elapsed = time.perf_counter() - started
        self.stdout.write(f"seed_demo dispatch reports: {reports} days in {elapsed:.1f} s")
