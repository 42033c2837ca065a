"""Catalogue entries a user loaded (units, indicators, entities, sectors), with their history.

Every version of an entry is a row; the current one has no ``superseded_at``.  Loading the
same document again changes nothing, a changed one becomes a new version, a removal closes
the current version without writing a new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from wenzeng.store.clock import as_utc, now
from wenzeng.store.tables import catalog_entry, series


@dataclass(frozen=True)
class StoredEntry:
    kind: str
    code: str
    version: int
    document: dict[str, Any]
    source_file: str
    loaded_at: datetime
    loaded_by: str
    superseded_at: datetime | None


def _entry(row: Any) -> StoredEntry:
    return StoredEntry(
        kind=row.kind,
        code=row.code,
        version=row.version,
        document=dict(row.document),
        source_file=row.source_file,
        loaded_at=as_utc(row.loaded_at),
        loaded_by=row.loaded_by,
        superseded_at=as_utc(row.superseded_at) if row.superseded_at is not None else None,
    )


def current_entries(conn: Connection, kind: str | None = None) -> list[StoredEntry]:
    """The current version of every entry (of ``kind``), by kind then code."""
    query = select(catalog_entry).where(catalog_entry.c.superseded_at.is_(None))
    if kind is not None:
        query = query.where(catalog_entry.c.kind == kind)
    rows = conn.execute(query.order_by(catalog_entry.c.kind, catalog_entry.c.code))
    return [_entry(r) for r in rows]


def entry_history(conn: Connection, kind: str, code: str) -> list[StoredEntry]:
    """Every version of one entry, the oldest first."""
    rows = conn.execute(
        select(catalog_entry)
        .where(catalog_entry.c.kind == kind, catalog_entry.c.code == code)
        .order_by(catalog_entry.c.version)
    )
    return [_entry(r) for r in rows]


def save_entry(
    conn: Connection,
    *,
    kind: str,
    code: str,
    document: dict[str, Any],
    source_file: str,
    loaded_by: str,
) -> str:
    """Store an entry: ``"same"`` when the current version has this document, ``"new"`` for
    a first version, ``"changed"`` when an earlier version was superseded."""
    where = (catalog_entry.c.kind == kind, catalog_entry.c.code == code)
    current = conn.execute(
        select(catalog_entry.c.id, catalog_entry.c.document).where(
            *where, catalog_entry.c.superseded_at.is_(None)
        )
    ).first()
    if current is not None and current.document == document:
        return "same"
    at = now()
    if current is not None:
        conn.execute(
            update(catalog_entry).where(catalog_entry.c.id == current.id).values(superseded_at=at)
        )
    last = conn.execute(select(func.max(catalog_entry.c.version)).where(*where)).scalar()
    conn.execute(
        insert(catalog_entry).values(
            kind=kind,
            code=code,
            version=(last or 0) + 1,
            document=document,
            source_file=source_file,
            loaded_at=at,
            loaded_by=loaded_by,
        )
    )
    return "new" if current is None else "changed"


def remove_entry(conn: Connection, kind: str, code: str) -> bool:
    """Close the current version of an entry (its history is kept); False if it has none."""
    done = conn.execute(
        update(catalog_entry)
        .where(
            catalog_entry.c.kind == kind,
            catalog_entry.c.code == code,
            catalog_entry.c.superseded_at.is_(None),
        )
        .values(superseded_at=now())
    )
    return bool(done.rowcount)


def series_count(
    conn: Connection, *, indicator: str | None = None, entity: str | None = None
) -> int:
    """How many stored series are of ``indicator`` (or of ``entity``)."""
    query = select(func.count()).select_from(series)
    if indicator is not None:
        query = query.where(series.c.indicator == indicator)
    if entity is not None:
        query = query.where(series.c.entity == entity)
    return int(conn.execute(query).scalar() or 0)
