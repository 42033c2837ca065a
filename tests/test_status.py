"""What the store holds, as ``wenzeng status`` and ``wenzeng data series`` show it."""

from __future__ import annotations

from wenzeng.definitions.catalogue import builtin_plan_files
from wenzeng.services.context import Context
from wenzeng.services.setup import initialise
from wenzeng.services.status import series_list, store_status


def test_an_empty_store_has_no_schema_and_nothing_else(empty_ctx: Context) -> None:
    info = store_status(empty_ctx)
    assert info["schema"] is None and info["schema_head"]
    assert set(info) == {"database", "schema", "schema_head"}


def test_an_initialised_store_counts_its_plans_observations_and_loads(empty_ctx: Context) -> None:
    initialise(empty_ctx)
    info = store_status(empty_ctx)
    assert info["schema"] == info["schema_head"]
    assert info["plans"] == [p.stem for p in builtin_plan_files()]
    assert info["observations"] > 1000 and info["simulated"] == 0
    assert len(info["batches"]) >= 1
    assert sum(s["observations"] for s in series_list(empty_ctx)) == info["observations"]


def test_series_of_one_indicator(ctx: Context) -> None:
    rows = series_list(ctx, "va_elec")
    assert rows and {r["indicator"] for r in rows} == {"va_elec"}
    assert {"entity", "measure", "period_type", "observations", "first", "last"} <= set(rows[0])
    assert series_list(ctx, "no_such_indicator") == []
