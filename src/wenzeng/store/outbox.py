"""The outbox: messages waiting to be sent, and what became of each attempt."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from wenzeng.store.clock import now
from wenzeng.store.errors import DuplicateKey
from wenzeng.store.tables import outbox


def has_message(conn: Connection, dedupe_key: str) -> bool:
    return (
        conn.execute(select(outbox.c.id).where(outbox.c.dedupe_key == dedupe_key)).first()
        is not None
    )


def insert_message(
    conn: Connection,
    *,
    kind: str,
    recipient: str,
    user_id: int | None,
    subject: str,
    body: str,
    dedupe_key: str | None,
) -> None:
    """Queue one message; :class:`DuplicateKey` when its ``dedupe_key`` is already queued
    (the caller's transaction stays usable)."""
    try:
        with conn.begin_nested():
            conn.execute(
                insert(outbox).values(
                    kind=kind,
                    recipient=recipient,
                    user_id=user_id,
                    subject=subject,
                    body=body,
                    dedupe_key=dedupe_key,
                    created_at=now(),
                    attempts=0,
                )
            )
    except IntegrityError as exc:
        raise DuplicateKey(
            f"该消息已在待发队列中 / the message is already queued: {dedupe_key}"
        ) from exc


def unsent_messages(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(select(outbox).where(outbox.c.sent_at.is_(None)).order_by(outbox.c.id))
    return [dict(r._mapping) for r in rows]


def mark_sent(conn: Connection, message_id: int) -> None:
    conn.execute(
        update(outbox)
        .where(outbox.c.id == message_id)
        .values(sent_at=now(), attempts=outbox.c.attempts + 1, last_error=None)
    )


def mark_failed(conn: Connection, message_ids: list[int], error: str) -> None:
    conn.execute(
        update(outbox)
        .where(outbox.c.id.in_(message_ids))
        .values(attempts=outbox.c.attempts + 1, last_error=error[:500])
    )
