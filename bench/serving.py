"""The serving setups side by side, under the city's morning.

Each setup named in SERVING_SETUPS (``sync:WORKERS`` or
``gthread:WORKERSxTHREADS``; the README's, bench/load.py's default, first) is
started on a loopback port at once; bench/load.py's 200 users with think time
then run against each in turn, SERVING_RUNS times, the order reversed every other
run so that a drift of the machine falls on all. Reported: each setup's median
p95 and p50 over its runs, and whether the README's setup has the lowest p95."""

from __future__ import annotations

import contextlib
import os
import statistics
import tempfile
from pathlib import Path

from bench import load

SETUPS = os.environ.get("SERVING_SETUPS", f"{load.SERVER},gthread:4x4").split(",")
RUNS = int(os.environ.get("SERVING_RUNS", "2"))
SECONDS = int(os.environ.get("SERVING_SECONDS", "45"))


def run() -> dict:
    accounts = load.seed()
    workdir = Path(tempfile.mkdtemp(prefix="serving-"))
    env = load.environment(workdir, accounts)
    runs: dict[str, list[tuple[float, float, float, int]]] = {setup: [] for setup in SETUPS}
    with contextlib.ExitStack() as servers:
        ports = {setup: servers.enter_context(load.serving(env, accounts, setup)) for setup in SETUPS}  # fmt: skip
        for n in range(RUNS):
            for setup in SETUPS if n % 2 == 0 else SETUPS[::-1]:
                out = workdir / f"{setup.replace(':', '-')}-{n}"
                rows, rate = load.run_locust(
                    ports[setup], env, out, [*load.MIX, "Minimal"], load.USERS, SECONDS
                )
                p50, p95, _, failures = load.percentiles(rows, load.work_names(rows))
                runs[setup].append((p95, p50, rate, failures))
    p95s = {setup: statistics.median(r[0] for r in rs) for setup, rs in runs.items()}
    chosen = SETUPS[0]
    detail = (
        f"{load.USERS} users with 1–3 s think time, {SECONDS} s a run, {RUNS} runs of each setup "
        "in turn (order reversed every other run), all setups serving at once: "
        + "; ".join(
            f"{setup}: p95 " + " / ".join(f"{r[0]:.0f}" for r in rs)
            + " ms, p50 " + " / ".join(f"{r[1]:.0f}" for r in rs)
            + " ms, " + " / ".join(f"{r[2]:.1f}" for r in rs) + " requests/s, "
            + f"{sum(r[3] for r in rs)} errors"
            for setup, rs in runs.items()
        )
    )  # fmt: skip
    return {
        "serving_setup_p95_ms": {
            "value": round(p95s[chosen], 1),
            "unit": "ms",
            "goal": f"{chosen} (the README's) lowest of {', '.join(SETUPS)}",
            "holds": p95s[chosen] == min(p95s.values()),
            "detail": detail,
        }
    }
