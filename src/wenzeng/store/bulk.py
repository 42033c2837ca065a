"""Fast, all-or-nothing writing of many observations.

The caller owns the transaction: everything here runs on the connection it
is given, so a failure anywhere rolls back every row of the load.

Rows are sorted by the observation index key before insertion; filling a
B-tree in key order is several times faster than in random order.  SQLite
takes the rows through the driver's ``executemany``; PostgreSQL through
``COPY … FROM STDIN`` in CSV.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import polars as pl
from sqlalchemy import Connection, insert, select, tuple_

from wenzeng.store.tables import series

OBS_COLUMNS = [
    "series_id", "period", "vintage", "value", "qualifier", "published_value",
    "published_unit", "source_id", "batch_id", "simulated", "note",
]
KEY_COLUMNS = ["indicator", "entity", "measure", "period_type"]
CHUNK = 50_000

Progress = Callable[[int], None]


def resolve_series(conn: Connection, keys: pl.DataFrame) -> pl.DataFrame:
    """Series ids for the distinct keys in ``keys``, creating the missing series."""
    keys = keys.select(KEY_COLUMNS).unique()
    wanted = [tuple(r) for r in keys.iter_rows()]
    found: dict[tuple[str, ...], int] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        stmt = select(series.c.id, *[series.c[c] for c in KEY_COLUMNS]).where(
            tuple_(*[series.c[c] for c in KEY_COLUMNS]).in_(chunk)
        )
        for row in conn.execute(stmt):
            found[tuple(row[1:])] = row[0]
    missing = [k for k in wanted if k not in found]
    if missing:
        conn.execute(insert(series), [dict(zip(KEY_COLUMNS, k, strict=True)) for k in missing])
        stmt = select(series.c.id, *[series.c[c] for c in KEY_COLUMNS]).where(
            tuple_(*[series.c[c] for c in KEY_COLUMNS]).in_(missing)
        )
        for row in conn.execute(stmt):
            found[tuple(row[1:])] = row[0]
    return pl.DataFrame(
        [(*k, v) for k, v in found.items()],
        schema=[*[(c, pl.Utf8) for c in KEY_COLUMNS], ("series_id", pl.Int64)],
        orient="row",
    )


def write_observations(
    conn: Connection, frame: pl.DataFrame, batch_id: int, progress: Progress | None = None
) -> int:
    """Insert observations; ``frame`` has the key columns and the observation columns."""
    if frame.height == 0:
        return 0
    ids = resolve_series(conn, frame)
    rows = (
        frame.join(ids, on=KEY_COLUMNS, how="left")
        .with_columns(
            pl.lit(batch_id).alias("batch_id"),
            pl.col("vintage").cast(pl.Utf8),
            pl.col("qualifier").fill_null(""),
            pl.col("simulated").fill_null(False),
        )
        .select(OBS_COLUMNS)
        .sort(["series_id", "period", "vintage"])
    )
    if conn.dialect.name == "postgresql":
        _copy_postgres(conn, rows, progress)
    else:
        _executemany(conn, rows, progress)
    return rows.height


def _executemany(conn: Connection, rows: pl.DataFrame, progress: Progress | None) -> None:
    sql = (
        f"INSERT INTO observation ({', '.join(OBS_COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(OBS_COLUMNS))})"
    )
    cursor = conn.connection.cursor()
    try:
        for chunk in rows.iter_slices(CHUNK):
            cursor.executemany(sql, chunk.rows())
            if progress:
                progress(chunk.height)
    finally:
        cursor.close()


def _copy_postgres(conn: Connection, rows: pl.DataFrame, progress: Progress | None) -> None:
    sql = (
        f"COPY observation ({', '.join(OBS_COLUMNS)}) FROM STDIN "
        "(FORMAT csv, FORCE_NOT_NULL (qualifier))"
    )
    raw = conn.connection.driver_connection
    with raw.cursor() as cur, cur.copy(sql) as copy:  # type: ignore[union-attr]
        for chunk in rows.iter_slices(CHUNK):
            buf = io.BytesIO()
            chunk.write_csv(buf, include_header=False)
            copy.write(buf.getvalue())
            if progress:
                progress(chunk.height)
