"""Fixtures: a store on SQLite (always) and on PostgreSQL (when WENZENG_TEST_POSTGRES_URL is set).

Each PostgreSQL store lives in a schema of its own, dropped afterwards, so
tests never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, text

from wenzeng.config import load_settings
from wenzeng.services.context import Context
from wenzeng.services.setup import initialise

PG_URL = os.environ.get("WENZENG_TEST_POSTGRES_URL")

# Property tests check what is computed, never how fast: on a machine busy with the other test
# processes an example may take longer than hypothesis's default 200 ms deadline.
settings.register_profile("wenzeng", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("wenzeng")

# Jobs (uploads, reports, analysis runs) run in the request that starts them, so that a test
# reads their end in the answer; tests/test_jobs*.py run them with real workers instead.
os.environ.setdefault("WENZENG_JOBS_INLINE", "1")
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _pg_schema_url() -> tuple[str, str]:
    assert PG_URL
    schema = f"wz_{uuid.uuid4().hex[:12]}"
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}", schema


def _drop_schema(schema: str) -> None:
    assert PG_URL
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'wenzeng.db'}"
        return
    if not PG_URL:
        pytest.skip("WENZENG_TEST_POSTGRES_URL is not set")
    url, schema = _pg_schema_url()
    try:
        yield url
    finally:
        _drop_schema(schema)


@pytest.fixture
def empty_ctx(db_url: str) -> Iterator[Context]:
    ctx = Context.open(load_settings(database_url=db_url))
    yield ctx
    ctx.close()


@pytest.fixture
def ctx(empty_ctx: Context) -> Context:
    """A store with the schema, the built-in plan and the built-in published figures."""
    initialise(empty_ctx)
    return empty_ctx


@pytest.fixture
def sqlite_ctx(tmp_path: Path) -> Iterator[Context]:
    """An initialised SQLite store, for tests that need only one backend."""
    c = Context.open(load_settings(database_url=f"sqlite:///{tmp_path / 'one.db'}"))
    initialise(c)
    yield c
    c.close()


SPECIMENS = Path(__file__).parent / "specimens"
