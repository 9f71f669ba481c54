"""Benchmarks of the portal (``python -m bench``); helpers they share."""

from __future__ import annotations

import re
import time
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


def cpu_times() -> tuple[int, int]:
    """The machine's CPU time since boot, idle (with iowait) and all, in ticks."""
    fields = [int(n) for n in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    return fields[3] + fields[4], sum(fields)


def cpu_idle_share(seconds: float = 2.0) -> float:
    """The share of the machine's CPU time left idle over the next ``seconds``."""
    idle_before, total_before = cpu_times()
    time.sleep(seconds)
    idle_after, total_after = cpu_times()
    return (idle_after - idle_before) / max(1, total_after - total_before)


def wait_for_quiet(*, idle: float = 0.9, longest: float = 120.0) -> float:
    """Waits (up to ``longest`` seconds) until the machine is quiet: the servers, the
    load generator and PostgreSQL's work of the benchmark before have stopped. A
    timed figure read while they finish was seen a third slower (a page's median of
    34 ms against 23 ms, one run after the other). Returns the idle share found."""
    deadline = time.monotonic() + longest
    share = cpu_idle_share()
    while share < idle and time.monotonic() < deadline:
        share = cpu_idle_share()
    return share
