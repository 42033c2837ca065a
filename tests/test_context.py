"""Results kept until the data change: within a request the data version is read once."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

import wenzeng.services.context
from wenzeng.services.context import Context, data_version_scope
from wenzeng.store.clock import now
from wenzeng.store.meta import data_version
from wenzeng.store.tables import batch


@pytest.fixture
def reads(sqlite_ctx: Context, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    count: list[int] = []
    real = data_version

    def counted(conn):  # type: ignore[no-untyped-def]
        count.append(1)
        return real(conn)

    monkeypatch.setattr(wenzeng.services.context, "data_version", counted)
    return count


def test_memo_reads_the_version_once_per_scope(sqlite_ctx: Context, reads: list[int]) -> None:
    computed: list[int] = []
    with data_version_scope():
        for _ in range(5):
            assert sqlite_ctx.memo(("k",), lambda: computed.append(1) or 42) == 42
    assert len(reads) == 1 and len(computed) == 1
    # outside a scope every call checks the version (other processes may have written)
    sqlite_ctx.memo(("k",), lambda: 0)
    sqlite_ctx.memo(("k",), lambda: 0)
    assert len(reads) == 3


def test_a_write_in_the_scope_makes_it_read_again(sqlite_ctx: Context, reads: list[int]) -> None:
    computed: list[int] = []
    with data_version_scope():
        sqlite_ctx.memo(("k",), lambda: computed.append(1) or 1)
        with sqlite_ctx.transaction() as conn:  # a new load: the data have changed
            conn.execute(insert(batch).values(kind="import", rows=0, created_at=now()))
        sqlite_ctx.memo(("k",), lambda: computed.append(1) or 2)
        sqlite_ctx.memo(("k",), lambda: computed.append(1) or 3)
    assert len(reads) == 2  # once before the write, once after
    assert len(computed) == 2  # recomputed once, for the new data
