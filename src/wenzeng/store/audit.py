"""The audit log: who did what to which object, with the old and new values."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select

from wenzeng.store.clock import now
from wenzeng.store.tables import audit_log


def audit(
    conn: Connection,
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | int,
    details: dict[str, Any],
) -> None:
    """Record who did what to which object, with the old and new values where there are any."""
    conn.execute(
        insert(audit_log).values(
            at=now(),
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            details=details,
        )
    )


def audit_entries(
    conn: Connection,
    *,
    object_type: str | None = None,
    object_id: str | int | None = None,
    limit: int = 500,
) -> list[dict[str, Any]]:
    """The newest entries first, optionally of one object type or object."""
    stmt = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if object_type is not None:
        stmt = stmt.where(audit_log.c.object_type == object_type)
    if object_id is not None:
        stmt = stmt.where(audit_log.c.object_id == str(object_id))
    return [dict(r._mapping) for r in conn.execute(stmt)]
