"""Where observations came from: their sources (a publication, a file, a form) and the loads
(batches) that wrote them.  Functions take a connection; none of them commits."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from wenzeng.store.tables import batch, source


def source_ids(
    conn: Connection, kind: str, pairs: Iterable[tuple[str, str | None]]
) -> dict[tuple[str, str | None], int]:
    """Ids of sources (title, url) of one kind, creating those not yet stored.

    Reads only the wanted titles (through the (kind, title, url) key), never every source
    of the kind: one source per accepted submission would make that a growing scan."""
    wanted = set(pairs)
    found: dict[tuple[str, str | None], int] = {}
    titles = sorted({t for t, _ in wanted})
    for start in range(0, len(titles), 500):
        for row in conn.execute(
            _SOURCES_BY_TITLE, {"kind": kind, "titles": titles[start : start + 500]}
        ):
            found[(row.title, row.url)] = row.id
    missing = [p for p in wanted if p not in found]
    if missing:  # their ids come back from the insert, not from a second read
        made = conn.execute(
            _INSERT_SOURCE_RETURNING, [{"kind": kind, "title": t, "url": u} for t, u in missing]
        )
        for row in made:
            found[(row.title, row.url)] = row.id
    return {p: found[p] for p in wanted}


_SOURCES_BY_TITLE = select(source.c.id, source.c.title, source.c.url).where(
    source.c.kind == bindparam("kind"),
    source.c.title.in_(bindparam("titles", expanding=True)),
)  # built once: building the statement cost as much as running it


_INSERT_SOURCE_RETURNING = insert(source).returning(source.c.id, source.c.title, source.c.url)


def create_batch(
    conn: Connection,
    kind: str,
    *,
    file: str | None = None,
    sha256: str | None = None,
    created_by: str | None = None,
    note: str | None = None,
    rows: int = 0,
) -> int:
    """A new load; ``rows``: its row count when known now (else :func:`finish_batch`)."""
    result = conn.execute(
        insert(batch)
        .values(
            kind=kind,
            file=file,
            sha256=sha256,
            rows=rows,
            created_at=datetime.now(UTC),
            created_by=created_by,
            note=note,
        )
        .returning(batch.c.id)
    )
    return int(result.scalar_one())


def finish_batch(conn: Connection, batch_id: int, rows: int) -> None:
    conn.execute(update(batch).where(batch.c.id == batch_id).values(rows=rows))


def find_batch(conn: Connection, kind: str, sha256: str) -> dict[str, Any] | None:
    row = conn.execute(
        select(batch).where(batch.c.kind == kind, batch.c.sha256 == sha256).order_by(batch.c.id)
    ).first()
    return dict(row._mapping) if row else None


def batches(conn: Connection) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(select(batch).order_by(batch.c.id))]
