"""Benchmarks of the portal (``python -m bench``); helpers they share."""

from __future__ import annotations

import re
from pathlib import Path


def own_peak_mb() -> float:
    """This process's peak resident memory, in MB, since it began its program.

    Read from VmHWM, not ``getrusage().ru_maxrss``: on Linux a child started by a
    process keeps its parent's peak in ``ru_maxrss`` across fork and exec (a child
    of a 500 MB bench process reports 500 MB however little it uses), whereas
    VmHWM belongs to the memory of the program the child runs."""
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def vacuum_analyze() -> None:
    """What autovacuum does within minutes of a bulk load, done at once: the planner's
    statistics and the visibility map (for index-only scans) of the seeded city."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
