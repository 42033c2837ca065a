"""Storing figures of a given source in tests: published ones, collected ones, simulated ones."""

from __future__ import annotations

from datetime import date

import polars as pl

from wenzeng.services.context import Context
from wenzeng.services.loading import store_frame
from wenzeng.store import batches as store

SCHEMA = {
    "indicator": pl.Utf8,
    "entity": pl.Utf8,
    "measure": pl.Utf8,
    "period_type": pl.Utf8,
    "period": pl.Utf8,
    "vintage": pl.Date,
    "value": pl.Float64,
    "qualifier": pl.Utf8,
    "published_value": pl.Utf8,
    "published_unit": pl.Utf8,
    "source_title": pl.Utf8,
    "source_url": pl.Utf8,
    "note": pl.Utf8,
}
# A batch kind for each kind of source, as the loads that write them use.
BATCH_KINDS = {"published": "builtin", "submission": "submission", "simulated": "demo"}
Figure = tuple[str, str, str, str, str, float]  # indicator, entity, measure, period type, period


def store_figures(
    ctx: Context, source_kind: str, vintage: date, rows: list[Figure], title: str = ""
) -> None:
    """Store figures (indicator, entity, measure, period type, period, value) of one source
    kind with one vintage, in one batch."""
    frame = pl.DataFrame(
        [
            (i, e, m, t, p, vintage, v, "", None, None, title or f"{source_kind} test", None, None)
            for i, e, m, t, p, v in rows
        ],
        schema=SCHEMA,
        orient="row",
    )
    with ctx.transaction() as conn:
        batch = store.create_batch(conn, BATCH_KINDS.get(source_kind, "import"), note="tests")
        store_frame(
            conn,
            frame,
            batch_id=batch,
            source_kind=source_kind,
            default_title=title,
            simulated=source_kind == "simulated",
        )
    ctx.invalidate()
