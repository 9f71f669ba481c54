import time

from django.core.management.base import BaseCommand, CommandParser

from readiness import demo


class Command(BaseCommand):
    help = "Seeds the demo city: 13 counties, N schools, one user per role. Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--schools", type=int, default=300, help="schools in all (300)")
        parser.add_argument("--seed", type=int, default=2020, help="random seed (2020)")

    def handle(self, *args, schools: int, seed: int, **options) -> None:
        started = time.perf_counter()
        result = demo.seed(schools=schools, seed=seed)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"seed_demo: +{result.counties} counties, +{result.schools} schools, "
            f"+{result.users} users in {elapsed:.1f} s"
        )
