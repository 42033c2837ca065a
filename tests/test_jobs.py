"""Background jobs with a real queue and a real worker (``wenzeng worker`` in a process of its
own), on SQLite (huey) and PostgreSQL (procrastinate): progress while running, identical
requests joined, errors by row, who may see a job, and the job's answer on the API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from jobkit import (
    Worker,
    monthly_csv,
    queued_context,
    reporter,
    staff,
    upload_params,
    wait_until,
)
from processes import free_port
from wenzeng.errors import NotFound
from wenzeng.services import jobs
from wenzeng.services import submissions as subs
from wenzeng.services.context import Context
from wenzeng.web.app import create_app


@pytest.fixture
def jctx(ctx: Context) -> Context:
    return queued_context(ctx)


@pytest.fixture
def worker(jctx: Context, tmp_path: Path) -> Iterator[Worker]:
    w = Worker(jctx, tmp_path / "worker.log")
    yield w
    w.stop()


def _stored(ctx: Context, p: object) -> list[subs.Submission]:
    return subs.list_submissions(ctx, p, form="monthly_enterprise")  # type: ignore[arg-type]


def test_a_worker_runs_an_upload_and_its_progress_shows_while_it_runs(
    jctx: Context, worker: Worker
) -> None:
    acme = reporter(jctx)
    data = monthly_csv(jctx, 240)
    job, created = jobs.start(jctx, acme, "upload", upload_params(), data)
    assert created and job["status"] in ("queued", "running") and job["started_by"] == "acme"
    # the same file again while the first is queued or running: the same job
    again, created_again = jobs.start(jctx, acme, "upload", upload_params(), data)
    assert again["id"] == job["id"] and not created_again
    # while it runs, the record says how far it got: the rows read, then the stage
    seen = wait_until(
        lambda: (
            (j := jobs.get_job(jctx, acme, job["id"]))["status"] == "running"
            and j["total"] == 240
            and j
        ),
        60,
        why=f"the job running with its rows counted; worker log:\n{worker.text()}",
    )
    assert "检查并保存 / checking and saving" in seen["stage"] and seen["finished_at"] is None
    # and the rows checked so far, while the job's transaction is still open
    midway = wait_until(
        lambda: (
            (j := jobs.get_job(jctx, acme, job["id"]))["status"] == "running"
            and 0 < j["done"] < 240
            and j
        ),
        60,
        why="rows checked so far",
    )
    assert _stored(jctx, acme) == []  # nothing is seen before the whole file is in
    assert midway["total"] == 240
    done = wait_until(
        lambda: (j := jobs.get_job(jctx, acme, job["id"]))["finished"] and j, 120, why="the end"
    )
    assert done["status"] == "done", done
    assert done["done"] == 240 and done["attempts"] == 1
    assert len(done["result"]["submissions"]) == 240
    stored = _stored(jctx, acme)
    assert len(stored) == 240 and {s.version for s in stored} == {1}
    # once it has ended, the same file is a new job (it updates the drafts)
    later, created_later = jobs.start(jctx, acme, "upload", upload_params(), data)
    assert created_later and later["id"] != job["id"]


def test_an_upload_that_submits_saves_and_submits_every_row_in_its_job(
    jctx: Context, worker: Worker
) -> None:
    """Saving the drafts and submitting them are one transaction: the submit step reads the
    drafts the same job has just written (not yet committed)."""
    acme = reporter(jctx)
    params = {**upload_params("submit.csv"), "submit": True}
    job, _ = jobs.start(jctx, acme, "upload", params, monthly_csv(jctx, 3))
    done = wait_until(
        lambda: (j := jobs.get_job(jctx, acme, job["id"]))["finished"] and j,
        60,
        why=f"the end; worker log:\n{worker.text()}",
    )
    assert done["status"] == "done", done
    assert done["done"] == done["total"] == 3  # the job page's count ends at all rows
    stored = _stored(jctx, acme)
    assert len(stored) == 3 and {s.status for s in stored} == {"submitted"}


def test_a_bad_file_fails_with_its_rows_and_writes_nothing(jctx: Context, worker: Worker) -> None:
    acme = reporter(jctx)
    job, _ = jobs.start(
        jctx, acme, "upload", upload_params("bad.csv"), monthly_csv(jctx, 5, bad_row=4)
    )
    done = wait_until(
        lambda: (j := jobs.get_job(jctx, acme, job["id"]))["finished"] and j,
        60,
        why=f"the end; worker log:\n{worker.text()}",
    )
    assert done["status"] == "failed" and done["result"] == {"ok": False, "status": 422}
    assert "nothing was written" in done["message"]
    (error,) = done["errors"]
    assert error["loc"][:4] == ["file", "bad.csv", "row", 4]  # the row, as a spreadsheet counts
    assert error["code"] == "bad_period"
    assert _stored(jctx, acme) == []


def test_only_the_starter_and_staff_see_a_job(jctx: Context, worker: Worker) -> None:
    acme = reporter(jctx)
    beta = reporter(jctx, "beta", "E9002")
    ana = staff(jctx)
    job, _ = jobs.start(jctx, acme, "upload", upload_params(), monthly_csv(jctx, 2))
    with pytest.raises(NotFound):
        jobs.get_job(jctx, beta, job["id"])
    assert [j["id"] for j in jobs.list_jobs(jctx, beta)] == []
    assert jobs.get_job(jctx, ana, job["id"])["started_by"] == "acme"
    assert [j["id"] for j in jobs.list_jobs(jctx, ana)] == [job["id"]]
    assert [j["id"] for j in jobs.list_jobs(jctx, acme)] == [job["id"]]
    # the same file from another reporter is another job (and is refused row by row there)
    other, created = jobs.start(jctx, beta, "upload", upload_params(), monthly_csv(jctx, 2))
    assert created and other["id"] != job["id"]
    ended = wait_until(
        lambda: (j := jobs.get_job(jctx, beta, other["id"]))["finished"] and j, 60, why="end"
    )
    assert ended["status"] == "failed" and "your own organisation" in ended["errors"][0]["msg"]


def test_two_identical_report_requests_make_one_report(jctx: Context, worker: Worker) -> None:
    ana = staff(jctx)
    other = staff(jctx, "bob")
    ask = {"kind": "quarterly", "period": "2024-Q3", "lang": "zh", "formats": ["html"]}
    first, created = jobs.start(jctx, ana, "report", {**ask, "as_of": "2025-01-31"})
    # written another way, by another of the department's staff, while the first runs
    second, again = jobs.start(
        jctx, other, "report", {**ask, "period": "2024Q3", "as_of": "2025-01-31"}
    )
    assert created and not again and second["id"] == first["id"]
    done = wait_until(
        lambda: (j := jobs.get_job(jctx, ana, first["id"]))["finished"] and j,
        120,
        why=f"the report; worker log:\n{worker.text()}",
    )
    assert done["status"] == "done", done
    from wenzeng.services import reports

    made = reports.list_reports(jctx, ana)
    assert [r["id"] for r in made] == [done["result"]["id"]]


def test_the_api_answers_202_and_waits_for_the_end_on_request(
    jctx: Context, worker: Worker
) -> None:
    acme = reporter(jctx)
    from wenzeng.services import accounts

    token = accounts.create_token(jctx, acme, "acme", "script")
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(jctx.settings, jctx)) as client:
        r = client.post(
            "/api/v1/forms/monthly_enterprise/upload",
            files={"file": ("m.csv", monthly_csv(jctx, 3), "text/csv")},
            headers=headers,
        )
        assert r.status_code == 202, r.text
        job = r.json()["job"]
        assert not job["finished"] and r.headers["location"] == f"/api/v1/jobs/{job['id']}"
        r = client.get(f"/api/v1/jobs/{job['id']}", params={"wait": 30}, headers=headers)
        assert r.status_code == 200
        done = r.json()["job"]
        assert done["status"] == "done", (done, worker.text())
        assert [s["period"] for s in done["result"]["submissions"]] == [
            "2025-12",
            "2025-11",
            "2025-10",
        ]
        assert client.get("/api/v1/jobs/1", params={"wait": 31}, headers=headers).status_code == 422


def test_serve_starts_its_worker_and_stops_it(sqlite_ctx: Context, tmp_path: Path) -> None:
    """``wenzeng serve`` (as ``make run`` starts it) runs jobs with the worker it starts, and
    takes the worker down with it."""
    import os
    import signal
    import subprocess
    import sys

    import httpx

    from wenzeng.services import accounts

    acme = reporter(sqlite_ctx)
    token = accounts.create_token(sqlite_ctx, acme, "acme", "script")
    port = free_port()
    env = {
        **os.environ,
        "WENZENG_DATABASE_URL": sqlite_ctx.settings.effective_database_url,
        "WENZENG_JOBS_INLINE": "0",
        "WENZENG_SECRET_KEY": "k" * 40,
    }
    log = (tmp_path / "serve.log").open("wb")
    serve = subprocess.Popen(
        [sys.executable, "-m", "wenzeng", "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"

    def children() -> list[int]:
        path = Path(f"/proc/{serve.pid}/task/{serve.pid}/children")
        return [int(x) for x in path.read_text().split()] if path.exists() else []

    try:

        def up() -> bool:
            try:
                return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
            except httpx.TransportError:
                return False

        wait_until(up, 60, every=0.2, why="the server answering")
        (worker_pid,) = wait_until(children, 30, why="the worker started")
        r = httpx.post(
            f"{base}/api/v1/forms/monthly_enterprise/upload",
            params={"wait": 30},
            files={"file": ("m.csv", monthly_csv(sqlite_ctx, 2), "text/csv")},
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        assert r.status_code == 202 and r.json()["job"]["status"] == "done", r.text[:300]
        serve.send_signal(signal.SIGTERM)
        serve.wait(60)
        wait_until(lambda: not Path(f"/proc/{worker_pid}").exists(), 30, why="the worker gone")
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()
        log.close()
