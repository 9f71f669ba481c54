"""Every page at 390 px, as each role reaches it from their home page: no
horizontal scroll, no input squeezed under 44 px, buttons at least 36 px high,
and no accessibility violation that axe-core finds, in Chinese and in English."""

from __future__ import annotations

import os
from collections import deque
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from readiness.models import User

PAGES_PER_ROLE = 40
SKIP = ("/logout", "/admin/", "/api/", "/static/", "/media/", "/i18n/")
# Downloads and documents, not pages.
SKIP_NAMES = {"logout"}

MEASURE = """() => {
  const problems = [];
  const over = document.documentElement.scrollWidth - window.innerWidth;
  if (over > 1) problems.push(`scrolls sideways by ${over}px`);
  const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden"; };
  for (const el of document.querySelectorAll("input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea")) {
    if (!visible(el)) continue;
    const w = el.getBoundingClientRect().width;
    if (w < 44) problems.push(`${el.name || el.id || el.tagName} is ${Math.round(w)}px wide`);
  }
  for (const el of document.querySelectorAll("button, .button, input[type=submit]")) {
    if (!visible(el)) continue;
    const h = el.getBoundingClientRect().height;
    if (h < 36) problems.push(`button “${(el.textContent || el.value).trim().slice(0, 20)}” is ${Math.round(h)}px high`);
  }
  return problems;
}"""


def _route(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.url_name


def walk(page, start: str = "/") -> list[tuple[str, list[str], list[str]]]:
    """Breadth-first over the links of the portal, one page per route."""
    seen_routes, queue, found = set(), deque([start]), []
    axe = Axe()
    while queue and len(seen_routes) < PAGES_PER_ROLE:
        path = queue.popleft()
        name = _route(urlsplit(path).path)
        if name is None or name in seen_routes or name in SKIP_NAMES:
            continue
        seen_routes.add(name)
        try:
            response = page.goto(path)
        except PlaywrightError:  # a download (a template, a PDF, a spreadsheet), not a page
            continue
        kind = response.headers.get("content-type", "") if response else ""
        if not response or response.status != 200 or not kind.startswith("text/html"):
            continue
        problems = page.evaluate(MEASURE)
        violations = [
            f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
            for v in axe.run(page).response["violations"]
        ]
        found.append((path, problems, violations))
        for href in page.eval_on_selector_all(
            "main a[href], nav a[href]", "els => els.map(e => e.getAttribute('href'))"
        ):
            if (
                href
                and href.startswith("/")
                and not href.startswith(SKIP)
                and "." not in href.rsplit("/", 1)[-1]
            ):
                queue.append(href)
    return found


@pytest.fixture
def demo_city(db):
    call_command("seed_demo", "--schools", "40", "--people", "200", verbosity=0)


ROLES = ["school", "school-2", "lanshan", "verifier", "inspector", "city", "taskforce", "supplies"]
# Every role in both languages; CI (PHONE_WALK=bounded, set by .ci/run, to stay
# within its time) walks every role in Chinese and the city bureau's in English.
ENGLISH = ROLES if os.environ.get("PHONE_WALK") != "bounded" else ["city"]
WALKS = [(u, "zh-hans") for u in ROLES] + [(u, "en") for u in ENGLISH]


def test_every_page_works_on_a_phone(page_as, demo_city):
    """Every walk in one test, on one seeded city (seeding it is a third of a
    walk's time); every walk runs, and the failures of all are reported."""
    failures = []
    for username, language in WALKS:
        page = page_as(User.objects.get(username=username), mobile=True)
        page.goto("/")
        if language == "en":
            with page.expect_navigation():
                page.select_option("#language", "en")
            if page.locator("html").get_attribute("lang") != "en":
                failures.append(f"{username} ({language}): the page did not switch to English")
        report = walk(page)
        if len(report) < 5:
            failures.append(f"{username} ({language}): only {len(report)} pages reached")
        failures += [
            f"{username} ({language}) {path}: {'; '.join(p + v)}"
            for path, p, v in report
            if p or v
        ]
        page.context.close()
    assert not failures, "\n".join(failures)
