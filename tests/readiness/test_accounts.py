"""Accounts kept by the city bureau and the county officials: who may open, change,
deactivate, unlock and give a password to whom; the first login; the one-time link;
the user's own page. Every refusal leaves the account as it was."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken

from readiness.accounts import services
from readiness.models import AuditEntry, User
from tests.conftest import PASSWORD

Role = User.Role


def create(client, **fields):
    data = {"username": "newcontact", "full_name": "李老师", "role": "school",
            "school": "", "phone": "13905391234", "email": "", "delivery": "sheet"} | fields  # fmt: skip
    return client.post(reverse("account_create"), data)


def logs_in(username: str, password: str) -> bool:
    """Through the login page, as a person (and django-axes) sees it."""
    return (
        Client().post(reverse("login"), {"username": username, "password": password}).status_code
        == 302
    )


def issued_password(response) -> str:
    return re.search(r'class="mono password">([^<]+)<', response.content.decode()).group(1)


# --- opening an account --------------------------------------------------------------------


def test_a_county_official_opens_a_contact_of_their_school_with_a_printed_password(
    login, official_a, school_a
):
    page = create(login(official_a), school=school_a.code)
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0") and "no-store" in page["Cache-Control"]
    password = issued_password(page)
    account = User.objects.get(username="newcontact")
    assert (account.role, account.school, account.county) == ("school", school_a, None)
    assert account.must_change_password and account.check_password(password)
    assert len(password) == 12 and password not in str(AuditEntry.objects.values_list("detail"))
    assert "http://127.0.0.1:8000" in page.content.decode()  # where to log in, on the slip
    actions = list(
        AuditEntry.objects.filter(actor=official_a).order_by("pk").values_list("action", "target")
    )
    assert actions == [("account.create", f"readiness.User:{account.pk}"),
                       ("account.password_issue", f"readiness.User:{account.pk}")]  # fmt: skip


@pytest.mark.parametrize("role", ["county_official", "city_staff", "task_force", "inspector"])
def test_a_county_official_cannot_give_a_role_above_theirs(login, official_a, county_a, role):
    page = create(login(official_a), role=role)
    assert page.status_code == 400  # the role is not offered, nor accepted
    assert not User.objects.filter(username="newcontact").exists()
    details = services.AccountDetails(full_name="x", role=role, county=county_a)
    with pytest.raises(PermissionDenied):
        services.account_create(actor=official_a, username="x", details=details)
    assert not User.objects.filter(username="x").exists()


def test_a_county_official_cannot_open_a_contact_of_another_county_or_a_city_school(
    login, official_a, school_b, city_school_a
):
    client = login(official_a)
    for school in (school_b, city_school_a):
        page = create(client, school=school.code)
        assert page.status_code == 400
        assert "不是您可以开设的" in page.content.decode()
    assert not User.objects.filter(username="newcontact").exists()
    assert not AuditEntry.objects.exists()


def test_a_county_team_member_is_of_the_officials_county(login, official_a, county_b):
    create(login(official_a), username="member1", role="verifier", delivery="sheet")
    assert User.objects.get(username="member1").county_id == official_a.county_id


def test_the_city_bureau_opens_county_officials_and_city_users(login, city_staff, county_b):
    client = login(city_staff)
    create(client, username="yishui", role="county_official", county=county_b.code)
    create(client, username="tf2", role="task_force", county=county_b.code)
    assert User.objects.get(username="yishui").county == county_b
    assert User.objects.get(username="tf2").county is None  # a city role has the city's scope
    page = create(client, username="nocounty", role="county_official")
    assert page.status_code == 400 and "县区教育局人员需要县区" in page.content.decode()


def test_a_wrong_form_keeps_what_was_typed(login, official_a, school_a, school_contact_a):
    page = create(login(official_a), username=school_contact_a.username.upper(),
                  school="9999999999", email="not-an-email", phone="abc")  # fmt: skip
    body = page.content.decode()
    assert page.status_code == 400
    assert "没有代码为 9999999999 的学校" in body
    assert (
        'value="9999999999"' in body
        and 'value="not-an-email"' in body
        and 'value="李老师"' in body
    )
    assert User.objects.count() == 2


def test_a_taken_user_name_is_refused_whatever_its_case(
    login, official_a, school_a, school_contact_a
):
    page = create(
        login(official_a), username=school_contact_a.username.upper(), school=school_a.code
    )
    assert page.status_code == 400 and "已被使用" in page.content.decode()


# --- a link to set the password ------------------------------------------------------------


def test_a_new_holder_sets_a_password_from_the_link_once(
    login, official_a, school_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        create(login(official_a), school=school_a.code, email="li@example.cn", delivery="link")
    account = User.objects.get(username="newcontact")
    assert not account.has_usable_password()
    (message,) = mail.outbox
    assert message.to == ["li@example.cn"] and "newcontact" in message.body
    link = re.search(r"http://\S+/account/set-password/\S+/", message.body).group(0)
    path = link.split("8000", 1)[1] if "8000" in link else link
    holder = Client()
    form = holder.get(path, follow=True)
    assert "设置密码" in form.content.decode()
    short = holder.post(
        form.redirect_chain[-1][0], {"new_password1": "abc123", "new_password2": "abc123"}
    )
    assert short.status_code == 200 and "至少" in short.content.decode()  # kept on the page
    done = holder.post(
        form.redirect_chain[-1][0],
        {"new_password1": "qingshan-2026", "new_password2": "qingshan-2026"},
    )
    assert done.status_code == 302 and done["Location"] == reverse("home")
    assert holder.get(reverse("home")).status_code == 200  # logged in
    account.refresh_from_db()
    assert account.check_password("qingshan-2026") and not account.must_change_password
    again = Client().get(path, follow=True)
    assert "已经用过" in again.content.decode()


def test_a_link_needs_an_email_address(login, official_a, school_a):
    page = create(login(official_a), school=school_a.code, delivery="link")
    assert page.status_code == 400 and "没有电子邮箱" in page.content.decode()
    assert not User.objects.filter(username="newcontact").exists()


# --- the first login --------------------------------------------------------------------------


def test_an_initial_password_must_be_changed_before_anything_else(
    login, official_a, school_a, api_client
):
    password = issued_password(create(login(official_a), school=school_a.code))
    holder = Client()
    assert (
        holder.post(reverse("login"), {"username": "newcontact", "password": password}).status_code
        == 302
    )
    for path in (reverse("home"), reverse("school_list"), reverse("own_account")):
        response = holder.get(path)
        assert (response.status_code, response["Location"]) == (302, reverse("password_change"))
    assert holder.get("/api/v1/schools/").status_code == 403
    token = api_client.post(reverse("api_token"), {"username": "newcontact", "password": password})
    assert token.status_code == 403 and not AuthToken.objects.exists()
    changed = holder.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": "yimeng-2026", "new_password2": "yimeng-2026"},
    )
    assert changed.status_code == 302
    assert holder.get(reverse("home")).status_code == 200
    account = User.objects.get(username="newcontact")
    assert not account.must_change_password and not account.check_password(password)
    assert AuditEntry.objects.filter(action="account.password_set", actor=account).count() == 1


@pytest.mark.parametrize(
    "password, message",
    [("short-pw1", "至少 10 个字符"), ("1234567890123", "密码只包含数字"), ("password123", "太常见"),
     ("newcontact1", "太相似")],
)  # fmt: skip
def test_passwords_follow_the_portals_rules(login, official_a, school_a, password, message):
    initial = issued_password(create(login(official_a), school=school_a.code))
    holder = Client()
    holder.post(reverse("login"), {"username": "newcontact", "password": initial})
    page = holder.post(
        reverse("password_change"),
        {"old_password": initial, "new_password1": password, "new_password2": password},
    )
    assert page.status_code == 200 and message in page.content.decode()
    assert User.objects.get(username="newcontact").check_password(initial)


# --- changing, deactivating, unlocking ----------------------------------------------------------


def test_a_deactivated_account_cannot_log_in_nor_use_its_token_and_keeps_its_name(
    login, official_a, school_contact_a, api_client
):
    token = api_client.post(reverse("api_token"), {"username": school_contact_a.username,
                                                   "password": PASSWORD}).data["token"]  # fmt: skip
    holder = Client()
    holder.force_login(school_contact_a)
    response = login(official_a).post(
        reverse("account_action", args=[school_contact_a.pk, "deactivate"])
    )
    assert response.status_code == 302
    school_contact_a.refresh_from_db()
    assert not school_contact_a.is_active and User.objects.filter(pk=school_contact_a.pk).exists()
    assert holder.get(reverse("home")).status_code == 302  # the open session ends
    assert not logs_in(school_contact_a.username, PASSWORD)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/schools/").status_code == 401
    login(official_a).post(reverse("account_action", args=[school_contact_a.pk, "reactivate"]))
    assert logs_in(school_contact_a.username, PASSWORD)
    actions = AuditEntry.objects.filter(target=f"readiness.User:{school_contact_a.pk}")
    assert sorted(actions.values_list("action", flat=True)) == [
        "account.deactivate",
        "account.reactivate",
    ]


def test_an_account_locked_by_failed_logins_is_shown_and_unlocked(
    login, official_a, school_contact_a, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post(
            reverse("login"), {"username": school_contact_a.username, "password": "wrong-one-2020"}
        )
    assert not logs_in(school_contact_a.username, PASSWORD)
    client = login(official_a)
    page = client.get(reverse("account_detail", args=[school_contact_a.pk])).content.decode()
    assert "已锁定" in page
    client.post(reverse("account_action", args=[school_contact_a.pk, "unlock"]))
    assert not AccessAttempt.objects.filter(username=school_contact_a.username).exists()
    holder = Client()
    assert holder.post(reverse("login"), {"username": school_contact_a.username,
                                          "password": PASSWORD}).status_code == 302  # fmt: skip


def test_a_reset_password_is_initial_and_ends_the_tokens(
    login, official_a, school_contact_a, api_client
):
    api_client.post(
        reverse("api_token"), {"username": school_contact_a.username, "password": PASSWORD}
    )
    page = login(official_a).post(
        reverse("account_action", args=[school_contact_a.pk, "password"])
    )
    password = issued_password(page)
    school_contact_a.refresh_from_db()
    assert school_contact_a.check_password(password) and school_contact_a.must_change_password
    assert not school_contact_a.check_password(PASSWORD) and not AuthToken.objects.exists()


def test_an_edit_keeps_the_scope_rules(login, official_a, school_contact_a, school_b):
    client = login(official_a)
    url = reverse("account_edit", args=[school_contact_a.pk])
    data = {
        "full_name": "张老师",
        "role": "school",
        "school": school_b.code,
        "phone": "",
        "email": "",
    }
    assert client.post(url, data).status_code == 400
    school_contact_a.refresh_from_db()
    assert school_contact_a.school_id != school_b.pk
    assert client.post(url, data | {"school": school_contact_a.school.code}).status_code == 302
    school_contact_a.refresh_from_db()
    assert school_contact_a.full_name == "张老师"


# Each action on an account outside the county (404) or of a peer or city role (403)
# is refused, and the account is as it was.
ACTIONS = ["deactivate", "reactivate", "unlock", "link", "password"]


@pytest.fixture
def others(make_user, official_b, county_a, school_b, city_staff):
    return {
        "another county's contact": (
            make_user(Role.SCHOOL, school=school_b, email="b@example.cn"),
            404,
        ),
        "another county's official": (official_b, 404),
        "the city bureau": (city_staff, 404),
        "a task force member": (make_user(Role.TASK_FORCE), 404),
        "a colleague of the county": (make_user(Role.COUNTY_OFFICIAL, county=county_a), 403),
    }


@pytest.mark.parametrize("action", ACTIONS)
def test_no_account_outside_the_county_or_above_it_is_changed(login, official_a, others, action):
    client = login(official_a)
    for what, (account, status) in others.items():
        before = User.objects.filter(pk=account.pk).values().get()
        response = client.post(reverse("account_action", args=[account.pk, action]))
        assert response.status_code == status, what
        assert User.objects.filter(pk=account.pk).values().get() == before, what
        edit = client.post(reverse("account_edit", args=[account.pk]),
                           {"full_name": "改", "role": "school", "phone": "", "email": ""})  # fmt: skip
        assert edit.status_code == status, what
    assert not mail.outbox
    assert not AuditEntry.objects.exists()


def test_oneself_is_kept_on_ones_own_page_not_in_the_list(login, official_a):
    assert (
        login(official_a)
        .post(reverse("account_action", args=[official_a.pk, "deactivate"]))
        .status_code
        == 403
    )
    official_a.refresh_from_db()
    assert official_a.is_active


def test_the_list_shows_the_county_s_accounts_only(login, official_a, school_contact_a, others):
    body = login(official_a).get(reverse("account_list")).content.decode()
    assert school_contact_a.username in body
    for what, (account, status) in others.items():
        assert (f">{account.username}<" in body) == (status == 403), what


# --- the user's own page ------------------------------------------------------------------------


def test_a_user_changes_their_own_phone_and_email(login, school_contact_a):
    client = login(school_contact_a)
    page = client.post(reverse("own_account"), {"phone": "0539-8123456", "email": "bad@"})
    assert page.status_code == 400 and 'value="0539-8123456"' in page.content.decode()
    client.post(reverse("own_account"), {"phone": "0539-8123456", "email": "me@example.cn"})
    school_contact_a.refresh_from_db()
    assert (school_contact_a.phone, school_contact_a.email) == ("0539-8123456", "me@example.cn")
    assert AuditEntry.objects.filter(action="account.own_update", actor=school_contact_a).exists()


def test_initial_passwords_are_readable_and_random():
    passwords = {services.generate_password() for _ in range(200)}
    assert len(passwords) == 200
    assert not set("".join(passwords)) & set("0O1lI")


def test_a_school_contact_cannot_reach_the_account_pages(login, school_contact_a):
    client = login(school_contact_a)
    assert client.get(reverse("account_list")).status_code == 403
    assert client.get(reverse("account_detail", args=[school_contact_a.pk])).status_code == 404


def test_the_list_reads_in_the_same_number_of_queries_for_3_or_30_accounts(
    login, official_a, county_a
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.readiness.factories import SchoolFactory, UserFactory

    client = login(official_a)
    counts = []
    for more in (3, 27):
        for _ in range(more):
            UserFactory(role="school", school=SchoolFactory(county=county_a))
        client.get(reverse("account_list"))  # the session and the menu's counts warm up
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("account_list"))
        assert page.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
