"""Import profiles: a named way of reading files of one shape, saved and reused."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from wenzeng.store.clock import now
from wenzeng.store.tables import import_profile


def save_profile(
    conn: Connection,
    name: str,
    mapping: dict[str, Any],
    hints: dict[str, Any],
    created_by: str | None,
) -> bool:
    """Store a profile under ``name``, replacing an earlier one; True when it was new."""
    at = now()
    exists = conn.execute(
        select(import_profile.c.name).where(import_profile.c.name == name)
    ).first()
    if exists is None:
        conn.execute(
            insert(import_profile).values(
                name=name,
                mapping=mapping,
                hints=hints,
                created_by=created_by,
                created_at=at,
                updated_at=at,
            )
        )
        return True
    conn.execute(
        update(import_profile)
        .where(import_profile.c.name == name)
        .values(mapping=mapping, hints=hints, updated_at=at)
    )
    return False


def get_profile(conn: Connection, name: str) -> dict[str, Any] | None:
    row = conn.execute(select(import_profile).where(import_profile.c.name == name)).first()
    return dict(row._mapping) if row else None


def list_profiles(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(select(import_profile).order_by(import_profile.c.name))
    return [dict(r._mapping) for r in rows]


def remove_profile(conn: Connection, name: str) -> bool:
    return conn.execute(delete(import_profile).where(import_profile.c.name == name)).rowcount > 0
