"""What the store says of itself: the version of its data, the key of the results every
process keeps (see ``Context.memo``).

The version is a few counters in the table ``data_version``, each raised just before the
commit of every transaction that wrote to one of its tables.  Counters written in the
transaction, not ``max(batch.id)``: on PostgreSQL two loads may commit in the other order
than they took their ids, and a reader that saw the later id before the earlier load
committed would keep a result without that load under a key that never changes again.  The
row lock of the update orders the commits, so a reader that sees version v has every change
up to v.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.sql.dml import UpdateBase

from wenzeng.store.tables import data_version_table

# The counters, in the order of the version tuple, and the tables each of them watches.
COUNTERS = ("data", "entities", "definitions")
WATCHED = {
    **dict.fromkeys(
        (
            "batch",
            "observation",
            "series",
            "source",
            "analysis_run",
            "assessment",
            "warning",
            "report",
        ),
        "data",
    ),
    "entity": "entities",
    "supply_link": "entities",
    "plan": "definitions",
    "form_def": "definitions",
    "catalog_entry": "definitions",
}
CHANGED = "wenzeng_data_changed"


def note_write(conn: Connection, statement: Any) -> None:
    """Remember on the connection which counters this transaction must raise (called for
    every statement by the engine's ``before_execute`` hook, see ``store.db``)."""
    if isinstance(statement, UpdateBase):
        name = WATCHED.get(getattr(getattr(statement, "table", None), "name", ""))
        if name is not None:
            conn.info.setdefault(CHANGED, set()).add(name)


def bump_if_changed(conn: Connection) -> None:
    """Raise the counters of what the transaction on ``conn`` changed; called last, just
    before the commit, so that their row locks are held for the commit only."""
    for name in sorted(conn.info.pop(CHANGED, ())):  # one order: no deadlock between two
        done = conn.execute(
            update(data_version_table)
            .where(data_version_table.c.name == name)
            .values(version=data_version_table.c.version + 1)
        )
        if done.rowcount == 0:  # a store made without the migration's rows
            conn.execute(insert(data_version_table).values(name=name, version=1))


def data_version(conn: Connection) -> tuple[int, ...]:
    """The counters, in the order of ``COUNTERS``: one small query."""
    found: dict[str, int] = {
        r.name: r.version
        for r in conn.execute(select(data_version_table.c.name, data_version_table.c.version))
    }
    return tuple(int(found.get(n, 0)) for n in COUNTERS)
