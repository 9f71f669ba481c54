"""A change sent twice under one Idempotency-Key (a phone's queue resending after a
lost answer) is written once; the second request gets the first response back."""

from __future__ import annotations

import threading
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from rest_framework.test import APIClient

from readiness.models import AuditEntry, IdempotentRequest
from verification import services
from verification.models import Evidence, Response

from .fixtures import first_item, jpeg_bytes

KEY = "5b0f3f7e-7d53-4a8e-9d55-2f1c9a0e6b11"


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _answer(client, verification, item, answer="fail", revision=0, key=KEY):
    return client.post(
        f"/api/v1/verifications/{verification.pk}/answers/",
        {"item": item.pk, "answer": answer, "note": "无洗手液", "revision": revision},
        format="json",
        headers={"Idempotency-Key": key} if key else {},
    )


def test_an_answer_sent_twice_is_saved_once(verification, county_members):
    member = county_members["health"]
    item = first_item(verification)
    first = _answer(_client(member), verification, item)
    again = _answer(_client(member), verification, item)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    response = Response.objects.get(verification=verification, item=item)
    # Saved once: revision 1 (a second save of revision 0 would have been a 409).
    assert (response.revision, response.answer) == (1, "fail")
    assert response.history.count() == 1
    assert AuditEntry.objects.filter(action="verification.answer").count() == 1


def test_without_a_key_the_second_send_is_judged_again(verification, county_members):
    member = county_members["health"]
    item = first_item(verification)
    assert _answer(_client(member), verification, item, key="").status_code == 200
    assert _answer(_client(member), verification, item, key="").status_code == 409
    assert not IdempotentRequest.objects.exists()


def test_a_refused_change_stores_no_key_and_is_judged_again(verification, county_members):
    member = county_members["health"]
    item = first_item(verification)
    # The leader (education) answered meanwhile, for the health bureau.
    services.response_save(actor=county_members["education"], verification=verification,
                           item_id=item.pk, answer="pass")  # fmt: skip
    assert _answer(_client(member), verification, item).status_code == 409
    assert not IdempotentRequest.objects.exists()
    # Resolved on the phone ("keep mine"): sent again with the revision now seen.
    assert _answer(_client(member), verification, item, revision=1).status_code == 200
    assert Response.objects.get(verification=verification, item=item).answer == "fail"


def test_keys_are_per_user_and_per_request(verification, county_members):
    item = first_item(verification)
    assert _answer(_client(county_members["health"]), verification, item).status_code == 200
    # The same key from another user is another change (here: stale, so judged, 409).
    assert _answer(_client(county_members["education"]), verification, item).status_code == 409
    # The same key by the same user on another route is refused, not replayed.
    reused = _client(county_members["health"]).post(
        f"/api/v1/verifications/{verification.pk}/evidence/",
        {"item": item.pk, "file": SimpleUploadedFile("a.jpg", jpeg_bytes())},
        format="multipart",
        headers={"Idempotency-Key": KEY},
    )
    assert reused.status_code == 422 and not Evidence.objects.exists()
    too_long = _answer(_client(county_members["health"]), verification, item, key="k" * 65)
    assert too_long.status_code == 400


def test_a_photo_sent_twice_is_stored_once(verification, county_members):
    member = county_members["health"]
    item = first_item(verification)
    services.response_save(actor=member, verification=verification, item_id=item.pk,
                           answer="pass")  # fmt: skip

    def send():
        return _client(member).post(
            f"/api/v1/verifications/{verification.pk}/evidence/",
            {"item": item.pk, "file": SimpleUploadedFile("洗手台.jpg", jpeg_bytes())},
            format="multipart",
            headers={"Idempotency-Key": KEY},
        )

    first, again = send(), send()
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert first.json()["name"] == "洗手台.jpg" and first.json()["thumbnail"]
    assert Evidence.objects.count() == 1


def test_evidence_through_the_api_is_refused_out_of_scope(
    verification, county_members, county_team_b, official_a
):
    item = first_item(verification)
    services.response_save(actor=county_members["health"], verification=verification,
                           item_id=item.pk, answer="pass")  # fmt: skip
    url = f"/api/v1/verifications/{verification.pk}/evidence/"
    upload = {"item": item.pk, "file": SimpleUploadedFile("a.jpg", jpeg_bytes())}
    other = county_team_b.members.first().user
    assert _client(other).post(url, upload, format="multipart").status_code == 404
    upload["file"].seek(0)
    assert _client(official_a).post(url, upload, format="multipart").status_code == 403
    assert not Evidence.objects.exists()


def test_the_same_key_sent_at_the_same_moment_is_written_once(
    postgres_live, verification, county_members, monkeypatch
):
    """Two sends overlap on PostgreSQL: the first holds its transaction open inside the
    write while the second arrives; the second must wait on the key and replay the
    first. (Checked first and inserted after, both would write: one 200, one 409.)"""
    member = county_members["health"]
    item = first_item(verification)
    first_inside, second_sent = threading.Event(), threading.Event()
    save = services.response_save

    def held_save(**kwargs):
        if not first_inside.is_set():
            first_inside.set()
            second_sent.wait(5)
            time.sleep(0.5)  # the second request is now waiting on the key's index
        return save(**kwargs)

    monkeypatch.setattr(services, "response_save", held_save)
    results = {}

    def send(name):
        try:
            results[name] = _answer(_client(member), verification, item).status_code
        finally:
            connection.close()

    first = threading.Thread(target=send, args=("first",))
    first.start()
    assert first_inside.wait(5)
    second = threading.Thread(target=send, args=("second",))
    second.start()
    second_sent.set()
    first.join()
    second.join()
    assert results == {"first": 200, "second": 200}
    response = Response.objects.get(verification=verification, item=item)
    assert (response.revision, response.history.count()) == (1, 1)
    assert IdempotentRequest.objects.count() == 1
