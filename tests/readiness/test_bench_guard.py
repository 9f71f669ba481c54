"""The benchmarks empty and flush the database they run on: they create and mark
their own, and refuse one they did not make."""

from __future__ import annotations

import secrets

import pytest

psycopg2 = pytest.importorskip("psycopg2")
from bench.__main__ import MARKER, NotABenchDatabase, prepare_database  # noqa: E402

SERVER = "postgres://postgres@127.0.0.1:5432"


@pytest.fixture
def server():
    try:
        admin = psycopg2.connect(f"{SERVER}/postgres")
    except psycopg2.OperationalError:
        pytest.skip("needs the PostgreSQL server of this machine")
    admin.autocommit = True
    names = []
    yield admin, names
    with admin.cursor() as cursor:
        for name in names:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.close()


def test_a_new_database_is_created_and_marked(server):
    _admin, names = server
    name = f"bench_guard_{secrets.token_hex(4)}"
    names.append(name)
    prepare_database(f"{SERVER}/{name}")
    prepare_database(f"{SERVER}/{name}")  # its own, the second time: accepted
    with psycopg2.connect(f"{SERVER}/{name}") as own, own.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [MARKER])
        assert cursor.fetchone()[0]
    own.close()


def test_a_database_it_did_not_make_is_refused(server):
    admin, names = server
    name = f"bench_guard_{secrets.token_hex(4)}"
    names.append(name)
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    with pytest.raises(NotABenchDatabase, match="not created by the benchmarks"):
        prepare_database(f"{SERVER}/{name}")
