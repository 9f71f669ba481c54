"""API tokens: one per login, idle and absolute expiry, revoked by logout, by a
password change and by deactivation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone
from knox.models import AuthToken
from knox.settings import CONSTANTS

from tests.conftest import PASSWORD

IDLE = dt.timedelta(hours=2)
ABSOLUTE = dt.timedelta(hours=12)
KEY = CONSTANTS.TOKEN_KEY_LENGTH  # the stored, looked-up start of a token


@pytest.fixture(autouse=True)
def _fresh_guards():
    cache.clear()
    yield
    cache.clear()


def login(client, user, password=PASSWORD, **extra):
    return client.post(
        "/api/v1/auth/token/", {"username": user.username, "password": password}, **extra
    )


def schools(client, token):
    return client.get("/api/v1/schools/", HTTP_AUTHORIZATION=f"Token {token}")


def test_every_login_gets_a_token_of_its_own(api_client, official_a):
    first, second = login(api_client, official_a).json(), login(api_client, official_a).json()
    assert first["token"] != second["token"]
    assert schools(api_client, first["token"]).status_code == 200
    assert schools(api_client, second["token"]).status_code == 200


def test_a_token_unused_for_its_idle_time_expires(api_client, official_a):
    token = login(api_client, official_a).json()["token"]
    AuthToken.objects.update(expiry=timezone.now() - dt.timedelta(seconds=1))
    assert schools(api_client, token).status_code == 401


def test_use_keeps_a_token_alive_but_never_past_its_absolute_lifetime(api_client, official_a):
    official_a.password_changed_at = timezone.now() - dt.timedelta(days=2)
    official_a.save()
    token = login(api_client, official_a).json()["token"]
    issued = timezone.now() - ABSOLUTE + dt.timedelta(minutes=5)  # in use all day
    AuthToken.objects.update(created=issued, expiry=timezone.now() + dt.timedelta(minutes=1))
    assert schools(api_client, token).status_code == 200
    # Renewed as far as the absolute lifetime allows, not the full idle time.
    assert AuthToken.objects.get().expiry == issued + ABSOLUTE


def test_a_fresh_token_lives_for_the_idle_time(api_client, official_a):
    before = timezone.now()
    login(api_client, official_a)
    expiry = AuthToken.objects.get().expiry
    assert before + IDLE <= expiry <= timezone.now() + IDLE


def test_logout_revokes_the_token(api_client, official_a):
    token = login(api_client, official_a).json()["token"]
    other = login(api_client, official_a).json()["token"]
    api_client.post("/api/v1/auth/logout/", HTTP_AUTHORIZATION=f"Token {token}")
    assert schools(api_client, token).status_code == 401
    assert schools(api_client, other).status_code == 200


def test_logout_everywhere_revokes_every_token(api_client, official_a):
    token = login(api_client, official_a).json()["token"]
    other = login(api_client, official_a).json()["token"]
    api_client.post("/api/v1/auth/logout-all/", HTTP_AUTHORIZATION=f"Token {token}")
    assert schools(api_client, other).status_code == 401


def test_a_password_change_revokes_the_tokens_issued_before_it(api_client, official_a):
    token = login(api_client, official_a).json()["token"]
    official_a.set_password("another-pw-2020")
    official_a.save()
    assert schools(api_client, token).status_code == 401
    fresh = login(api_client, official_a, "another-pw-2020").json()["token"]
    assert schools(api_client, fresh).status_code == 200


def test_deactivation_stops_the_token(api_client, official_a):
    token = login(api_client, official_a).json()["token"]
    official_a.is_active = False
    official_a.save()
    assert schools(api_client, token).status_code == 401


def test_a_wrong_password_gets_no_token(api_client, official_a):
    response = login(api_client, official_a, "wrong")
    assert response.status_code == 400
    assert not AuthToken.objects.exists()


def test_an_unusable_password_stops_the_tokens_too(api_client, official_a):
    token = login(api_client, official_a).json()["token"]
    official_a.set_unusable_password()
    official_a.save()
    assert schools(api_client, token).status_code == 401


def test_an_expired_token_is_refused_and_deleted_without_reading_the_others(
    api_client, official_a, django_assert_num_queries
):
    expired = login(api_client, official_a).json()["token"]
    live = login(api_client, official_a).json()["token"]
    AuthToken.objects.filter(token_key=expired[:KEY]).update(
        expiry=timezone.now() - dt.timedelta(seconds=1)
    )
    # The token with its user (one query), then its deletion; no read of the others.
    with django_assert_num_queries(2):
        assert schools(api_client, expired).status_code == 401
    assert AuthToken.objects.count() == 1
    assert schools(api_client, live).status_code == 200


def test_a_request_leaves_the_users_other_expired_tokens_to_the_sweeps(api_client, official_a):
    stale = login(api_client, official_a).json()["token"]
    live = login(api_client, official_a).json()["token"]
    AuthToken.objects.filter(token_key=stale[:KEY]).update(
        expiry=timezone.now() - dt.timedelta(seconds=1)
    )
    assert schools(api_client, live).status_code == 200
    assert AuthToken.objects.count() == 2  # the stale one waits for a login or the night
    assert schools(api_client, stale).status_code == 401


def test_a_login_clears_away_the_users_expired_tokens_only(api_client, official_a, official_b):
    login(api_client, official_a)
    login(api_client, official_b)
    AuthToken.objects.update(expiry=timezone.now() - dt.timedelta(seconds=1))
    fresh = login(api_client, official_a).json()["token"]
    assert schools(api_client, fresh).status_code == 200
    left = sorted(AuthToken.objects.values_list("user__username", flat=True))
    assert left == sorted([official_a.username, official_b.username])  # b's waits


def test_the_nightly_sweep_deletes_every_expired_token_and_keeps_the_live(
    api_client, official_a, official_b
):
    from readiness.tasks import purge_expired_tokens

    login(api_client, official_a)
    live = login(api_client, official_b).json()["token"]
    AuthToken.objects.filter(user=official_a).update(
        expiry=timezone.now() - dt.timedelta(seconds=1)
    )
    login(api_client, official_b)
    AuthToken.objects.filter(user=official_b).exclude(token_key=live[:KEY]).update(
        expiry=timezone.now() - dt.timedelta(minutes=1)
    )
    assert purge_expired_tokens() == 2
    assert list(AuthToken.objects.values_list("token_key", flat=True)) == [live[:KEY]]
    assert schools(api_client, live).status_code == 200
