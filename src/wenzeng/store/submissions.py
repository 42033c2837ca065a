"""Submissions: one reporter's form for one period, with its values, status and version."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, insert, select, true, update
from sqlalchemy.exc import IntegrityError

from wenzeng.domain.submissions import Status
from wenzeng.store.clock import now
from wenzeng.store.errors import DuplicateKey
from wenzeng.store.ids import storable_id
from wenzeng.store.tables import submission


def submission_row(conn: Connection, sid: int) -> dict[str, Any] | None:
    if not storable_id(sid):
        return None
    row = conn.execute(select(submission).where(submission.c.id == sid)).first()
    return dict(row._mapping) if row is not None else None


def current_submission(
    conn: Connection, form: str, reporter: str, period: str
) -> dict[str, Any] | None:
    """The submission of (form, reporter, period), if there is one."""
    row = conn.execute(
        select(submission).where(
            submission.c.form == form,
            submission.c.reporter == reporter,
            submission.c.period == period,
        )
    ).first()
    return dict(row._mapping) if row is not None else None


def submission_rows(
    conn: Connection,
    *,
    form: str | None = None,
    period: str | None = None,
    status: str | None = None,
    reporter: str | None = None,
    reporters: Sequence[str] | None = None,
    limit: int = 1000,
) -> list[dict[str, Any]]:
    """Submissions matching the filters, newest first; ``reporters`` limits them to those
    reporters (None: any reporter)."""
    conds: list[ColumnElement[bool]] = []
    if form:
        conds.append(submission.c.form == form)
    if period:
        conds.append(submission.c.period == period)
    if status:
        conds.append(submission.c.status == status)
    if reporter:
        conds.append(submission.c.reporter == reporter)
    if reporters is not None:
        conds.append(submission.c.reporter.in_(list(reporters)))
    stmt = (
        select(submission).where(and_(true(), *conds)).order_by(submission.c.id.desc()).limit(limit)
    )
    return [dict(r._mapping) for r in conn.execute(stmt)]


def insert_submission(conn: Connection, values: dict[str, Any]) -> int:
    """Store a new submission; :class:`DuplicateKey` when (form, reporter, period) was
    stored meanwhile (the caller's transaction stays usable)."""
    try:
        with conn.begin_nested():
            return int(
                conn.execute(
                    insert(submission).values(**values).returning(submission.c.id)
                ).scalar_one()
            )
    except IntegrityError as exc:
        raise DuplicateKey(
            f"报送已存在 / the submission exists: {values.get('form')} "
            f"{values.get('reporter')} {values.get('period')}"
        ) from exc


def update_submission(conn: Connection, sid: int, version: int, values: dict[str, Any]) -> bool:
    """Write a change made on ``version`` and advance the version; False when the stored
    version is no longer ``version`` (someone changed the submission in between)."""
    result = conn.execute(
        update(submission)
        .where(submission.c.id == sid, submission.c.version == version)
        .values(version=version + 1, updated_at=now(), **values)
    )
    return result.rowcount == 1


def accepted_values(
    conn: Connection, form: str, period: str, reporters: Sequence[str]
) -> list[dict[str, Any]]:
    """The values of the reporters' accepted submissions of a form for a period."""
    rows = conn.execute(
        select(submission.c["values"]).where(
            submission.c.form == form,
            submission.c.period == period,
            submission.c.reporter.in_(list(reporters)),
            submission.c.status == Status.ACCEPTED.value,
        )
    )
    return [r[0] for r in rows]


def submission_statuses(conn: Connection, form: str, period: str) -> list[dict[str, Any]]:
    """(reporter, status, id) of every submission of a form for a period."""
    rows = conn.execute(
        select(submission.c.reporter, submission.c.status, submission.c.id).where(
            submission.c.form == form, submission.c.period == period
        )
    )
    return [dict(r._mapping) for r in rows]
