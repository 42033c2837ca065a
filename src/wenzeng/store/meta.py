"""What the store says of itself: the version of its data, which changes whenever a load adds a
batch or a plan or form is loaded (the key of the results a context keeps)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from wenzeng.store.tables import batch, form_def, plan


def data_version(conn: Connection) -> tuple[Any, ...]:
    """(newest batch, newest plan load, newest form load): changes whenever any of them does."""
    row = conn.execute(
        select(
            select(func.max(batch.c.id)).scalar_subquery(),
            select(func.max(plan.c.loaded_at)).scalar_subquery(),
            select(func.max(form_def.c.loaded_at)).scalar_subquery(),
        )
    ).one()
    return tuple(row)
