"""A school spreadsheet far past the row limit (100,000 rows of xlsx): how long
the check takes and how much memory it needs before it refuses the file.

Measured in a fresh process each time, which reports the growth of its own peak
(``bench.own_peak_mb``: VmHWM, since ``ru_maxrss`` would start at the parent's)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROWS = 100_000

CHILD = """
import json, os, sys, time
import django
django.setup()
from bench import own_peak_mb
from readiness import services
from readiness.models import County, User
county, _ = County.objects.get_or_create(code="371302", defaults={"name": "兰山区", "kind": "district"})
user, _ = User.objects.get_or_create(username="bench-import", defaults={"role": "city_staff"})
data = open(sys.argv[1], "rb").read()
before = own_peak_mb()
started = time.perf_counter()
outcome = services.school_import_preview(actor=user, name="schools.xlsx", data=data)
seconds = time.perf_counter() - started
after = own_peak_mb()
print(json.dumps({"seconds": seconds, "grew_mb": after - before, "refused": not outcome.ok,
                  "message": outcome.errors[0].message if outcome.errors else ""}))
"""


def _workbook(path: Path) -> int:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["学校标识码", "学校名称", "县区代码", "学段"])
    for i in range(ROWS):
        sheet.append([f"{2137000000 + i:010d}", f"学校{i}", "371302", "小学"])
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    return len(buffer.getvalue())


def run() -> dict:
    path = Path("/tmp/bench-schools-100k.xlsx")
    size = _workbook(path)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings"}
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    detail = (
        f"{ROWS} rows of xlsx ({size // 1024} KB) checked in a fresh process: refused "
        f"({figures['message']}) after {figures['seconds']:.2f} s, memory grew by "
        f"{figures['grew_mb']:.0f} MB; the limit is SCHOOL_IMPORT_MAX_ROWS"
    )
    return {
        "school_import_check_100k_rows_seconds": {
            "value": round(figures["seconds"], 2),
            "unit": "s",
            "goal": "< 5 (refused)",
            "holds": figures["seconds"] < 5 and figures["refused"],
            "detail": detail,
        },
        "school_import_check_100k_rows_memory_mb": {
            "value": round(figures["grew_mb"]),
            "unit": "MB",
            "goal": "< 100",
            "holds": figures["grew_mb"] < 100,
            "detail": detail,
        },
    }
