"""The task force's dashboard against a minimal Django view on the same server (the
same middleware, session and login), at full scale with 30 days of reports: the
ratio of their median latencies, goal ≤ 3. The cache is Redis, as in production;
the first view of a report (its body built, not kept) is reported beside."""

from __future__ import annotations

import os
import statistics
import time

from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from .people import _ensure_ledger

REPEAT = 31
REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6"),
        "KEY_PREFIX": "bench",
    }
}


def _median_ms(fn) -> float:
    response = fn()  # warm up
    assert response.status_code == 200, response.status_code
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def run() -> dict:
    from readiness.demo import seed_report_history
    from readiness.models import County, DispatchReport, User

    _ensure_ledger()
    seed_report_history(days=30)
    reports = DispatchReport.objects.count()
    county = County.objects.order_by("order").values_list("code", flat=True).first()
    client = Client()
    client.force_login(User.objects.get(username="taskforce"))
    with override_settings(ROOT_URLCONF="bench.urls", CACHES=REDIS):
        from django.core.cache import cache

        minimal = _median_ms(lambda: client.get("/bench/minimal/"))
        days14 = _median_ms(lambda: client.get("/dashboard/"))
        every = _median_ms(lambda: client.get("/dashboard/", {"days": "all"}))
        one = _median_ms(lambda: client.get("/dashboard/", {"county": county}))

        def built():
            cache.clear()
            return client.get("/dashboard/")

        cold = _median_ms(built)
        with CaptureQueriesContext(connection) as queries:
            size = len(client.get("/dashboard/").content)
    ratio = round(days14 / minimal, 2)
    return {
        "dashboard_vs_minimal_view": {
            "value": ratio,
            "unit": "ratio",
            "goal": "<= 3",
            "holds": ratio <= 3,
            "detail": (
                f"median of {REPEAT} GETs as the task force, in-process: /dashboard/ (14 days) "
                f"{days14:.1f} ms, all {reports} days {every:.1f} ms, one county {one:.1f} ms; "
                f"a minimal login-required view {minimal:.1f} ms; the body built (the first "
                f"view of a report) {cold:.1f} ms; {len(queries)} queries, "
                f"{size / 1024:.0f} KB a page"
            ),
        },
    }
