"""The collection repositories of the store, on each backend: duplicates come back as the
store's own error with the transaction still usable, versions guard updates, a definition
is written only when its document changes, and the store's units of work commit or roll back
as a whole."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from wenzeng.errors import Conflict
from wenzeng.services.context import Context
from wenzeng.store import outbox, submissions
from wenzeng.store.clock import now
from wenzeng.store.definitions import (
    DefinitionKind,
    definition_documents,
    save_definition,
)
from wenzeng.store.errors import DuplicateKey


@pytest.fixture
def store_ctx(empty_ctx: Context) -> Iterator[Context]:
    empty_ctx.store.upgrade()
    yield empty_ctx


def _submission(**changes: Any) -> dict[str, Any]:
    stamp = now()
    return {
        "form": "monthly_enterprise",
        "reporter": "E9001",
        "period": "2025-10",
        "status": "draft",
        "revision": 1,
        "version": 1,
        "values": {"revenue_month": 1.0},
        "explanations": {},
        "problems": [],
        "channel": "api",
        "created_by": "tester",
        "created_at": stamp,
        "updated_at": stamp,
        **changes,
    }


def test_a_duplicate_submission_is_the_stores_conflict(store_ctx: Context) -> None:
    with store_ctx.transaction() as conn:
        first = submissions.insert_submission(conn, _submission())
        with pytest.raises(DuplicateKey):
            submissions.insert_submission(conn, _submission())
        # the transaction goes on: another period is stored with the first
        second = submissions.insert_submission(conn, _submission(period="2025-11"))
    assert issubclass(DuplicateKey, Conflict)
    with store_ctx.reading() as conn:
        rows = submissions.submission_rows(conn)
    assert [r["id"] for r in rows] == [second, first]


def test_an_update_names_the_version_it_was_made_on(store_ctx: Context) -> None:
    with store_ctx.transaction() as conn:
        sid = submissions.insert_submission(conn, _submission())
        assert submissions.update_submission(conn, sid, 1, {"status": "submitted"})
        assert not submissions.update_submission(conn, sid, 1, {"status": "draft"})
        row = submissions.submission_row(conn, sid)
    assert row is not None and (row["version"], row["status"]) == (2, "submitted")


def test_a_message_is_queued_once_per_key(store_ctx: Context) -> None:
    message = {
        "kind": "reminder",
        "recipient": "gd@example.org",
        "user_id": None,
        "subject": "s",
        "body": "b",
        "dedupe_key": "reminder:f:2025-10:440000:1",
    }
    with store_ctx.transaction() as conn:
        outbox.insert_message(conn, **message)
        assert outbox.has_message(conn, "reminder:f:2025-10:440000:1")
        with pytest.raises(DuplicateKey):
            outbox.insert_message(conn, **message)
        outbox.insert_message(conn, **{**message, "dedupe_key": None})
    with store_ctx.reading() as conn:
        assert len(outbox.unsent_messages(conn)) == 2


@pytest.mark.parametrize("kind", list(DefinitionKind))
def test_a_definition_is_written_when_its_document_changes(
    store_ctx: Context, kind: DefinitionKind
) -> None:
    def save(document: str) -> bool:
        with store_ctx.transaction() as conn:
            return save_definition(
                conn,
                kind,
                code="x",
                title_zh="甲",
                title_en="A",
                document=document,
                file="x.yaml",
                builtin=False,
            )

    assert save("one")
    assert not save("one")
    assert save("two")
    with store_ctx.reading() as conn:
        docs = definition_documents(conn, kind)
        other = definition_documents(
            conn, DefinitionKind.FORM if kind is DefinitionKind.PLAN else DefinitionKind.PLAN
        )
    assert [(d["code"], d["document"]) for d in docs] == [("x", "two")]
    assert other == []


def test_a_unit_of_work_is_all_or_nothing(store_ctx: Context) -> None:
    with pytest.raises(RuntimeError), store_ctx.transaction() as conn:
        submissions.insert_submission(conn, _submission())
        raise RuntimeError("stop")
    with store_ctx.reading() as conn:
        assert submissions.submission_rows(conn) == []
    current, head = store_ctx.store.schema_status()
    assert current == head
