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
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import polars as pl
from sqlalchemy import Connection, bindparam, func, insert, select
from sqlalchemy.schema import AddConstraint, CreateIndex, DropConstraint, DropIndex

from wenzeng.store.tables import observation, series

OBS_COLUMNS = [
    "series_id",
    "period",
    "vintage",
    "value",
    "qualifier",
    "published_value",
    "published_unit",
    "source_id",
    "batch_id",
    "simulated",
    "note",
    "submission_id",
    "publisher",
    "release",
]
KEY_COLUMNS = ["indicator", "entity", "measure", "period_type"]
CHUNK = 50_000
KEY_INDEX = "ix_observation_key"
REBUILD_INDEX_ABOVE = 200_000

Progress = Callable[[int], None]


def resolve_series(conn: Connection, keys: pl.DataFrame) -> pl.DataFrame:
    """Series ids for the distinct keys in ``keys``, creating the missing series."""
    keys = keys.select(KEY_COLUMNS).unique()
    found = _series_ids(conn, [tuple(r) for r in keys.iter_rows()])
    return pl.DataFrame(
        [(*k, v) for k, v in found.items()],
        schema=[*[(c, pl.Utf8) for c in KEY_COLUMNS], ("series_id", pl.Int64)],
        orient="row",
    )


def _series_ids(conn: Connection, keys: list[tuple[str, ...]]) -> dict[tuple[str, ...], int]:
    """The id of each series key (distinct keys), creating the series that do not exist yet:
    their ids come back from the insert, not from a second read."""
    found: dict[tuple[str, ...], int] = {}
    _find_series(conn, keys, found)
    missing = [k for k in keys if k not in found]
    if missing and conn.dialect.name == "sqlite":
        # the driver's executemany takes 200,000 series in a fraction of a second, five times
        # faster than an INSERT … RETURNING in batches; the ids are then read back by key
        missing.sort()  # a B-tree fills fastest in key order
        top = conn.execute(select(func.coalesce(func.max(series.c.id), 0))).scalar_one()
        cursor = conn.connection.cursor()
        try:
            cursor.executemany(_INSERT_SERIES_SQLITE, missing)
        finally:
            cursor.close()
        after = conn.execute(select(func.max(series.c.id))).scalar_one()
        if after == top + len(missing):
            # SQLite gives each new row the largest id so far plus one (no AUTOINCREMENT, and
            # this transaction holds the write lock): the ids are top+1 … top+n, in order
            found.update(zip(missing, range(top + 1, after + 1), strict=True))
        else:  # ids were not handed out one after another: read them back by key
            _find_series(conn, missing, found)
    elif missing:
        made = conn.execute(
            _INSERT_SERIES_RETURNING, [dict(zip(KEY_COLUMNS, k, strict=True)) for k in missing]
        )
        for row in made:
            found[tuple(row[1:])] = row[0]
    return found


_INSERT_SERIES_SQLITE = (
    f"INSERT INTO series ({', '.join(KEY_COLUMNS)}) VALUES ({', '.join('?' * len(KEY_COLUMNS))})"
)


def _find_series(
    conn: Connection, keys: list[tuple[str, ...]], found: dict[tuple[str, ...], int]
) -> None:
    """Look ``keys`` up through the series' entity index, 500 entities at a time: the series
    of those entities and indicators, of which the wanted ones are kept.

    Not a row-value ``IN``: SQLite answers it with a scan of the whole table, which grows
    with every enterprise.  One statement shape (expanding parameters), compiled once."""
    wanted = set(keys)
    by_entity: dict[str, set[str]] = {}
    for k in keys:
        by_entity.setdefault(k[1], set()).add(k[0])
    entities = sorted(by_entity)
    for start in range(0, len(entities), 500):
        chunk = entities[start : start + 500]
        indicators = sorted(set().union(*(by_entity[e] for e in chunk)))
        for row in conn.execute(_SERIES_BY_ENTITY, {"entities": chunk, "indicators": indicators}):
            key = tuple(row[1:])
            if key in wanted:
                found[key] = row[0]


_SERIES_BY_ENTITY = select(series.c.id, *[series.c[c] for c in KEY_COLUMNS]).where(
    series.c.entity.in_(bindparam("entities", expanding=True)),
    series.c.indicator.in_(bindparam("indicators", expanding=True)),
)


def write_observations(
    conn: Connection, frame: pl.DataFrame, batch_id: int, progress: Progress | None = None
) -> int:
    """Insert observations; ``frame`` has the key columns and the observation columns."""
    if frame.height == 0:
        return 0
    ids = resolve_series(conn, frame)
    if "submission_id" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Int64).alias("submission_id"))
    for absent in ("publisher", "release"):  # optional: who published the figure, and where
        if absent not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias(absent))
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
    with _set_aside_for(conn, rows.height):
        if conn.dialect.name == "postgresql":
            _copy_postgres(conn, rows, progress)
        else:
            _executemany(conn, rows, progress)
    return rows.height


def write_observation_rows(
    conn: Connection, rows: Sequence[Mapping[str, Any]], batch_id: int
) -> int:
    """Insert a few observations (one report's figures, say) without building frames.

    Each row has the key columns and the observation columns except ``series_id``,
    ``batch_id`` (given) and ``simulated`` (False unless given).  The same rows stored as
    :func:`write_observations` stores them, for a fraction of its fixed cost: for a dozen
    rows, building polars frames and joins costs more than the statements."""
    if not rows:
        return 0
    keys = [tuple(r[c] for c in KEY_COLUMNS) for r in rows]
    found = _series_ids(conn, list(dict.fromkeys(keys)))
    params = [
        {
            **{c: r.get(c) for c in OBS_COLUMNS},
            "series_id": found[k],
            "batch_id": batch_id,
            "qualifier": r.get("qualifier") or "",
            "simulated": bool(r.get("simulated", False)),
        }
        for r, k in zip(rows, keys, strict=True)
    ]
    params.sort(key=lambda r: (r["series_id"], r["period"], str(r["vintage"])))
    conn.execute(_INSERT_OBSERVATION, params)
    return len(params)


_INSERT_OBSERVATION = insert(observation)
_INSERT_SERIES_RETURNING = insert(series).returning(
    series.c.id, *[series.c[c] for c in KEY_COLUMNS]
)


@contextmanager
def _set_aside_for(conn: Connection, n: int) -> Iterator[None]:
    """For a load that outweighs the table, build the key index (and, on PostgreSQL,
    check the foreign keys) once after the rows are in instead of row by row.

    Filling an index in key order or checking a reference per row costs several
    times more than building the index or checking every reference in one
    statement.  It all happens inside the caller's transaction, so a failed
    load restores the index and constraints with everything else.
    """
    existing = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM observation").scalar_one()
    if n < REBUILD_INDEX_ABOVE or n <= existing:
        yield
        return
    key_index = next(ix for ix in observation.indexes if ix.name == KEY_INDEX)
    fks = list(observation.foreign_key_constraints) if conn.dialect.name == "postgresql" else []
    for fk in fks:
        conn.execute(DropConstraint(fk))
    conn.execute(DropIndex(key_index))
    yield
    conn.execute(CreateIndex(key_index))
    for fk in fks:
        conn.execute(AddConstraint(fk))  # checks every row's reference in one pass


def _literal(value: object) -> str | None:
    """``value`` as an SQL literal when that is safe to inline, else None."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and "\x00" not in value and len(value) <= 200:
        return "'" + value.replace("'", "''") + "'"  # a standard SQL string literal
    return None


def _executemany(conn: Connection, rows: pl.DataFrame, progress: Progress | None) -> None:
    # A column holding one value for every row (the batch, often the source, the
    # qualifier, the vintage) is written once into the statement instead of being
    # bound a million times; binding is most of the cost of executemany.
    constants: dict[str, str] = {}
    for col in OBS_COLUMNS:
        values = rows[col].unique()
        if values.len() == 1 and (lit := _literal(values[0])) is not None:
            constants[col] = lit
    bound = [c for c in OBS_COLUMNS if c not in constants]
    sql = (
        f"INSERT INTO observation ({', '.join([*bound, *constants])}) "
        f"VALUES ({', '.join(['?'] * len(bound) + list(constants.values()))})"
    )
    cursor = conn.connection.cursor()
    try:
        for chunk in rows.select(bound).iter_slices(CHUNK):
            # zip over native lists builds the parameter tuples faster than DataFrame.rows()
            cursor.executemany(sql, zip(*(s.to_list() for s in chunk.iter_columns()), strict=True))  # type: ignore[arg-type]
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
