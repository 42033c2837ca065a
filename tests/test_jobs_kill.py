"""A job's worker killed with ``kill -9`` in the middle of the job: the job is retried by the
next worker and done once, or failed; the store holds all of an upload's rows or none, never
some, and never twice.  Real queue, real worker processes, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from jobkit import Worker, monthly_csv, queued_context, reporter, upload_params, wait_until
from wenzeng.auth.principal import Principal
from wenzeng.services import jobs
from wenzeng.services import submissions as subs
from wenzeng.services.context import Context
from wenzeng.services.form_files import upload
from wenzeng.store import jobs as job_store
from wenzeng.store.audit import audit_entries
from wenzeng.store.clock import now


@pytest.fixture
def jctx(ctx: Context) -> Context:
    return queued_context(ctx)


def _stored(ctx: Context, p: Principal) -> list[subs.Submission]:
    return subs.list_submissions(ctx, p, form="monthly_enterprise")


def _saves(ctx: Context) -> int:
    """Submissions created or changed, as the audit log counts them."""
    with ctx.reading() as conn:
        return len(audit_entries(conn, object_type="submission", limit=100_000))


def test_a_worker_killed_mid_upload_leaves_none_and_the_next_one_applies_it_once(
    jctx: Context, tmp_path: Path
) -> None:
    acme = reporter(jctx)
    months = 1000
    first = Worker(jctx, tmp_path / "first.log")
    try:
        job, _ = jobs.start(jctx, acme, "upload", upload_params(), monthly_csv(jctx, months))
        wait_until(
            lambda: (
                (j := jobs.get_job(jctx, acme, job["id"]))["status"] == "running"
                and (j["stage"] or "").startswith("检查并保存")
            ),
            60,
            why="the upload checking and saving its rows",
        )
        # well inside the transaction that writes the rows: some checked, not all
        wait_until(
            lambda: (
                (j := jobs.get_job(jctx, acme, job["id"]))["status"] == "running"
                and months // 10 <= j["done"] < months // 2
            ),
            60,
            every=0.02,
            why="a tenth of the rows checked and saved",
        )
        first.kill9()
    finally:
        first.stop()
    # the killed attempt wrote nothing: its transaction died with it
    assert _stored(jctx, acme) == [] and _saves(jctx) == 0
    killed = jobs.get_job(jctx, acme, job["id"])
    assert killed["status"] == "running" and killed["attempts"] == 1
    second = Worker(jctx, tmp_path / "second.log")
    try:
        done = wait_until(
            lambda: (j := jobs.get_job(jctx, acme, job["id"]))["finished"] and j,
            180,
            every=0.2,
            why=f"the retried job's end; second worker:\n{second.text()}",
        )
    finally:
        second.stop()
    assert done["status"] == "done" and done["attempts"] == 2, done
    assert "its worker stopped; retrying" in second.text()
    stored = _stored(jctx, acme)
    assert len(stored) == months and {s.version for s in stored} == {1}  # all, once
    assert _saves(jctx) == months


def test_a_stalled_attempt_cannot_apply_its_work_after_the_retry(jctx: Context) -> None:
    """A worker that stalls (no heartbeat) but is not dead loses its job to a retry; when it
    wakes up, neither its progress nor its end can be recorded, and its work is rolled back
    with the refused end."""
    acme = reporter(jctx)
    data = monthly_csv(jctx, 3)
    job, _ = jobs.start(jctx, acme, "upload", upload_params(), data)
    with jctx.transaction() as conn:  # a worker takes the job ...
        assert job_store.claim(conn, job["id"], now()) == 1
        # ... and is not heard of again
        job_store.record_progress(conn, job["id"], 1, now() - timedelta(seconds=60))
    sent: list[int] = []
    found = jobs.reconcile(jctx, sent.append)
    assert found["retried"] == [job["id"]] and sent == [job["id"]]
    assert jobs.execute(jctx, job["id"]) == "done"  # the retry (attempt 2)
    assert jobs.execute(jctx, job["id"]) is None  # asked again: nothing to do
    assert len(_stored(jctx, acme)) == 3 and _saves(jctx) == 3
    # the stalled attempt 1 wakes up: its first progress report is refused ...
    with jctx.reading() as conn:
        row = job_store.job_row(conn, job["id"])
    assert row is not None
    with pytest.raises(jobs.Superseded):
        jobs._execute(jctx, row, 1, data, jobs._Progress(jctx, job["id"], 1))
    # ... and had it done its work unseen, recording its end undoes it
    with pytest.raises(jobs.Superseded), jctx.one_transaction() as joined:
        upload(jctx, acme, "monthly_enterprise", Path("big.csv"), data)
        if not job_store.finish(joined(), job["id"], 1, now(), status="done"):
            raise jobs.Superseded("refused")
    stored = _stored(jctx, acme)
    assert len(stored) == 3 and {s.version for s in stored} == {1} and _saves(jctx) == 3
    assert jobs.get_job(jctx, acme, job["id"])["attempts"] == 2


def test_a_job_whose_workers_keep_dying_is_failed_after_its_attempts(ctx: Context) -> None:
    settings = ctx.settings.model_copy(update={"jobs_inline": False, "jobs_max_attempts": 2})
    jctx = Context(settings, ctx.store)
    acme = reporter(jctx)
    job, _ = jobs.start(jctx, acme, "upload", upload_params(), monthly_csv(jctx, 2))
    for attempt in (1, 2):
        with jctx.transaction() as conn:
            assert job_store.claim(conn, job["id"], now()) == attempt
            job_store.record_progress(conn, job["id"], attempt, now() - timedelta(seconds=600))
        found = jobs.reconcile(jctx, lambda _id: None)
    assert found["failed"] == [job["id"]]
    failed = jobs.get_job(jctx, acme, job["id"])
    assert failed["status"] == "failed" and "given up, nothing was written" in failed["message"]
    assert _stored(jctx, acme) == []
    assert jobs.execute(jctx, job["id"]) is None  # a late queue entry runs nothing
