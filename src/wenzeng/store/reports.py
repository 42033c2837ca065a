"""Generated reports and their files (HTML, PDF, DOCX), kept as generated."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from wenzeng.store.ids import storable_id
from wenzeng.store.tables import report, report_file


def insert_report(
    conn: Connection,
    *,
    kind: str,
    period: str,
    lang: str,
    as_of: date,
    title: str,
    simulated: bool,
    created_by: str,
    created_at: datetime,
    files: dict[str, bytes],
) -> int:
    """Store a report with its files (format → content); returns its id."""
    rid = int(
        conn.execute(
            insert(report)
            .values(
                kind=kind,
                period=period,
                lang=lang,
                as_of=as_of,
                title=title,
                simulated=simulated,
                created_by=created_by,
                created_at=created_at,
            )
            .returning(report.c.id)
        ).scalar_one()
    )
    conn.execute(
        insert(report_file),
        [
            {
                "report_id": rid,
                "format": fmt,
                "sha256": hashlib.sha256(data).hexdigest(),
                "size": len(data),
                "content": data,
            }
            for fmt, data in files.items()
        ],
    )
    return rid


def report_rows(conn: Connection) -> list[dict[str, Any]]:
    """Every report, newest first."""
    return [dict(r._mapping) for r in conn.execute(select(report).order_by(report.c.id.desc()))]


def report_row(conn: Connection, rid: int) -> dict[str, Any] | None:
    if not storable_id(rid):
        return None
    row = conn.execute(select(report).where(report.c.id == rid)).first()
    return dict(row._mapping) if row is not None else None


def file_sizes(conn: Connection, rid: int | None = None) -> dict[int, dict[str, int]]:
    """Report id → format → size of the stored files (of one report, or of all)."""
    stmt = select(report_file.c.report_id, report_file.c.format, report_file.c.size)
    if rid is not None:
        stmt = stmt.where(report_file.c.report_id == rid)
    out: dict[int, dict[str, int]] = {}
    for f in conn.execute(stmt):
        out.setdefault(f.report_id, {})[f.format] = f.size
    return out


def file_content(conn: Connection, rid: int, fmt: str) -> bytes | None:
    content = conn.execute(
        select(report_file.c.content).where(
            report_file.c.report_id == rid, report_file.c.format == fmt
        )
    ).scalar()
    return bytes(content) if content is not None else None


def set_published(
    conn: Connection, rid: int, *, published_at: datetime | None, published_by: str | None
) -> None:
    conn.execute(
        update(report)
        .where(report.c.id == rid)
        .values(published_at=published_at, published_by=published_by)
    )


def delete_report(conn: Connection, rid: int) -> None:
    """Remove a report and its files."""
    conn.execute(delete(report_file).where(report_file.c.report_id == rid))
    conn.execute(delete(report).where(report.c.id == rid))
