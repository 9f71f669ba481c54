"""Shared fixtures: two counties (A and B) with schools, and a user of every role.

Access tests follow one pattern: a user of county A asks for something of
county B, and is refused.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation
from rest_framework.test import APIClient

from readiness.models import School, User
from tests.readiness.factories import CountyFactory, SchoolFactory, UserFactory

PASSWORD = "pw-for-tests-2020"

# Each line of work's fixtures, shared with the browser tests.
pytest_plugins = [
    "tests.verification.fixtures",
    "tests.inspections.fixtures",
    "tests.supplies.fixtures",
]


def _own_redis_database(worker: str) -> None:
    """Gives a parallel test worker (pytest-xdist, ``make test``) a Redis database of
    its own. Each worker already has its own SQL database, so both number their rows
    from 1: a badge or rate limit cached by user id in one worker's tests would reach
    the other's, and a test's ``cache.clear()`` (FLUSHDB) would empty the other's."""
    parts = urlsplit(settings.REDIS_URL)
    index = (int(parts.path.strip("/") or 0) + int(worker.removeprefix("gw")) + 1) % 16
    url = urlunsplit(parts._replace(path=f"/{index}"))
    settings.REDIS_URL = os.environ["REDIS_URL"] = url  # the Celery workers tests start
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": url}}


if os.environ.get("PYTEST_XDIST_WORKER") and settings.REDIS_URL:
    _own_redis_database(os.environ["PYTEST_XDIST_WORKER"])


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("redis") and not os.environ.get("REDIS_URL"):
            item.add_marker(pytest.mark.skip(reason="REDIS_URL is not set"))


@pytest.fixture
def postgres(db):
    """Skips the test unless the database is PostgreSQL (COPY, row locks)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL")


@pytest.fixture
def postgres_live(transactional_db):
    """PostgreSQL with committed transactions, for tests of locks across connections."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL")


@pytest.fixture
def county_a(db):
    return CountyFactory(code="371302", name="兰山区", kind="district", order=1)


@pytest.fixture
def county_b(db):
    return CountyFactory(code="371323", name="沂水县", kind="county", order=6)


@pytest.fixture
def school_a(county_a):
    return SchoolFactory(code="2137020001", name="兰山区城关镇中心小学", county=county_a)


@pytest.fixture
def school_b(county_b):
    return SchoolFactory(code="2137230001", name="沂水县高桥镇中心小学", county=county_b)


@pytest.fixture
def city_school_a(county_a):
    """A city-direct school located in county A: county officials see it, not edit it."""
    return SchoolFactory(
        code="1137000004",
        name="临沂第四中学",
        county=county_a,
        level=School.Level.HIGH,
        jurisdiction=School.Jurisdiction.CITY,
        demonstration=True,
    )


@pytest.fixture
def make_user(db):
    def make(role: str, *, county=None, school=None, **extra) -> User:
        return UserFactory(role=role, county=county, school=school, **extra)

    return make


@pytest.fixture
def official_a(make_user, county_a):
    return make_user(User.Role.COUNTY_OFFICIAL, county=county_a, full_name="兰山区王主任")


@pytest.fixture
def official_b(make_user, county_b):
    return make_user(User.Role.COUNTY_OFFICIAL, county=county_b)


@pytest.fixture
def city_staff(make_user):
    return make_user(User.Role.CITY_STAFF)


@pytest.fixture
def task_force(make_user):
    return make_user(User.Role.TASK_FORCE)


@pytest.fixture
def school_contact_a(make_user, school_a):
    return make_user(User.Role.SCHOOL, school=school_a)


@pytest.fixture
def superuser(db):
    return UserFactory(role="", is_staff=True, is_superuser=True)


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def login(client):
    """Logs the test client in as ``user``; returns the client."""

    def as_user(user: User):
        client.force_login(user)
        return client

    return as_user


@pytest.fixture(autouse=True)
def _default_language():
    """A request in English (set_language, a browser's header) leaves the thread in
    English; the next test starts in the portal's own language again."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashers cost a third of a second each by design; tests create many users.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "readiness.accounts.hashers.InitialPasswordHasher",
    ]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: pages cache what they render by primary
    key (a dispatch report's body), and keys repeat from one test's rows to the next;
    so do the checklist items a worker keeps by their version's key."""
    from django.core.cache import cache

    from verification.selectors import forget_kept_items

    cache.clear()
    forget_kept_items()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploads of each test land in its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@contextmanager
def celery_broker(url: str):
    """Points the Celery app at ``url`` (tasks really published) for a block.

    Celery caches connections in two pools, the app's and its producers'; both
    are dropped so that nothing reaches a broker configured before.
    """
    from portal.celery import app

    def reset() -> None:
        app.close()
        app.amqp._producer_pool = None

    previous = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.task_always_eager = url, False
    reset()
    try:
        yield app
    finally:
        app.conf.broker_url, app.conf.task_always_eager = previous
        reset()


@pytest.fixture
def verification_alone(db):
    """A city policy that counts only the verification and open critical findings,
    for tests of the verification's own result."""
    from readiness.models import ReadinessPolicy

    return ReadinessPolicy.objects.create(
        levels={"plans": "off", "people": "off", "supplies": "off"}, note="verification alone"
    )


@pytest.fixture
def send(login, django_capture_on_commit_callbacks):
    """Posts as ``user`` with the queued job run as the broker would run it, and
    follows the redirect to the job's page."""

    def post(user, url, data=None):
        client = login(user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, data or {})
        return client.get(response["Location"]) if response.status_code == 302 else response

    return post
