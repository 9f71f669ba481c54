"""Runs every benchmark in bench/ and writes bench/results.json.

Each module ``bench/<name>.py`` defines ``run() -> dict[str, dict]`` returning
figures as ``{"value", "unit", "goal", "holds", "detail"}``. Benchmarks run
against PostgreSQL (BENCH_DATABASE_URL, default a ``portal_bench`` database on
this machine), created and migrated on first use; never against the test or
the development database.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"


# The table that marks a database as the benchmarks' own. Benchmarks empty tables
# and flush the database they run on: a database without it was not made by them
# (a mistaken BENCH_DATABASE_URL pointing at real data) and is refused.
MARKER = "bench_owned_database"


class NotABenchDatabase(SystemExit):
    pass


def prepare_database(url: str) -> None:
    """Creates the benchmarks' database, marked as theirs; refuses an existing
    database without the mark."""
    import psycopg2
    from psycopg2 import sql

    name = url.rsplit("/", 1)[1]
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        created = cursor.fetchone() is None
        if created:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()
    own = psycopg2.connect(url)
    own.autocommit = True
    with own.cursor() as cursor:
        if created:
            cursor.execute(
                sql.SQL("CREATE TABLE {} (created_at timestamptz DEFAULT now())").format(
                    sql.Identifier(MARKER)
                )
            )
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [MARKER])
        marked = cursor.fetchone()[0]
    own.close()
    if not marked:
        raise NotABenchDatabase(
            f"{name} was not created by the benchmarks (no table {MARKER}): they empty and "
            "flush the database they run on, so they refuse it. Point BENCH_DATABASE_URL at "
            "a database that does not exist yet, and they will create and mark it."
        )


def main(selected: list[str]) -> int:
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    prepare_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from bench import vacuum_analyze, wait_for_quiet

    names = [m.name for m in pkgutil.iter_modules([str(HERE)]) if not m.name.startswith("_")]
    results_path = HERE / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    for name in names:
        if selected and name not in selected:
            continue
        module = importlib.import_module(f"bench.{name}")
        if not hasattr(module, "run"):
            continue  # bench.mutation runs apart: `make mutation`
        # This machine's PostgreSQL runs without autovacuum (conf.d/90-ci.conf); a
        # deployment's keeps the planner's statistics current as tables grow. Each
        # benchmark starts from what it would find there, not from statistics taken
        # before earlier runs wrote thousands of rows (a checklist's history read
        # by a sort of every change of the verification instead of its index).
        vacuum_analyze()
        quiet = wait_for_quiet()
        figures = module.run()
        # The machine's load when the figures were taken: a figure read on a busy
        # machine says so beside it.
        load = [round(n, 2) for n in os.getloadavg()]
        for key, figure in figures.items():
            results[key] = {
                **figure,
                "load_average_1_5_15_min": load,
                "cpu_idle_share_at_start": round(quiet, 2),
            }
            mark = "ok " if figure["holds"] else "MISS"
            print(f"{mark} {key}: {figure['value']} {figure['unit']} (goal {figure['goal']})")
    results_path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
