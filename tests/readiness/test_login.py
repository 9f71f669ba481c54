from django.urls import reverse
from knox.models import AuthToken

from tests.conftest import PASSWORD


def attempt(client, user, password):
    return client.post(reverse("login"), {"username": user.username, "password": password})


def test_login_with_the_right_password_goes_home(client, official_a):
    response = attempt(client, official_a, PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_a_wrong_password_is_refused_in_chinese(client, official_a):
    response = attempt(client, official_a, "wrong")
    assert response.status_code == 200
    body = response.content.decode()
    assert "请输入一个正确的用户名和密码" in body
    # the refusal is tied to both fields for a screen reader, and the name is kept
    assert body.count('aria-invalid="true" aria-describedby="login-errors"') == 2
    assert f'value="{official_a.username}"' in body


def test_the_account_is_locked_after_five_failures(client, official_a):
    for _ in range(5):
        attempt(client, official_a, "wrong")
    response = attempt(client, official_a, PASSWORD)
    assert response.status_code == 429
    assert "账号已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_failures_do_not_lock(client, official_a):
    for _ in range(4):
        attempt(client, official_a, "wrong")
    assert attempt(client, official_a, PASSWORD).status_code == 302


def test_logout_needs_a_post_and_ends_the_session(client, official_a):
    attempt(client, official_a, PASSWORD)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_a_locked_account_stays_locked_from_another_address(client, official_a):
    from django.core.cache import cache

    cache.clear()
    for _ in range(5):
        attempt(client, official_a, "wrong")
    response = client.post(
        reverse("login"),
        {"username": official_a.username, "password": PASSWORD},
        REMOTE_ADDR="127.0.0.2",
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_an_address_failing_on_many_accounts_is_slowed(client, make_user, settings):
    from django.core.cache import cache

    cache.clear()
    settings.LOGIN_ADDRESS_LIMIT = 3
    for n in range(3):  # one failure on each of three accounts: none is locked
        attempt(client, make_user("verifier", username=f"probe{n}"), "wrong")
    victim = make_user("verifier", username="victim")
    response = attempt(client, victim, PASSWORD)
    assert response.status_code == 429
    assert "请过一刻钟再试" in response.content.decode()
    elsewhere = client.post(
        reverse("login"),
        {"username": victim.username, "password": PASSWORD},
        REMOTE_ADDR="10.9.8.7",
    )
    assert elsewhere.status_code == 302
    cache.clear()


def test_the_api_token_shares_the_account_lockout(api_client, official_a):
    from django.core.cache import cache

    cache.clear()
    for _ in range(5):
        api_client.post("/api/v1/auth/token/", {"username": official_a.username, "password": "x"})
    response = api_client.post(
        "/api/v1/auth/token/", {"username": official_a.username, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert not AuthToken.objects.exists()
