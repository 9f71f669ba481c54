"""The API fuzzed against its own schema (schemathesis), as a city user and as a
school: no server error, and every answer is one the schema promised.

Bounded for CI by FUZZ_EXAMPLES (examples per operation); `make fuzz` runs more."""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))

raw = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(public=True)))
schema = schemathesis.openapi.from_dict(raw)
schema.app = get_wsgi_application()

CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def _one_connection():
    """The WSGI app would close the database connection after each request, as in
    production; the test's transaction lives on it, so it stays open (Django's
    own test client does the same)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=["city_staff", "school_contact_a"])
def token(request, school_a, school_b, city_school_a):
    user = request.getfixturevalue(request.param)
    return AuthToken.objects.create(user=user)[1]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_to_its_schema(case, token, settings):
    settings.PERSON_SEARCH_RATE = "100000/min"  # the fuzzer is not a person
    # The WSGI transport hands over the body as sent, undecoded: asked plain (the
    # compressed answers are tested in test_compression).
    headers = {"Authorization": f"Token {token}", "Accept-Encoding": "identity"}
    case.call_and_validate(headers=headers, checks=CHECKS)
