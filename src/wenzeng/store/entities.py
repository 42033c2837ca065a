"""The entity registry: key enterprises kept in the store and their supplier links."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select

from wenzeng.store.tables import entity, supply_link


def insert_entities(conn: Connection, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(entity), rows)


def insert_supply_links(conn: Connection, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(supply_link), rows)


def stored_entities(conn: Connection, kind: str | None = None) -> list[dict[str, Any]]:
    stmt = select(entity).order_by(entity.c.code)
    if kind:
        stmt = stmt.where(entity.c.kind == kind)
    return [dict(r._mapping) for r in conn.execute(stmt)]


def supply_links(conn: Connection) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(select(supply_link).order_by(supply_link.c.id))]
