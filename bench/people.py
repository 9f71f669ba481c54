"""Person files at full scale (2.7 million): import throughput against raw COPY,
peak memory of a 270 thousand and a 2.7 million row import, and the coverage
page of a county."""

from __future__ import annotations

import csv
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import vacuum_analyze

FULL = 2_700_000
SMALL = 270_000
REGION = "379901"  # a region code no demo file uses, so bench rows never collide
ROUNDS = 3


def _ensure_ledger() -> None:
    from django.core.management import call_command

    from people.models import Person
    from readiness.models import School

    if School.objects.count() < 5600:
        call_command("seed_demo", "--schools", "5600", verbosity=0)
    if Person.objects.count() < FULL - 1000:
        call_command("seed_demo", "--schools", "5600", "--people", str(FULL), verbosity=0)
        vacuum_analyze()


def _write_file(path: Path, rows: int) -> None:
    import datetime as dt

    from people import idcard
    from readiness.models import School

    codes = list(School.objects.values_list("code", flat=True)[:500])
    base = dt.date(1950, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(
            [
                "学校代码",
                "类别",
                "姓名",
                "身份证号",
                "年级",
                "班级",
                "就读方式",
                "生源地",
                "当前所在地",
                "是否返校",
                "返校日期",
                "健康状况",
                "排查日期",
            ]
        )
        for n in range(rows):
            number = idcard.make(REGION, base + dt.timedelta(days=n // 999), n % 999 + 1)
            out.writerow(
                [
                    codes[n % len(codes)],
                    "学生",
                    "张伟",
                    number,
                    "高一",
                    "1班",
                    "走读",
                    "本县区",
                    "本地",
                    "是",
                    "2020-03-20",
                    "正常",
                    "2020-03-18",
                ]
            )


def _peak_rss_mb(path: Path) -> tuple[float, float, int]:
    """Imports ``path`` in a fresh process; returns (its own peak MB, seconds, rows)."""
    code = (
        "import os, sys, time, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE','portal.settings'); django.setup();"
        "from bench import own_peak_mb;"
        "from people.importer import PersonImporter; from readiness.models import User;"
        "u=User(username='bench', role='city_staff'); t=time.perf_counter();"
        f"o=PersonImporter(user=u).run(open({str(path)!r},'rb'));"
        "print(own_peak_mb(), time.perf_counter()-t, o.written, o.error_count)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ.copy(),
        cwd=Path(__file__).resolve().parents[1],  # where ``bench`` imports from
    )
    peak, seconds, written, errors = result.stdout.split()[-4:]
    assert int(errors) == 0, result.stdout
    return float(peak), float(seconds), int(written)


def _copy_text(path: Path) -> str:
    """The file's rows as COPY text in the ledger's columns: what the import makes
    of them, without the reading and the checks."""
    import datetime as dt

    from people import idcard
    from readiness.models import School

    ids = dict(School.objects.values_list("code", "pk"))
    buffer = io.StringIO()
    with path.open(encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        for row in reader:
            birth, _sex = idcard.parse(row[3], today=dt.date.today())
            buffer.write(
                f"{ids[row[0]]}\tstudent\t{row[2]}\t{row[3]}\tM\t{birth}\t{row[4]}\t{row[5]}\tday\tcounty\tlocal\tt\t2020-03-20\tnormal\t2020-03-18\t\n"
            )
    return buffer.getvalue()


COPY_TABLE = "bench_person_copy"


def _make_copy_table() -> None:
    """A table identical to the ledger: the same columns, indexes and constraints,
    and the same 2.7 million files already in it, so that a COPY into it pays the
    same index upkeep as the import's writing into the ledger."""
    from django.db import connection

    from people.models import Person

    table = Person._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {COPY_TABLE}")
        cursor.execute(f"CREATE TABLE {COPY_TABLE} (LIKE {table} INCLUDING ALL)")
        cursor.execute(
            f"INSERT INTO {COPY_TABLE} SELECT * FROM {table} WHERE id_number NOT LIKE '{REGION}%%'"
        )
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{COPY_TABLE}', 'id'), "
            f"(SELECT MAX(id) FROM {COPY_TABLE}))"
        )
        # LIKE copies columns, indexes and checks, not foreign keys: add the ledger's.
        cursor.execute(
            f"ALTER TABLE {COPY_TABLE} ADD FOREIGN KEY (school_id) "
            "REFERENCES readiness_school (id) DEFERRABLE INITIALLY DEFERRED"
        )
    _forget_rows(COPY_TABLE)


def _forget_rows(table: str) -> None:
    """Deletes the benchmark's rows from ``table`` and vacuums it, then writes every
    dirty page out: each timed step starts from the same state, with no other
    step's writing still owed."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id_number LIKE '{REGION}%%'")
        cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute("CHECKPOINT")


def _raw_copy_seconds(text: str) -> float:
    from django.db import connection

    from people.importer import LEDGER_COLUMNS

    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.copy_expert(
            f"COPY {COPY_TABLE} ({', '.join(LEDGER_COLUMNS)}) FROM STDIN", io.StringIO(text)
        )
        seconds = time.perf_counter() - started
    _forget_rows(COPY_TABLE)
    return seconds


def _seconds(times: list[float]) -> str:
    return " / ".join(f"{t:.2f}" for t in times) + " s"


def run() -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from people import screening
    from people.models import Person
    from readiness.models import User

    _ensure_ledger()
    ledger = Person._meta.db_table
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        small, full = Path(folder) / "small.csv", Path(folder) / "full.csv"
        _write_file(small, SMALL)
        _forget_rows(ledger)
        _make_copy_table()
        text = _copy_text(small)
        copies, imports, peaks = [], [], []
        # Interleaved, in turn first and second: whatever the machine does meanwhile
        # falls on both.
        for turn in range(ROUNDS):
            for step in ("copy", "import") if turn % 2 == 0 else ("import", "copy"):
                if step == "copy":
                    copies.append(_raw_copy_seconds(text))
                else:
                    peak, seconds, _written = _peak_rss_mb(small)
                    _forget_rows(ledger)
                    imports.append(seconds)
                    peaks.append(peak)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {COPY_TABLE}")
        copy_s, import_s = statistics.median(copies), statistics.median(imports)
        peak_small = statistics.median(peaks)
        ratio = round(copy_s / import_s, 3)
        # The importer, by contrast, reads text and checks every row (writing the
        # ledger by COPY as it goes), and recounts the schools it touched.
        results["people_import_vs_copy"] = {
            "value": ratio, "unit": "ratio", "goal": ">= 0.5", "holds": ratio >= 0.5,
            "detail": (
                f"{SMALL} rows, median of {ROUNDS} interleaved rounds: import {SMALL / import_s:,.0f} rows/s "
                f"({import_s:.2f} s, reading and checks included; {_seconds(imports)}), raw COPY "
                f"{SMALL / copy_s:,.0f} rows/s ({copy_s:.2f} s; {_seconds(copies)})"
            ),
        }  # fmt: skip
        _write_file(full, FULL)
        peak_full, full_s, written_full = _peak_rss_mb(full)
        _forget_rows(ledger)
        growth = round(peak_full / peak_small, 2)
        results["people_import_memory_growth"] = {
            "value": growth, "unit": "ratio", "goal": "<= 1.2", "holds": growth <= 1.2,
            "detail": f"peak RSS {peak_small:.0f} MB for {SMALL} rows (median of {ROUNDS}), {peak_full:.0f} MB for {written_full} rows ({full_s:.0f} s)",
        }  # fmt: skip
    # The imports recounted their schools with the benchmark's files in; count again.
    screening.refresh()
    official = User.objects.get(username="lanshan")
    client = Client()
    client.force_login(official)
    times = []
    for _ in range(15):
        started = time.perf_counter()
        assert client.get("/people/coverage/").status_code == 200
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get("/people/coverage/")
    ms = round(statistics.median(times), 1)
    results["people_coverage_page_ms"] = {
        "value": ms, "unit": "ms", "goal": "< 200", "holds": ms < 200,
        "detail": f"a county's coverage page with {Person.objects.count():,} files in the city; {len(queries)} queries",
    }  # fmt: skip
    return results
