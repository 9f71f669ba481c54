from django.urls import reverse

from tests.conftest import PASSWORD


def attempt(client, user, password):
    return client.post(reverse("login"), {"username": user.username, "password": password})


def test_login_with_the_right_password_goes_home(client, official_a):
    response = attempt(client, official_a, PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_a_wrong_password_is_refused_in_chinese(client, official_a):
    response = attempt(client, official_a, "wrong")
    assert response.status_code == 200
    assert "请输入一个正确的用户名和密码" in response.content.decode()


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
