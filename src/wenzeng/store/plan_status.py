"""A plan's life in the store: archived (kept, read-only) or removed with what only it owns."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, delete, func, select, update

from wenzeng.store.clock import now
from wenzeng.store.tables import assessment, form_def, observation, plan, submission

ACTIVE = "active"
ARCHIVED = "archived"


def set_plan_status(conn: Connection, code: str, status: str) -> bool:
    """Mark a plan active or archived; False when there is no such plan."""
    done = conn.execute(
        update(plan)
        .where(plan.c.code == code)
        .values(status=status, archived_at=now() if status == ARCHIVED else None)
    )
    return bool(done.rowcount)


def assessment_count(conn: Connection, code: str) -> int:
    query = select(func.count()).select_from(assessment).where(assessment.c.plan == code)
    return int(conn.execute(query).scalar() or 0)


def submission_count(conn: Connection, forms: Sequence[str]) -> int:
    if not forms:
        return 0
    query = select(func.count()).select_from(submission).where(submission.c.form.in_(forms))
    return int(conn.execute(query).scalar() or 0)


def delete_plan(conn: Connection, code: str, forms: Sequence[str]) -> bool:
    """Delete a plan, its stored assessments, the ``forms`` only it has and their
    submissions; the figures accepted submissions became stay, no longer linked to them.
    False when there is no such plan."""
    conn.execute(delete(assessment).where(assessment.c.plan == code))
    if forms:
        ids = select(submission.c.id).where(submission.c.form.in_(forms))
        conn.execute(
            update(observation)
            .where(observation.c.submission_id.in_(ids))
            .values(submission_id=None)
        )
        conn.execute(delete(submission).where(submission.c.form.in_(forms)))
        conn.execute(delete(form_def).where(form_def.c.code.in_(forms)))
    return bool(conn.execute(delete(plan).where(plan.c.code == code)).rowcount)
