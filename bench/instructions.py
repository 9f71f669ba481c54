"""The CPU work of each request of the load's mix, in instructions: a figure that does
not move with the machine's other load.

Timings on a shared machine move by a tenth or more between two runs of the same
code, so a change that saves a few per cent cannot be told from the noise by
them. Instructions counted by callgrind (valgrind) are the same from run to run
within a thousandth for the same code, data and settings, so that each change is
measured exactly; they count the server's Python, not PostgreSQL's work (another
process) nor the time spent waiting on it.

Each request of bench/locustfile.py's mix is asked in a fresh process with the
settings of bench/load.py's servers, in the city bench/load.py seeds, three times
to warm the caches and then INSTR_REPS times counted (bench/_instructions_child.py).
The mix's mean is weighed as the locustfile weighs its users and their tasks (a
verifier's answer is a read and a save; retries after a stale save are left out).
Its ratio to the minimal view, ``/healthz``, is the instruction count's view of
bench/load.py's capacity ratio (the mix's ceiling over /healthz's), with the same goal."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.load import MINIMAL, ROOT, environment, seed

REPS = int(os.environ.get("INSTR_REPS", "5"))
# What each task of the locustfile asks, by (user class, task): the names of
# bench/_instructions_child.request.
TASKS = {
    ("Verifier", "checklist"): ["verifier checklist page"],
    ("Verifier", "answer"): ["verifier API read", "verifier API save"],
    ("CountyReader", "home"): ["county /"],
    ("CountyReader", "coverage"): ["county /people/coverage/"],
    ("CountyReader", "schools"): ["county /schools/"],
    ("CountyReader", "verifications"): ["county /verification/"],
    ("CityReader", "home"): ["city /"],
    ("CityReader", "dispatch"): ["city /dispatch/[date]/"],
    ("CityReader", "dashboard"): ["city /dashboard/"],
    ("CityReader", "schools"): ["city /schools/"],
    ("Minimal", "minimal"): [MINIMAL],
}


def mix_weights(locustfile: Path = ROOT / "bench" / "locustfile.py") -> dict[tuple, float]:
    """(user class, task) → its share of the mix's tasks, read from the locustfile's
    ``weight`` and ``@task(n)`` (parsed, not imported: importing locust patches the
    standard library of the process)."""
    shares: dict[tuple, float] = {}
    classes = [n for n in ast.parse(locustfile.read_text()).body if isinstance(n, ast.ClassDef)]
    weights = {}
    for cls in classes:
        for node in cls.body:
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "weight" for t in node.targets
            ):
                weights[cls.name] = ast.literal_eval(node.value)
    total_users = sum(weights.values())
    for cls in classes:
        if cls.name not in weights:
            continue  # an abstract base
        tasks = {}
        for node in cls.body:
            for deco in getattr(node, "decorator_list", []):
                if isinstance(deco, ast.Name) and deco.id == "task":
                    tasks[node.name] = 1
                elif isinstance(deco, ast.Call) and getattr(deco.func, "id", "") == "task":
                    tasks[node.name] = ast.literal_eval(deco.args[0]) if deco.args else 1
        for name, weight in tasks.items():
            if (cls.name, name) not in TASKS:
                raise SystemExit(
                    f"bench/locustfile.py's task {cls.name}.{name} is not in "
                    "bench/instructions.TASKS: say which requests it asks."
                )
            share = weights[cls.name] / total_users * weight / sum(tasks.values())
            shares[(cls.name, name)] = share
    return shares


def _count(env: dict, request: str) -> float:
    """Instructions per request of ``request``, in millions."""
    with tempfile.TemporaryDirectory() as scratch:
        run = subprocess.run(
            ["valgrind", "--tool=callgrind", "--instr-atstart=no",
             f"--callgrind-out-file={scratch}/callgrind.out",
             sys.executable, "-m", "bench._instructions_child"],
            cwd=ROOT, capture_output=True, text=True, check=False,
            env={**env, "ALLOWED_HOSTS": "testserver", "INSTR_REQUEST": request,
                 "INSTR_REPS": str(REPS), "PYTHONHASHSEED": "0"},
        )  # fmt: skip
    found = re.search(r"Collected : (\d+)", run.stderr)
    if run.returncode != 0 or not found:
        raise RuntimeError(f"{request}: callgrind failed\n{run.stderr[-2000:]}")
    return int(found.group(1)) / REPS / 1e6


def run() -> dict:
    if shutil.which("valgrind") is None:
        print("bench instructions: valgrind is not installed (apt-get install valgrind); skipped")
        return {}
    accounts = seed()
    workdir = Path(tempfile.mkdtemp(prefix="instructions-"))
    env = environment(workdir, accounts)
    shares = mix_weights()
    names = sorted({name for names in TASKS.values() for name in names})
    per_request = {name: round(_count(env, name), 2) for name in names}
    # The mix's mean instructions per request: each task's requests, by its share.
    work = [(shares[key], TASKS[key]) for key in shares if TASKS[key] != [MINIMAL]]

    def cost(share: float, names: list[str]) -> float:
        return share * sum(per_request[n] for n in names)

    spent = sum(cost(s, names) for s, names in work)
    mean = spent / sum(s * len(names) for s, names in work)
    ratio = round(per_request[MINIMAL] / mean, 3)
    costly = sorted(work, key=lambda w: -cost(*w))
    detail = (
        f"callgrind, {REPS} requests each after 3 to warm, production settings, the city of "
        f"bench/load.py; million instructions a request: "
        + ", ".join(f"{n} {v}" for n, v in sorted(per_request.items(), key=lambda kv: -kv[1]))
        + f"; the mix's mean {mean:.1f}; its work by task: "
        + ", ".join(
            f"{' + '.join(names)} {100 * cost(s, names) / spent:.0f} %" for s, names in costly
        )
    )
    return {
        "instructions_mix_vs_healthz": {
            "value": ratio, "unit": "ratio", "goal": ">= 0.5", "holds": ratio >= 0.5,
            "detail": f"/healthz {per_request[MINIMAL]} million instructions a request over the mix's mean {mean:.1f}: what load_mix_vs_healthz_capacity measures in requests/s, counted instead of timed; " + detail,
        },
    }  # fmt: skip
