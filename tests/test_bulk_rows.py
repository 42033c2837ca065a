"""The plain path for a few observations (an accepted report's figures) stores exactly what
the frame path of a file load stores, on both backends."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import func, select

from wenzeng.ingest.pipeline import OUTPUT_SCHEMA
from wenzeng.ingest.readers import ROW
from wenzeng.services.context import Context
from wenzeng.store.batches import create_batch, source_ids
from wenzeng.store.bulk import OBS_COLUMNS, write_observation_rows, write_observations
from wenzeng.store.tables import batch, observation, series, source


def _rows(entity: str, source_id: int) -> list[dict[str, Any]]:
    out = []
    for i, (indicator, measure) in enumerate(
        [("va_elec", "yoy_pct"), ("va_elec", "level"), ("elec_output", "level")]
    ):
        out.append(
            {
                "indicator": indicator,
                "entity": entity,
                "measure": measure,
                "period_type": "month",
                "period": f"2025-{10 - i:02d}",
                "vintage": date(2025, 11, 3),
                "value": 1.5 + i,
                "qualifier": "",
                "published_value": f"{1.5 + i:g}",
                "published_unit": None if i == 2 else "万元",
                "source_title": "报表 #1",
                "source_url": None,
                "note": "it's explained" if i == 0 else None,
                "submission_id": None,
                "source_id": source_id,
            }
        )
    return out


def _stored(ctx: Context, batch_id: int) -> list[tuple[Any, ...]]:
    cols = [series.c.indicator, series.c.entity, series.c.measure, series.c.period_type]
    keep = [observation.c[c] for c in OBS_COLUMNS if c not in ("series_id", "batch_id")]
    with ctx.reading() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                select(*cols, *keep)
                .join(series, series.c.id == observation.c.series_id)
                .where(observation.c.batch_id == batch_id)
                .order_by(observation.c.id)
            )
        ]


def test_plain_rows_are_stored_as_the_frame_path_stores_them(ctx: Context) -> None:
    schema = {**{k: v for k, v in OUTPUT_SCHEMA.items() if k != ROW}, "submission_id": pl.Int64}
    with ctx.transaction() as conn:
        (sid,) = source_ids(conn, "submission", {("报表 #1", None)}).values()
        # the same source again: found, not stored twice
        assert source_ids(conn, "submission", {("报表 #1", None)}) == {("报表 #1", None): sid}
        frame_batch = create_batch(conn, "submission")
        frame = pl.DataFrame(
            _rows("E-FRAME", sid), schema={**schema, "source_id": pl.Int64}
        ).with_columns(pl.lit(False).alias("simulated"))
        assert write_observations(conn, frame, frame_batch) == 3
        plain_batch = create_batch(conn, "submission", rows=3)
        assert write_observation_rows(conn, _rows("E-PLAIN", sid), plain_batch) == 3
        # existing series are found, not created again
        again = create_batch(conn, "submission")
        assert write_observation_rows(conn, _rows("E-PLAIN", sid), again) == 3
        assert write_observation_rows(conn, [], again) == 0
    by_frame = _stored(ctx, frame_batch)
    by_plain = _stored(ctx, plain_batch)
    assert len(by_frame) == 3
    assert {r[1] for r in by_plain} == {"E-PLAIN"}
    assert sorted((r[0], *r[2:]) for r in by_plain) == sorted((r[0], *r[2:]) for r in by_frame)
    assert _stored(ctx, again) == by_plain
    with ctx.reading() as conn:
        n_series = conn.execute(
            select(func.count()).select_from(series).where(series.c.entity == "E-PLAIN")
        ).scalar_one()
        n_sources = conn.execute(
            select(func.count()).select_from(source).where(source.c.title == "报表 #1")
        ).scalar_one()
        rows = conn.execute(select(batch.c.rows).where(batch.c.id == plain_batch)).scalar_one()
    assert (n_series, n_sources, rows) == (3, 1, 3)
