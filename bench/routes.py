"""Every page at the city's full scale: each GET route of the portal, as each role
that may open it sees it, timed in the server and weighed.

The routes and the rows they show are the access matrix's (tests/matrix): its
world is built inside the benchmarks' city (5,600 schools, 2.7 million person
files), its two counties being the city's own 兰山区 and 沂水县, so that a city
reader's lists hold the whole city and a county official's the whole county.
The world is rolled back at the end. Each page is asked for once to warm the
caches, then RUNS times; the figure is the median of the server's time (the
Django test client in this process: no network, no browser). Downloads (PDF,
spreadsheets, CSV, images) are not pages and are listed apart."""

from __future__ import annotations

import statistics
import tempfile
import time

RUNS = 5
PAGE_TYPES = ("text/html", "application/json")


def _body_size(response) -> int:
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def run() -> dict:
    from django.core.files.base import ContentFile
    from django.db import transaction
    from django.test import Client, override_settings
    from django.urls import reverse

    from bench.people import _ensure_ledger
    from tests.matrix.test_access_matrix import ROUTES, expected
    from tests.matrix.world import ROLES, build
    from tests.readiness.factories import pdf_bytes

    _ensure_ledger()
    timings: list[tuple[float, float, str, str]] = []  # (median ms, KB, route, role)
    downloads: list[str] = []
    refused: list[str] = []
    with (
        tempfile.TemporaryDirectory() as media,
        override_settings(MEDIA_ROOT=media, PERSON_SEARCH_RATE="100000/min"),
        transaction.atomic(),
    ):
        world = build()
        for side in ("a", "b"):  # as the access matrix attaches them
            world[side].plan.emergency_plan.save("p.pdf", ContentFile(pdf_bytes()), save=True)
        for name, row in sorted(ROUTES.items()):
            if row.method != "GET" or name == "logout":
                continue
            path = row.url(world, "a") if row.url else reverse(name)
            for role in ROLES:
                want = expected(row, role, "a", path)
                if role == "anonymous" or 200 not in (want if isinstance(want, set) else {want}):
                    continue
                client = Client()
                client.force_login(world["users"][role])
                first = client.get(path)
                kind = first.get("Content-Type", "").split(";")[0]
                if first.status_code != 200:
                    refused.append(f"{name} as {role}: {first.status_code}")
                    continue
                if kind not in PAGE_TYPES:
                    downloads.append(name)
                    break  # one role is enough to know it is a download
                times = []
                for _ in range(RUNS):
                    started = time.perf_counter()
                    response = client.get(path)
                    times.append((time.perf_counter() - started) * 1000)
                timings.append((statistics.median(times), _body_size(response) / 1024, name, role))
        # The machine's floor: the smallest view (/healthz) through the same client.
        # The goal is in milliseconds, so a figure is read beside the machine's speed.
        floor_client, floor = Client(), []
        for _ in range(RUNS * 4):
            started = time.perf_counter()
            floor_client.get(reverse("healthz"))
            floor.append((time.perf_counter() - started) * 1000)
        transaction.set_rollback(True)
    floor_ms = statistics.median(floor)
    slowest = sorted(timings, reverse=True)[:5]
    heaviest = sorted(timings, key=lambda t: t[1], reverse=True)[:5]
    worst_ms, worst_kb = slowest[0][0], heaviest[0][1]
    over = [t for t in timings if t[0] >= 30]
    worst_by_route: dict[str, tuple[float, str]] = {}
    for ms, _kb, name, role in over:
        worst_by_route[name] = max(worst_by_route.get(name, (0.0, "")), (ms, role))
    over_routes = ", ".join(
        f"{name} {ms:.0f} ({role})"
        for name, (ms, role) in sorted(worst_by_route.items(), key=lambda i: -i[1][0])
    )
    routes = len({t[2] for t in timings})
    listed = "; ".join(f"{n} as {r} {ms:.1f} ms ({kb:.1f} KB)" for ms, kb, n, r in slowest)
    heavy = "; ".join(f"{n} as {r} {kb:.1f} KB" for ms, kb, n, r in heaviest)
    return {
        "pages_slowest_median_ms": {
            "value": round(worst_ms, 1), "unit": "ms", "goal": "< 30 for every page",
            "holds": worst_ms < 30,
            "detail": (
                f"{len(timings)} pages ({routes} GET routes, each as every role that may open it), "
                f"median of {RUNS} each; the slowest five: {listed}; {len(over)} at 30 ms or more, "
                f"on {len(worst_by_route)} routes (ms, the slowest role): {over_routes or 'none'}; "
                f"{len(set(downloads))} downloads left out; refused though expected: {refused or 'none'}; "
                f"the machine's floor, /healthz through the same client: {floor_ms:.1f} ms"
            ),
        },
        "pages_heaviest_kb": {
            "value": round(worst_kb, 1), "unit": "KB", "goal": "< 150 for every page",
            "holds": worst_kb < 150,
            "detail": f"plain (uncompressed) bodies; the heaviest five: {heavy}",
        },
    }  # fmt: skip
