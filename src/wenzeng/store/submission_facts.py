"""What reports and the simulated demo read of the submissions, and the demo's backdating.

Functions take a connection; none of them commits.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from wenzeng.store.tables import submission


def filed_reports(conn: Connection, form: str, period: str) -> list[dict[str, Any]]:
    """(reporter, status, submitted_at, values, created_by) of every submission of a form for a period."""
    rows = conn.execute(
        select(
            submission.c.reporter,
            submission.c.status,
            submission.c.submitted_at,
            submission.c["values"],
            submission.c.created_by,
        ).where(submission.c.form == form, submission.c.period == period)
    ).all()
    return [dict(r._mapping) for r in rows]


def reporters_with_submission(conn: Connection, form: str, period: str) -> set[str]:
    """The reporters that have a submission (of any status) of a form for a period."""
    return set(
        conn.execute(
            select(submission.c.reporter).where(
                submission.c.form == form, submission.c.period == period
            )
        ).scalars()
    )


def backdate_submission(
    conn: Connection, sid: int, *, created: datetime, sent: datetime, reviewed: datetime
) -> None:
    """Move a submission's dates back: written ``created``, changed and sent ``sent`` (when
    it was sent), reviewed ``reviewed`` (when it was reviewed)."""
    row = conn.execute(
        select(submission.c.submitted_at, submission.c.reviewed_at).where(submission.c.id == sid)
    ).one()
    conn.execute(
        update(submission)
        .where(submission.c.id == sid)
        .values(
            created_at=created,
            updated_at=sent,
            submitted_at=sent if row.submitted_at else None,
            reviewed_at=reviewed if row.reviewed_at else None,
        )
    )
