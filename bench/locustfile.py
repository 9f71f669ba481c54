"""The city's morning under load (driven by bench/load.py, loopback only).

Verifiers fill checklists through the API and open the checklist page, each save
carrying a note of its own so that every accepted save is one revision in the
database; county officials read their lists and the people coverage; the task
force and the city bureau read the day's report, the dashboard and the school
list. A minimal view (/healthz) is timed under the same load as the base of the
ratio. Accounts come from LOAD_ACCOUNTS (a JSON file).

LOAD_THINK=0 takes the think time away: bench/load.py then measures what the
server can serve at most, of this mix (the Verifier, CountyReader and CityReader
classes) and of /healthz alone (the Minimal class), chosen by class name."""

from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path

from locust import FastHttpUser, between, constant, events, task

ACCOUNTS = json.loads(Path(os.environ["LOAD_ACCOUNTS"]).read_text())
VERIFIERS = itertools.cycle(ACCOUNTS["verifiers"])
COUNTY_READERS = itertools.cycle([a for a in ACCOUNTS["readers"] if not a["dispatch"]])
CITY_READERS = itertools.cycle([a for a in ACCOUNTS["readers"] if a["dispatch"]])
COUNTER = itertools.count()
# The notes of the answers the portal took (each unique), and the stale ones it refused.
ACCEPTED: dict = {"notes": [], "stale": 0}
# An official reads and types for one to three seconds between two requests.
THINK = between(1, 3) if os.environ.get("LOAD_THINK", "1") != "0" else constant(0)


@events.test_stop.add_listener
def _write_counts(environment, **kwargs) -> None:
    Path(os.environ["LOAD_RESULT"]).write_text(json.dumps(ACCEPTED))


class Verifier(FastHttpUser):
    """Answers the items of an open verification of one of the user's teams."""

    weight = 3
    wait_time = THINK

    def on_start(self) -> None:
        account = next(VERIFIERS)  # logged in beforehand (bench/load.py)
        self.token = {"Authorization": f"Token {account['token']}"}
        self.cookie = {"Cookie": f"sessionid={account['session']}"}
        self.verification = account["verification"]
        self.department = account["department"]  # None: the leader, who answers any item

    @task(1)
    def checklist(self) -> None:
        self.client.get(
            f"/verification/{self.verification}/", headers=self.cookie, name="/verification/[id]/"
        )

    @task(3)
    def answer(self) -> None:
        detail = self.client.get(
            f"/api/v1/verifications/{self.verification}/",
            headers=self.token,
            name="/api/v1/verifications/[id]/",
        ).json()
        mine = [r for r in detail["answers"] if self.department in (None, r["department"])]
        if not mine:
            return
        row = random.choice(mine)
        revision = row["revision"]
        for _attempt in range(3):  # someone else saved the same item meanwhile: take theirs
            note = f"load {next(COUNTER)}"
            with self.client.post(
                f"/api/v1/verifications/{self.verification}/answers/",
                json={"item": row["item"], "answer": random.choice(["pass", "fail"]),
                      "note": note, "revision": revision},
                headers=self.token,
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
                else:
                    response.failure(f"{response.status_code}: {(response.text or '')[:160]}")
                break


class Reader(FastHttpUser):
    abstract = True
    wait_time = THINK
    accounts: itertools.cycle

    def on_start(self) -> None:
        account = next(self.accounts)  # logged in beforehand (bench/load.py)
        self.cookie = {"Cookie": f"sessionid={account['session']}"}

    def page(self, path: str, name: str | None = None) -> None:
        self.client.get(path, headers=self.cookie, name=name or path)


class CountyReader(Reader):
    """A county official's morning: the to-do page, the county's lists, people."""

    weight = 1
    accounts = COUNTY_READERS

    @task(3)
    def home(self) -> None:
        self.page("/")

    @task(2)
    def coverage(self) -> None:
        self.page("/people/coverage/")

    @task(2)
    def schools(self) -> None:
        self.page(f"/schools/?page={random.randint(1, 5)}", "/schools/")

    @task(1)
    def verifications(self) -> None:
        self.page("/verification/")


class CityReader(Reader):
    """The task force and the city bureau: the day's report, the dashboard, schools."""

    weight = 1
    accounts = CITY_READERS

    @task(2)
    def home(self) -> None:
        self.page("/")

    @task(2)
    def dispatch(self) -> None:
        self.page(ACCOUNTS["dispatch"], "/dispatch/[date]/")

    @task(2)
    def dashboard(self) -> None:
        self.page("/dashboard/")

    @task(2)
    def schools(self) -> None:
        self.page(f"/schools/?page={random.randint(1, 20)}", "/schools/")


class Minimal(FastHttpUser):
    """The minimal view, timed under the same load: the base of the ratio."""

    weight = 1
    wait_time = THINK

    @task
    def minimal(self) -> None:
        self.client.get("/healthz", name="minimal /healthz")
