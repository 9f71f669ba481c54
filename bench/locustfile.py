"""The city's morning under load (driven by bench/load.py, loopback only).

Verifiers fill checklists through the API, each save carrying a note of its
own so that every accepted save is one revision in the database; officials read
the dashboard and the lists; a minimal view (/healthz) is timed under the same
load as the base of the ratio. Accounts come from LOAD_ACCOUNTS (a JSON file)."""

from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path

from locust import HttpUser, between, events, task

ACCOUNTS = json.loads(Path(os.environ["LOAD_ACCOUNTS"]).read_text())
VERIFIERS = itertools.cycle(ACCOUNTS["verifiers"])
READERS = itertools.cycle(ACCOUNTS["readers"])
COUNTER = itertools.count()
# The notes of the answers the portal took (each unique), and the stale ones it refused.
ACCEPTED: dict = {"notes": [], "stale": 0}


@events.test_stop.add_listener
def _write_counts(environment, **kwargs) -> None:
    Path(os.environ["LOAD_RESULT"]).write_text(json.dumps(ACCEPTED))


class Verifier(HttpUser):
    """Answers the items of an open verification of one of the user's teams."""

    weight = 3
    wait_time = between(3, 10)  # an official reads and types between two saves

    def on_start(self) -> None:
        account = next(VERIFIERS)  # logged in beforehand (bench/load.py)
        self.client.headers["Authorization"] = f"Token {account['token']}"
        self.verification = account["verification"]

    @task
    def answer(self) -> None:
        detail = self.client.get(
            f"/api/v1/verifications/{self.verification}/", name="/api/v1/verifications/[id]/"
        ).json()
        row = random.choice(detail["answers"])
        revision = row["revision"]
        for _attempt in range(3):  # someone else saved the same item meanwhile: take theirs
            note = f"load {next(COUNTER)}"
            with self.client.post(
                f"/api/v1/verifications/{self.verification}/answers/",
                json={"item": row["item"], "answer": random.choice(["pass", "fail"]),
                      "note": note, "revision": revision},
                name="/api/v1/verifications/[id]/answers/",
                catch_response=True,
            ) as response:  # fmt: skip
                if response.status_code == 409:
                    ACCEPTED["stale"] += 1
                    revision = response.json()["current"]["revision"]
                    response.success()  # a stale save refused is the rule working
                    continue
                if response.status_code == 200:
                    ACCEPTED["notes"].append(note)
                break


class Reader(HttpUser):
    """A county or city official's morning: the home page, the day's report, lists."""

    weight = 2
    wait_time = between(3, 10)

    def on_start(self) -> None:
        account = next(READERS)  # logged in beforehand (bench/load.py)
        self.reads_dispatch = account["dispatch"]  # the report is the city's
        self.client.cookies.set("sessionid", account["session"])

    @task(3)
    def home(self) -> None:
        self.client.get("/")

    @task(2)
    def dispatch(self) -> None:
        if self.reads_dispatch:
            self.client.get(ACCOUNTS["dispatch"], name="/dispatch/[date]/")
        else:
            self.client.get("/people/coverage/")

    @task(2)
    def schools(self) -> None:
        self.client.get("/schools/?page=" + str(random.randint(1, 20)), name="/schools/")

    @task(1)
    def verifications(self) -> None:
        self.client.get("/verification/")

    @task(2)
    def minimal(self) -> None:
        self.client.get("/healthz", name="minimal /healthz")
