"""Every page's top bar (drawn by Jinja2 in templates/base.html): the menu the user's
rights give, the current page marked, what a user wrote escaped, one CSRF token for
the page's forms, and a page drawn without a request (the server error's)."""

from __future__ import annotations

import re

from django.template.loader import render_to_string
from django.urls import set_script_prefix

from readiness.jinja_env import environment
from readiness.models import User


def topbar(body: str) -> str:
    return body[body.index('<header class="topbar">') : body.index("</header>")]


def test_a_county_official_sees_the_menu_of_their_rights_with_the_page_marked(login, official_a):
    body = login(official_a).get("/schools/?county=&q=ab").content.decode()
    bar = topbar(body)
    links = re.findall(r'<a[^>]* href="([^"]+)"[^>]*>([^<]+)</a>', bar)
    assert ("/schools/", "学校") in links and ("/dashboard/", "调度看板") in links
    assert "/accounts/" in dict(links)  # their county's accounts
    assert "/audit/" not in dict(links) and "/settings/" not in dict(links)  # the city's
    assert re.findall(r'href="([^"]+)" aria-current="page"', bar) == ["/schools/"]
    # Back to the same page, filters and all, after choosing a language.
    assert 'name="next" type="hidden" value="/schools/?county=&amp;q=ab"' in bar
    assert '<option value="zh-hans" selected>简体中文</option>' in bar
    assert 'title="县区教育局">兰山区王主任</a>' in bar  # the role, then the name


def test_the_menu_is_written_in_the_users_language(login, official_a):
    client = login(official_a)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    bar = topbar(client.get("/schools/").content.decode())
    assert ">Schools</a>" in bar and ">Log out</button>" in bar
    assert '<option value="en" selected>English</option>' in bar


def test_what_a_user_wrote_is_escaped(login, make_user, county_a):
    named = make_user(User.Role.COUNTY_OFFICIAL, county=county_a, full_name='<b>"王"</b>')
    bar = topbar(login(named).get("/").content.decode())
    assert "&lt;b&gt;" in bar and "王" in bar and "<b>" not in bar


def test_the_pages_forms_share_one_token(login, official_a, school_a):
    """Masked once a page, the bar's forms and the page's own: Jinja2's csrf_token would
    mask it again for the bar."""
    body = login(official_a).get(f"/schools/{school_a.pk}/edit/").content.decode()
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    in_bar = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', topbar(body))
    assert len(in_bar) == 2 and len(tokens) == 3  # language, log out; the school's form
    assert len(set(tokens)) == 1 and len(tokens[0]) == 64


def test_an_anonymous_visitor_has_no_menu(client):
    bar = topbar(client.get("/login/").content.decode())
    assert 'id="main-nav"' not in bar and "data-logout" not in bar
    assert 'class="lang"' in bar and 'name="csrfmiddlewaretoken"' in bar


def test_a_page_drawn_without_a_request_has_the_bar_without_a_token(db):
    """The server error's page is drawn with no request and no context processors."""
    bar = topbar(render_to_string("500.html"))
    assert '<a class="brand" href="/">' in bar and 'id="main-nav"' not in bar
    assert "csrfmiddlewaretoken" not in bar and 'name="next" type="hidden" value=""' in bar


def test_a_kept_url_follows_the_script_prefix():
    """A URL without arguments is kept per URLconf and prefix: a portal served under a
    path of its own links under it."""
    url = environment().globals["url"]
    try:
        set_script_prefix("/portal/")
        assert url("school_list") == "/portal/schools/"
    finally:
        set_script_prefix("/")
    assert url("school_list") == "/schools/"
    assert url("school_detail", 5) == "/schools/5/" and url("school_detail", 6) == "/schools/6/"


def test_every_page_names_its_icon(client):
    """Else a browser asks for /favicon.ico, which the portal does not serve (a 404 in
    every page's console)."""
    from django.contrib.staticfiles import finders

    body = client.get("/login/").content.decode()
    [icon] = re.findall(r'<link rel="icon" type="image/png" href="([^"]+)">', body)
    assert icon.endswith(".png") and finders.find("icons/icon-192.png")
