"""Reading and writing the store: enterprises, plans, meta, the audit log and the data
version (observations, their sources and loads: :mod:`wenzeng.store.observations`,
:mod:`wenzeng.store.batches`).  Functions take a connection; none of them commits."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from wenzeng.store.tables import (
    audit_log,
    batch,
    entity,
    form_def,
    meta,
    plan,
    supply_link,
)


def now() -> datetime:
    return datetime.now(UTC)


# -- enterprises ----------------------------------------------------------------------------
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


# -- plans ------------------------------------------------------------------------------------
def save_plan(
    conn: Connection,
    *,
    code: str,
    title_zh: str,
    title_en: str,
    document: str,
    file: str | None,
    builtin: bool,
) -> bool:
    """Store a plan document; returns False when the same document is already stored."""
    row = conn.execute(select(plan.c.document).where(plan.c.code == code)).first()
    if row is not None and row.document == document:
        return False
    values = {
        "title_zh": title_zh,
        "title_en": title_en,
        "document": document,
        "file": file,
        "builtin": builtin,
        "loaded_at": now(),
    }
    if row is None:
        conn.execute(insert(plan).values(code=code, **values))
    else:
        conn.execute(update(plan).where(plan.c.code == code).values(**values))
    return True


def plan_documents(conn: Connection) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(select(plan).order_by(plan.c.code))]


# -- meta -------------------------------------------------------------------------------------
def get_meta(conn: Connection, key: str) -> str | None:
    return conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar_one_or_none()


def set_meta(conn: Connection, key: str, value: str) -> None:
    if get_meta(conn, key) is None:
        conn.execute(insert(meta).values(key=key, value=value))
    else:
        conn.execute(update(meta).where(meta.c.key == key).values(value=value))


# -- audit log ----------------------------------------------------------------------------------
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
    stmt = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if object_type is not None:
        stmt = stmt.where(audit_log.c.object_type == object_type)
    if object_id is not None:
        stmt = stmt.where(audit_log.c.object_id == str(object_id))
    return [dict(r._mapping) for r in conn.execute(stmt)]


def data_version(conn: Connection) -> tuple[Any, ...]:
    """(newest batch, newest plan load, newest form load): changes whenever any of them does."""
    row = conn.execute(
        select(
            select(func.max(batch.c.id)).scalar_subquery(),
            select(func.max(plan.c.loaded_at)).scalar_subquery(),
            select(func.max(form_def.c.loaded_at)).scalar_subquery(),
        )
    ).one()
    return tuple(row)
