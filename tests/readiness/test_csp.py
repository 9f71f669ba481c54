"""Every page carries a Content-Security-Policy that allows no inline script,
and no page the portal serves needs one."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"", re.IGNORECASE)

PAGES = ["home", "school_list", "people", "plan_list", "drills", "dispatch_list", "api_docs"]


@pytest.mark.parametrize("name", PAGES)
def test_pages_have_a_strict_policy_and_no_inline_code(login, city_staff, name):
    response = login(city_staff).get(reverse(name))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    body = response.content.decode()
    assert not INLINE_SCRIPT.search(body), INLINE_SCRIPT.search(body)
    assert not INLINE_STYLE.search(body)


def test_the_login_page_has_the_policy_too(client, db):
    assert "default-src 'self'" in client.get(reverse("login"))["Content-Security-Policy"]
