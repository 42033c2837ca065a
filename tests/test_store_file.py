"""The SQLite store holds password and token hashes: its files are its owner's alone."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from wenzeng.auth.principal import SYSTEM
from wenzeng.config import load_settings
from wenzeng.services import accounts
from wenzeng.services.context import Context
from wenzeng.store.db import make_engine, upgrade


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A umask that lets everyone read new files, as on many servers (022) and worse."""
    before = os.umask(0)
    try:
        yield
    finally:
        os.umask(before)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("open_umask")
def test_a_new_store_and_its_journal_are_readable_by_the_owner_only(tmp_path: Path) -> None:
    data = tmp_path / "var"
    ctx = Context.open(load_settings(database_url=f"sqlite:///{data / 'wenzeng.db'}"))
    try:
        upgrade(ctx.engine)
        accounts.add_user(ctx, SYSTEM, username="ana", role="analyst", password="x" * 12)
        with ctx.reading() as conn:
            conn.exec_driver_sql("SELECT 1")
        files = sorted(data.glob("wenzeng.db*"))
        names = {f.name for f in files}
        assert {"wenzeng.db", "wenzeng.db-wal", "wenzeng.db-shm"} <= names
        for f in files:
            assert _mode(f) == 0o600, (f.name, oct(_mode(f)))
        assert _mode(data) == 0o700
    finally:
        ctx.close()


@pytest.mark.usefixtures("open_umask")
def test_an_existing_store_is_opened_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    path.touch(mode=0o640)
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    assert _mode(path) == 0o640  # a deployer's choice is kept
