"""The job records: long work done outside the request (see ``services.jobs``).

Every change to a running job names the attempt that claimed it (``attempts``): a worker that
lost its job to a retry (its heartbeat went stale) can no longer record progress or an end,
and since the end is recorded in the same transaction as the job's effect, that effect is
rolled back with it.  A job is thus applied once or not at all.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from wenzeng.store.tables import JOB_ACTIVE, job

# every column but the payload (which may be tens of megabytes)
_COLUMNS = [c for c in job.c if c.name != "payload"]


def _row(r: Any) -> dict[str, Any]:
    return dict(r._mapping)


def active_with_key(conn: Connection, dedup_key: str) -> dict[str, Any] | None:
    row = conn.execute(
        select(*_COLUMNS).where(job.c.dedup_key == dedup_key, job.c.status.in_(JOB_ACTIVE))
    ).first()
    return None if row is None else _row(row)


def insert_job(
    conn: Connection,
    *,
    kind: str,
    dedup_key: str,
    params: dict[str, Any],
    payload: bytes | None,
    started_by: str,
    started_by_id: int,
    at: datetime,
) -> tuple[int, bool]:
    """(job id, whether it is new): an identical request while the first is queued or
    running is that job (the partial unique index on the key decides a race)."""
    found = active_with_key(conn, dedup_key)
    if found is not None:
        return found["id"], False
    try:
        with conn.begin_nested():
            inserted = conn.execute(
                insert(job).values(
                    kind=kind,
                    dedup_key=dedup_key,
                    params=params,
                    payload=payload,
                    status="queued",
                    stage=None,
                    done_count=0,
                    started_by=started_by,
                    started_by_id=started_by_id,
                    created_at=at,
                    heartbeat_at=at,
                    attempts=0,
                )
            ).inserted_primary_key
    except IntegrityError:  # another request made the same job a moment ago
        found = active_with_key(conn, dedup_key)
        if found is None:
            raise
        return found["id"], False
    assert inserted is not None
    return int(inserted[0]), True


def job_row(conn: Connection, job_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(*_COLUMNS).where(job.c.id == job_id)).first()
    return None if row is None else _row(row)


def job_payload(conn: Connection, job_id: int) -> bytes | None:
    value = conn.execute(select(job.c.payload).where(job.c.id == job_id)).scalar()
    return None if value is None else bytes(value)


def job_rows(conn: Connection, *, started_by: str | None, limit: int) -> list[dict[str, Any]]:
    """Newest first; only one account's jobs when ``started_by`` is given."""
    q = select(*_COLUMNS).order_by(job.c.id.desc()).limit(limit)
    if started_by is not None:
        q = q.where(job.c.started_by == started_by)
    return [_row(r) for r in conn.execute(q)]


def claim(conn: Connection, job_id: int, at: datetime) -> int | None:
    """Take a queued job: its new attempt number, or None when it is not queued (done,
    failed, or taken by another worker)."""
    done = conn.execute(
        update(job)
        .where(job.c.id == job_id, job.c.status == "queued")
        .values(
            status="running",
            attempts=job.c.attempts + 1,
            started_at=func.coalesce(job.c.started_at, at),
            heartbeat_at=at,
        )
    )
    if done.rowcount != 1:
        return None
    return int(conn.execute(select(job.c.attempts).where(job.c.id == job_id)).scalar_one())


def _held(job_id: int, attempt: int) -> Any:
    return and_(job.c.id == job_id, job.c.status == "running", job.c.attempts == attempt)


def record_progress(
    conn: Connection, job_id: int, attempt: int, at: datetime, **values: Any
) -> bool:
    """Heartbeat and progress (stage, done_count, total_count) of the attempt that holds
    the job; False when it no longer holds it."""
    done = conn.execute(update(job).where(_held(job_id, attempt)).values(heartbeat_at=at, **values))
    return done.rowcount == 1


def finish(
    conn: Connection,
    job_id: int,
    attempt: int,
    at: datetime,
    *,
    status: str,
    result: dict[str, Any] | None = None,
    errors: list[dict[str, Any]] | None = None,
    message: str | None = None,
    **progress: Any,
) -> bool:
    """Record the end of the attempt that holds the job (and drop the uploaded bytes);
    False when it no longer holds it: the caller must then roll its work back."""
    done = conn.execute(
        update(job)
        .where(_held(job_id, attempt))
        .values(
            status=status,
            result=result,
            errors=errors,
            message=message,
            finished_at=at,
            heartbeat_at=at,
            payload=None,
            **progress,
        )
    )
    return done.rowcount == 1


def stale_running(conn: Connection, before: datetime) -> list[dict[str, Any]]:
    """Running jobs whose worker has not been heard of since ``before``, locked for the
    caller's transaction (PostgreSQL skips rows another transaction holds)."""
    q = (
        select(job.c.id, job.c.attempts, job.c.heartbeat_at)
        .where(job.c.status == "running", job.c.heartbeat_at < before)
        .order_by(job.c.id)
        .with_for_update(skip_locked=True)
    )
    return [_row(r) for r in conn.execute(q)]


def stale_queued(conn: Connection, before: datetime) -> list[int]:
    """Queued jobs not taken since ``before`` (their queue entry may be lost)."""
    q = (
        select(job.c.id)
        .where(job.c.status == "queued", job.c.heartbeat_at < before)
        .order_by(job.c.id)
        .with_for_update(skip_locked=True)
    )
    return [int(i) for i in conn.execute(q).scalars()]


def requeue(conn: Connection, job_id: int, attempt: int, at: datetime, stage: str) -> bool:
    """Put a stalled attempt's job back in the queue (its attempt number stays, so the
    stalled worker cannot record anything any more once the next attempt claims it)."""
    done = conn.execute(
        update(job)
        .where(_held(job_id, attempt))
        .values(status="queued", heartbeat_at=at, stage=stage)
    )
    return done.rowcount == 1


def touch_queued(conn: Connection, job_ids: list[int], at: datetime) -> None:
    if job_ids:
        conn.execute(
            update(job)
            .where(job.c.id.in_(job_ids), job.c.status == "queued")
            .values(heartbeat_at=at)
        )


def fail_stalled(conn: Connection, job_id: int, attempt: int, at: datetime, message: str) -> bool:
    done = conn.execute(
        update(job)
        .where(_held(job_id, attempt))
        .values(status="failed", message=message, finished_at=at, heartbeat_at=at, payload=None)
    )
    return done.rowcount == 1


def queue_location(url: str) -> tuple[str, str]:
    """Where the job queue lives beside a store: ("postgresql", a libpq connection string
    for the same database, search path included) or ("sqlite", the path of the store's
    file, beside which the queue file goes)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        return "postgresql", parsed.set(drivername="postgresql").render_as_string(
            hide_password=False
        )
    return "sqlite", parsed.database or ":memory:"
