"""What the store holds: its schema revision, plans, counts of observations, loads and series.

Read-only summaries for ``wenzeng status`` and ``wenzeng data series``.
"""

from __future__ import annotations

from typing import Any

from wenzeng.services.context import Context
from wenzeng.store.batches import batches
from wenzeng.store.db import schema_status
from wenzeng.store.definitions import plan_documents
from wenzeng.store.observations import count_observations, list_series


def store_status(ctx: Context) -> dict[str, Any]:
    """The store's address (without password) and schema revision against the code's; once
    the schema exists, also the loaded plans, the numbers of observations (all and simulated)
    and the load batches."""
    current, head = schema_status(ctx.engine)
    info: dict[str, Any] = {
        "database": ctx.engine.url.render_as_string(hide_password=True),
        "schema": current,
        "schema_head": head,
    }
    if current is not None:
        with ctx.reading() as conn:
            info["plans"] = [p["code"] for p in plan_documents(conn)]
            info["observations"] = count_observations(conn)
            info["simulated"] = count_observations(conn, simulated=True)
            info["batches"] = batches(conn)
    return info


def series_list(ctx: Context, indicator: str | None = None) -> list[dict[str, Any]]:
    """The stored series (of one indicator, or all) with their number of observations and
    first and last periods."""
    with ctx.reading() as conn:
        return list_series(conn, indicator)
