"""200 simulated users at once against gunicorn and PostgreSQL at full scale.

Seeds the city (5,600 schools, 2.7 million person files), starts gunicorn on a
loopback port as the README's production command does, drives it with locust
(bench/locustfile.py) for LOAD_SECONDS with one to three seconds of think time,
and reports p50/p95 of the users' requests, their ratio to a minimal view timed
under the same load, the errors, and whether every accepted answer is in the
database (each accepted answer carries a note of its own, looked up in the history).

Then the ceilings, against the same server: LOAD_CEILING_USERS users without
think time ask for the same mix, then for /healthz alone, in turns (each
LOAD_CEILING_SECONDS, LOAD_CEILING_RUNS times); the ratio of their medians says
what share of the server's bare capacity the real pages keep.

LOAD_SERVER chooses the serving setup: ``sync:WORKERS`` (the README's command,
the default) or ``gthread:WORKERSxTHREADS``; bench/serving.py compares setups
side by side."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
USERS = int(os.environ.get("LOAD_USERS", "200"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
CEILING_USERS = int(os.environ.get("LOAD_CEILING_USERS", "24"))
CEILING_SECONDS = int(os.environ.get("LOAD_CEILING_SECONDS", "20"))
CEILING_RUNS = int(os.environ.get("LOAD_CEILING_RUNS", "2"))
SERVER = os.environ.get("LOAD_SERVER", "sync:4")
MIX = ["Verifier", "CountyReader", "CityReader"]
BROKER = os.environ.get("LOAD_BROKER_URL", "redis://127.0.0.1:6379/6")
SCHOOLS = int(os.environ.get("LOAD_SCHOOLS", "5600"))
PEOPLE = int(os.environ.get("LOAD_PEOPLE", "2700000"))


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed() -> dict:
    from django.core.management import call_command
    from django.db.models import Sum
    from django.utils import timezone
    from knox.models import AuthToken

    from bench import vacuum_analyze
    from people.models import Person
    from readiness import services
    from readiness.demo import DEMO_PASSWORD
    from readiness.models import School, User
    from verification.models import Response, TeamMember, Verification

    if School.objects.count() != SCHOOLS or Person.objects.count() < PEOPLE * 0.99:
        call_command("flush", interactive=False, verbosity=0)
        call_command("seed_demo", schools=SCHOOLS, people=PEOPLE, verbosity=0)
        vacuum_analyze()
        fresh = True
    else:
        fresh = False  # the city of an earlier run, kept: seeding it again takes minutes
    report = services.dispatch_report_build(on_date=timezone.localdate())
    open_work = Verification.objects.filter(status__in=["assigned", "in_progress"])
    verifiers = [
        # A member answers the items of their department; the leader any item.
        {"username": m.user.username, "verification": v.pk,
         "department": None if m.user_id == v.team.leader_id else m.department.code}
        for v in open_work.select_related("team")
        for m in TeamMember.objects.filter(team=v.team).select_related("user", "department")
        if m.user.has_usable_password()
    ]  # fmt: skip
    readers = [
        {"username": username, "dispatch": role != "county_official"}
        for username, role in User.objects.filter(
            role__in=["county_official", "city_staff", "task_force"]
        )
        .exclude(password__startswith="!")
        .values_list("username", "role")
    ]
    # Logged in beforehand: the run measures the work, not 200 password hashes
    # (PBKDF2, a third of a second each by design) queued on two cores at once.
    # The tokens of earlier runs go first: knox reads all of a user's tokens on
    # every request, and a city kept between runs had gathered 28 to 58 a verifier
    # where a phone holds one.
    AuthToken.objects.filter(user__username__in={a["username"] for a in verifiers}).delete()
    for account in verifiers:
        user = User.objects.get(username=account["username"])
        account["token"] = AuthToken.objects.create(user=user)[1]
        account["session"] = _session(user)  # the checklist page is a browser's
    for account in readers:
        account["session"] = _session(User.objects.get(username=account["username"]))
    revisions = Response.objects.aggregate(n=Sum("revision"))["n"] or 0
    return {
        "password": DEMO_PASSWORD,
        "verifiers": verifiers,
        "readers": readers,
        "dispatch": f"/dispatch/{report.on_date.isoformat()}/",
        "revisions": revisions,
        "fresh": fresh,
    }


def _check_logged_in(port: int, session: str) -> None:
    """A reader's session opens the home page itself, not the login page."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/", headers={"Cookie": f"sessionid={session}"}
    )
    assert opener.open(request, timeout=30).status == 200, "the prepared session is refused"


def _session(user) -> str:
    """A session key of ``user`` logged in, as the login page would leave it."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


MINIMAL = "minimal /healthz"  # the Minimal class's request name (bench/locustfile.py)


def work_names(rows: list[dict]) -> set[str]:
    """The requests of the mix in locust's rows: all but the minimal view and the total."""
    return {r["Name"] for r in rows} - {MINIMAL, "Aggregated"}


def percentiles(rows: list[dict], names: set[str] | None) -> tuple[float, float, int, int]:
    """p50 and p95 over the chosen rows, weighted by their request counts."""
    chosen = [
        r for r in rows if r["Name"] != "Aggregated" and (names is None or r["Name"] in names)
    ]
    total = sum(int(r["Request Count"]) for r in chosen)
    failures = sum(int(r["Failure Count"]) for r in chosen)

    def weighted(column: str) -> float:
        return sum(float(r[column]) * int(r["Request Count"]) for r in chosen) / max(total, 1)

    return round(weighted("50%"), 1), round(weighted("95%"), 1), total, failures


def _gunicorn(port: int, setup: str) -> list[str]:
    """A serving setup (``sync:WORKERS`` or ``gthread:WORKERSxTHREADS``) as gunicorn's arguments."""
    kind, _, size = setup.partition(":")
    workers, _, threads = size.partition("x")
    command = [sys.executable, "-m", "gunicorn", "portal.wsgi", "--workers", workers,
               "--bind", f"127.0.0.1:{port}", "--timeout", "120", "--log-level", "warning"]  # fmt: skip
    if kind == "gthread":
        command += ["--worker-class", "gthread", "--threads", threads or "4"]
    return command


def run_locust(port: int, env: dict, out: Path, classes: list[str], users: int, seconds: int):
    """One locust run; returns its per-request rows and the requests per second."""
    subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"),
         "--headless", "-u", str(users), "-r", str(max(1, users // 10)), "-t", f"{seconds}s",
         "--host", f"http://127.0.0.1:{port}", "--csv", str(out), "--only-summary",
         "--loglevel", "WARNING", *classes],
        cwd=ROOT, env=env, check=False,
    )  # fmt: skip
    with open(f"{out}_stats.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    return rows, float(total["Requests/s"])


def environment(workdir: Path, accounts: dict) -> dict:
    """The servers' and locust's environment, as production's; static files collected."""
    from django.conf import settings as django_settings
    from django.db import connection

    (workdir / "accounts.json").write_text(json.dumps(accounts))
    settings = connection.settings_dict
    env = {
        **os.environ,
        "DEBUG": "0",
        # The sessions made beforehand are signed with this process's key.
        "SECRET_KEY": django_settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "BEHIND_TLS_PROXY": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}",
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "LOAD_ACCOUNTS": str(workdir / "accounts.json"),
        "LOAD_RESULT": str(workdir / "counts.json"),
        "PERSON_SEARCH_RATE": "100000/min",
        # As in production: the cache in Redis, tasks queued on a broker (none runs
        # them here; their queue is emptied afterwards).
        "REDIS_URL": os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/5"),
        "CELERY_BROKER_URL": BROKER,
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return env


@contextlib.contextmanager
def serving(env: dict, accounts: dict, setup: str = SERVER):
    """gunicorn in ``setup`` on a loopback port, ready and logged in to; yields the port.
    The tasks the pages queued on the broker (none runs them) are emptied afterwards."""
    port = _port()
    server = subprocess.Popen(_gunicorn(port, setup), cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        _check_logged_in(port, accounts["readers"][0]["session"])
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)
        subprocess.run(["redis-cli", "-u", BROKER, "FLUSHDB"], check=False, capture_output=True)


def run() -> dict:
    from django.db import connection

    from verification.models import Response

    started = time.perf_counter()
    accounts = seed()
    seeded = round(time.perf_counter() - started, 1)
    workdir = Path(tempfile.mkdtemp(prefix="load-"))
    env = environment(workdir, accounts)
    ceilings: dict[str, list[float]] = {"mix": [], "healthz": []}
    with serving(env, accounts) as port:
        rows, rate = run_locust(port, env, workdir / "load", [*MIX, "Minimal"], USERS, SECONDS)
        counts = json.loads((workdir / "counts.json").read_text())
        bare = {**env, "LOAD_THINK": "0", "LOAD_RESULT": str(workdir / "ceiling.json")}
        for n in range(CEILING_RUNS):  # interleaved: a drift of the machine falls on both
            for name, classes in (("mix", MIX), ("healthz", ["Minimal"])):
                out = workdir / f"ceiling-{name}-{n}"
                ceilings[name].append(
                    run_locust(port, bare, out, classes, CEILING_USERS, CEILING_SECONDS)[1]
                )
    work = work_names(rows)
    p50, p95, requests, failures = percentiles(rows, work)
    base_p50, base_p95, base_requests, _ = percentiles(rows, {MINIMAL})
    slowest = sorted(
        (r for r in rows if r["Name"] in work), key=lambda r: float(r["95%"]), reverse=True
    )[:3]
    connection.close()
    notes = counts["notes"]
    kept = (
        Response.history.filter(history_type__in="+~", note__in=notes)
        .values("note")
        .distinct()
        .count()
    )
    ratio = round(p95 / base_p95, 2) if base_p95 else None
    mix_ceiling = statistics.median(ceilings["mix"])
    healthz_ceiling = statistics.median(ceilings["healthz"])
    capacity = round(mix_ceiling / healthz_ceiling, 3)
    detail = (
        f"{USERS} users with 1–3 s think time for {SECONDS} s against gunicorn ({SERVER}) and "
        f"PostgreSQL at {SCHOOLS} schools and {PEOPLE} person files ({'seeded' if accounts['fresh'] else 'kept from an earlier run, prepared'} in {seeded} s): "
        f"{requests} requests ({rate:.1f}/s), {failures} errors; slowest p95: "
        + ", ".join(f"{r['Name']} {float(r['95%']):.0f} ms" for r in slowest)
        + f"; minimal view p50 {base_p50} ms, p95 {base_p95} ms over {base_requests} requests"
    )
    ceiling_detail = (
        f"{CEILING_USERS} users without think time, {CEILING_SECONDS} s a run, {CEILING_RUNS} runs "
        f"of each in turn against gunicorn ({SERVER}): the mix "
        + " / ".join(f"{r:.1f}" for r in ceilings["mix"])
        + " requests/s, /healthz alone "
        + " / ".join(f"{r:.1f}" for r in ceilings["healthz"])
        + f" requests/s (medians {mix_ceiling:.1f} and {healthz_ceiling:.1f}); locust runs on the same two cores"
    )
    return {
        "load_p95_ms": {"value": p95, "unit": "ms", "goal": "<= 300", "holds": p95 <= 300 and failures == 0, "detail": detail},
        "load_p50_ms": {"value": p50, "unit": "ms", "goal": "< 100", "holds": p50 < 100, "detail": detail},
        "load_p95_vs_minimal_view": {"value": ratio, "unit": "ratio", "goal": "<= 10", "holds": ratio is not None and ratio <= 10, "detail": detail},
        "load_mix_vs_healthz_capacity": {"value": capacity, "unit": "ratio", "goal": ">= 0.5", "holds": capacity >= 0.5, "detail": ceiling_detail},
        "load_answers_kept": {
            "value": kept,
            "unit": "answers",
            "goal": f"= {len(notes)} accepted",
            "holds": kept == len(notes),
            "detail": f"each accepted answer (200) carried a note of its own; {kept} of those {len(notes)} notes are in the answers' history; {counts['stale']} stale saves were refused (409) and retried with the newer revision",
        },
    }  # fmt: skip
