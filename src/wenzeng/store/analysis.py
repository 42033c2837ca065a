"""The analysis runs and what they keep: target assessments and early warnings.

Functions take a connection; none of them commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, insert, select, true, update

from wenzeng.store.ids import storable_id
from wenzeng.store.tables import analysis_run, assessment, warning


# -- runs ---------------------------------------------------------------------------------------
def add_run(conn: Connection, as_of: date) -> int:
    """A new analysis run of the data as known on ``as_of``; its summary is filled in later."""
    stamp = datetime.now(UTC)
    result = conn.execute(
        insert(analysis_run)
        .values(as_of=as_of, started_at=stamp, finished_at=stamp, summary={})
        .returning(analysis_run.c.id)
    )
    return int(result.scalar_one())


def set_run_summary(conn: Connection, run_id: int, summary: dict[str, Any]) -> None:
    conn.execute(update(analysis_run).where(analysis_run.c.id == run_id).values(summary=summary))


def latest_run(conn: Connection) -> dict[str, Any] | None:
    """The most recent run (by the date analysed, then the newest)."""
    row = conn.execute(
        select(analysis_run).order_by(analysis_run.c.as_of.desc(), analysis_run.c.id.desc())
    ).first()
    return dict(row._mapping) if row else None


# -- assessments --------------------------------------------------------------------------------
def replace_assessments(
    conn: Connection, plan: str, as_of: date, rows: Sequence[dict[str, Any]]
) -> None:
    """The assessments of ``plan`` as of ``as_of``: earlier ones of the same date replaced."""
    conn.execute(delete(assessment).where(assessment.c.plan == plan, assessment.c.as_of == as_of))
    if rows:
        conn.execute(insert(assessment), [{**r, "plan": plan, "as_of": as_of} for r in rows])


def assessment_payloads(conn: Connection, plan: str) -> list[tuple[str, dict[str, Any]]]:
    """(target, payload) of every stored assessment of ``plan``, the most recent first."""
    rows = conn.execute(
        select(assessment.c.target, assessment.c.payload)
        .where(assessment.c.plan == plan)
        .order_by(assessment.c.as_of.desc(), assessment.c.id.desc())
    ).all()
    return [(r.target, dict(r.payload)) for r in rows]


# -- warnings -----------------------------------------------------------------------------------
def find_open_warning(conn: Connection, key: str, statuses: Sequence[str]) -> dict[str, Any] | None:
    """The warning of ``key`` whose status is one of ``statuses`` (an open one)."""
    row = conn.execute(
        select(warning.c.id, warning.c.times_seen, warning.c.period).where(
            warning.c.key == key, warning.c.status.in_(list(statuses))
        )
    ).first()
    return dict(row._mapping) if row else None


def add_warning(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(insert(warning).values(**values))


def update_warning(conn: Connection, wid: int, values: dict[str, Any]) -> None:
    conn.execute(update(warning).where(warning.c.id == wid).values(**values))


def get_warning(conn: Connection, wid: int) -> dict[str, Any] | None:
    if not storable_id(wid):
        return None
    row = conn.execute(select(warning).where(warning.c.id == wid)).first()
    return dict(row._mapping) if row else None


def list_warnings(conn: Connection, equal: dict[str, str | None]) -> list[dict[str, Any]]:
    """Warnings whose columns equal the given values (those given), the latest seen first."""
    conds = [warning.c[col] == value for col, value in equal.items() if value]
    stmt = (
        select(warning)
        .where(and_(true(), *conds))
        .order_by(warning.c.last_seen.desc(), warning.c.id.desc())
    )
    return [dict(r._mapping) for r in conn.execute(stmt)]
