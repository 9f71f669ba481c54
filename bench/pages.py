"""The weight of the checklist page, the page a team member keeps open on a phone.

A verification of the demo city is answered whole, each answer changed four
times (about 200 changes in its history), and its page is fetched as its leader
sees it: the bytes sent plain and gzip-compressed, and the server's median time.
The whole history has a page of its own; the checklist carries the ten latest."""

from __future__ import annotations

import gzip
import statistics
import time

RUNS = 15


def _worked_verification():
    from django.core.management import call_command

    from verification import selectors, services
    from verification.models import Response, Verification

    call_command("seed_demo", "--schools", "300", verbosity=0)
    verification = (
        Verification.objects.filter(status__in=Verification.EDITABLE, team__leader__isnull=False)
        .order_by("pk")
        .first()
    )
    leader = verification.team.leader
    if Response.history.filter(verification_id=verification.pk).count() < 150:
        rows = selectors.checklist(verification=verification).rows
        for answer in ("fail", "pass", "fail", "pass"):  # the leader answers for any department
            for row in rows:
                services.response_save(
                    actor=leader, verification=verification, item_id=row.item.pk,
                    answer=answer, note="现场查看并抽查台账记录",
                )  # fmt: skip
    return verification, leader


def run() -> dict:
    from django.test import Client

    from verification.models import Response

    verification, leader = _worked_verification()
    client = Client()
    client.force_login(leader)
    url = f"/verification/{verification.pk}/"
    client.get(url)  # warm the template cache
    times, plain, packed = [], 0, 0
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        plain = len(response.content)
    packed = len(client.get(url, HTTP_ACCEPT_ENCODING="gzip").content)
    assert gzip.decompress(client.get(url, HTTP_ACCEPT_ENCODING="gzip").content)  # it is gzip
    history = Response.history.filter(verification_id=verification.pk).count()
    whole = len(client.get(f"/verification/{verification.pk}/history/").content)
    kb = round(plain / 1024, 1)
    return {
        "checklist_page_kb": {
            "value": kb, "unit": "KB", "goal": "< 40", "holds": kb < 40,
            "detail": (
                f"{verification.template.items.count()} items answered, {history} answer changes: "
                f"{kb} KB plain, {packed / 1024:.1f} KB gzip; median {statistics.median(times):.0f} ms "
                f"of {RUNS}; the whole history on its own page, {whole / 1024:.1f} KB"
            ),
        },
    }  # fmt: skip
