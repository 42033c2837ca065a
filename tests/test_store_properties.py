"""Properties of the store: what goes in comes out, and as-of never sees the future."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from pathlib import Path

import polars as pl
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wenzeng.config import load_settings
from wenzeng.services.context import Context
from wenzeng.services.loading import store_frame
from wenzeng.store import batches as batch_store
from wenzeng.store import observations as observation_store
from wenzeng.store.db import upgrade
from wenzeng.store.tables import metadata

DAY0 = date(2024, 1, 1)
revision = st.tuples(
    st.sampled_from(["2024-01", "2024-02", "2024-03"]),
    st.integers(min_value=0, max_value=400),  # vintage, days after DAY0
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda x: round(x, 3)),
)


def _frame(rows: list[tuple[str, int, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "indicator": ["revenue_elec"] * len(rows),
            "entity": ["CN"] * len(rows),
            "measure": ["level"] * len(rows),
            "period_type": ["month"] * len(rows),
            "period": [p for p, _, _ in rows],
            "vintage": [DAY0 + timedelta(days=d) for _, d, _ in rows],
            "value": [v for _, _, v in rows],
            "qualifier": [""] * len(rows),
            "published_value": [str(v) for _, _, v in rows],
            "published_unit": ["亿元"] * len(rows),
            "source_title": ["property test"] * len(rows),
            "source_url": [None] * len(rows),
            "note": [None] * len(rows),
        },
        schema_overrides={"source_url": pl.Utf8, "note": pl.Utf8},
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(revision, min_size=1, max_size=25), ask=st.integers(-5, 420))
def test_as_of_returns_the_latest_vintage_not_after_the_date(
    tmp_path: Path, rows: list[tuple[str, int, float]], ask: int
) -> None:
    db = tmp_path / f"{uuid.uuid4().hex}.db"  # one database per example
    ctx = Context.open(load_settings(database_url=f"sqlite:///{db}"))
    try:
        upgrade(ctx.engine)
        with ctx.transaction() as conn:
            batch = batch_store.create_batch(conn, "import")
            store_frame(conn, _frame(rows), batch_id=batch, source_kind="import", default_title="t")
        as_of = DAY0 + timedelta(days=ask)
        with ctx.reading() as conn:
            got = observation_store.query_observations(
                conn, units=ctx.units, indicator="revenue_elec", as_of=as_of
            )
            history = observation_store.query_observations(
                conn, units=ctx.units, indicator="revenue_elec", all_vintages=True
            )
        # everything stored comes back, in vintage order per period
        assert sorted((r.period, r.vintage, r.value) for r in history) == sorted(
            (p, DAY0 + timedelta(days=d), v) for p, d, v in rows
        )
        expected: dict[str, tuple[date, float]] = {}
        for p, d, v in rows:  # first stored wins among equal vintages
            when = DAY0 + timedelta(days=d)
            if when <= as_of and (p not in expected or when > expected[p][0]):
                expected[p] = (when, v)
        assert {r.period: (r.vintage, r.value) for r in got} == expected
        assert all(r.vintage <= as_of for r in got)
    finally:
        ctx.close()


def test_migrations_match_the_table_definitions(tmp_path: Path) -> None:
    ctx = Context.open(load_settings(database_url=f"sqlite:///{tmp_path / 'm.db'}"))
    upgrade(ctx.engine)
    with ctx.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    ctx.close()
    assert diff == []
