"""One request of the load's mix, asked REPS times under callgrind (bench/instructions.py).

Run as ``valgrind --tool=callgrind --instr-atstart=no python -m bench._instructions_child``
with the environment of bench/load.py's servers (production settings) plus
INSTR_REQUEST (a request's name in bench/instructions.TASKS) and INSTR_REPS. The
request is asked three times to warm the caches; then callgrind counts only while
the measured requests run, switched on and off around them with
``callgrind_control``, so that Python's start, Django's setup and the warming are
not counted."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import django

django.setup()

from django.test import Client  # noqa: E402  (after setup, as in manage.py)

ACCOUNTS = json.loads(Path(os.environ["LOAD_ACCOUNTS"]).read_text())
VERIFIER = ACCOUNTS["verifiers"][0]
COUNTY = next(a for a in ACCOUNTS["readers"] if not a["dispatch"])
CITY = next(a for a in ACCOUNTS["readers"] if a["dispatch"])
CHECKLIST = f"/verification/{VERIFIER['verification']}/"
DETAIL = f"/api/v1/verifications/{VERIFIER['verification']}/"
TOKEN = {"HTTP_AUTHORIZATION": f"Token {VERIFIER['token']}"}


def browser(account: dict) -> Client:
    client = Client()
    client.cookies["sessionid"] = account["session"]
    return client


def saves():
    """The verifier's save of one of their items, each with the revision the last left."""
    client = Client()
    rows = client.get(DETAIL, **TOKEN).json()["answers"]
    row = next(r for r in rows if VERIFIER["department"] in (None, r["department"]))
    revision, n = row["revision"], 0
    while True:
        n += 1
        body = {"item": row["item"], "answer": "pass", "note": f"instructions {n}",
                "revision": revision}  # fmt: skip
        response = client.post(f"{DETAIL}answers/", body, content_type="application/json", **TOKEN)
        revision = response.json()["revision"]
        yield response


def request(name: str):
    """The mix's request called ``name`` in bench/instructions.TASKS, ready to ask."""
    verifier, county, city, api, save = (
        browser(VERIFIER), browser(COUNTY), browser(CITY), Client(), saves()
    )  # fmt: skip
    return {
        "verifier checklist page": lambda: verifier.get(CHECKLIST),
        "verifier API read": lambda: api.get(DETAIL, **TOKEN),
        "verifier API save": lambda: next(save),
        "county /": lambda: county.get("/"),
        "county /people/coverage/": lambda: county.get("/people/coverage/"),
        "county /schools/": lambda: county.get("/schools/?page=2"),
        "county /verification/": lambda: county.get("/verification/"),
        "city /": lambda: city.get("/"),
        "city /dispatch/[date]/": lambda: city.get(ACCOUNTS["dispatch"]),
        "city /dashboard/": lambda: city.get("/dashboard/"),
        "city /schools/": lambda: city.get("/schools/?page=7"),
        "minimal /healthz": lambda: api.get("/healthz"),
    }[name]


def main() -> None:
    ask = request(os.environ["INSTR_REQUEST"])
    for _ in range(3):
        response = ask()
        assert response.status_code == 200, (os.environ["INSTR_REQUEST"], response.status_code)
    me = str(os.getpid())
    subprocess.run(["callgrind_control", "--instr=on", me], check=True, capture_output=True)
    for _ in range(int(os.environ["INSTR_REPS"])):
        ask()
    subprocess.run(["callgrind_control", "--instr=off", me], check=True, capture_output=True)


if __name__ == "__main__":
    main()
