"""Jobs: long work (an upload, a report, an analysis run) done by a worker outside the
request, with its progress, its result or its errors, and who started it.

A job is WenZeng's own record in the store (``store.jobs``); the queue library (procrastinate
on PostgreSQL, huey beside SQLite, see ``wenzeng.jobs``) only carries its id to a worker.

- :func:`start` asks the policy first, checks what can be checked at once (the form, the
  period, the analysis date), then records the job, or returns the job already queued or
  running for an identical request (no duplicate reports).
- :func:`execute` claims a queued job (a new attempt number), runs it as the account that
  started it, and records its end **in the same transaction as its effect**
  (:meth:`Context.one_transaction`), fenced by the attempt number: a job is applied once or
  not at all, even when its worker is killed, or stalls and loses the job to a retry.
- :func:`reconcile` (the worker's tick) puts back in the queue a running job whose worker
  has not been heard of for ``jobs_stale_seconds``, or fails it after ``jobs_max_attempts``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from wenzeng.auth import policy
from wenzeng.auth.principal import SYSTEM, Principal
from wenzeng.errors import NotFound, ValidationFailed, WenzengError
from wenzeng.jobs.queue import JobQueue, open_queue
from wenzeng.services.context import Context, data_version_scope
from wenzeng.store import jobs as store
from wenzeng.store.clock import as_utc, now

log = logging.getLogger("wenzeng.jobs")

KINDS: dict[str, tuple[str, str]] = {
    "upload": ("上传报表文件", "form upload"),
    "report": ("生成报告", "report generation"),
    "analysis": ("运行分析", "analysis run"),
}
STATUS: dict[str, tuple[str, str]] = {
    "queued": ("排队中", "queued"),
    "running": ("运行中", "running"),
    "done": ("已完成", "done"),
    "failed": ("失败", "failed"),
}
WAIT_MAX = 30.0  # seconds a request may wait for a job's end


class Superseded(Exception):
    """This attempt lost its job to a retry: its work must not be recorded."""


# -- the queue ---------------------------------------------------------------------------------

_QUEUES: dict[str, JobQueue] = {}
_QUEUES_LOCK = threading.Lock()


def queue_for(ctx: Context) -> JobQueue:
    """The queue beside the context's store (one per store and process)."""
    url = ctx.settings.effective_database_url
    with _QUEUES_LOCK:
        if url not in _QUEUES:
            _QUEUES[url] = open_queue(*store.queue_location(url))
        return _QUEUES[url]


def prepare_queue(ctx: Context) -> str:
    """Create the queue's tables when absent (``wenzeng init``); the queue's name."""
    q = queue_for(ctx)
    q.prepare()
    return q.name


# -- starting and reading ----------------------------------------------------------------------


def _dedup_key(kind: str, params: dict[str, Any], payload: bytes | None, who: str | None) -> str:
    body = {
        "kind": kind,
        "params": params,
        "payload": hashlib.sha256(payload).hexdigest() if payload is not None else None,
        "by": who,
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _check(
    ctx: Context, kind: str, params: dict[str, Any], payload: bytes | None = None
) -> dict[str, Any]:
    """What can be checked before the job is queued; the params made explicit (a report's
    data date), so that identical requests are recognised."""
    if kind == "upload":
        from wenzeng.services.forms import get_form
        from wenzeng.services.loading import check_file

        get_form(ctx, params["form"])  # an unknown form is a 404 now, not a failed job
        # a file over the limits is a 413 now, before it is stored or queued
        check_file(ctx, params["filename"], payload or b"")
        return {"form": params["form"], "filename": params["filename"], "submit": params["submit"]}
    if kind == "report":
        from wenzeng.domain.periods import PeriodError, parse_period
        from wenzeng.reports.build import report_period
        from wenzeng.services import report_kinds, reports

        reports.check_request(
            params["kind"], params["formats"], params["lang"], report_kinds.kinds(ctx)
        )
        try:
            period = parse_period(params["period"])
        except PeriodError as exc:
            raise ValidationFailed(str(exc)) from exc
        report_period(report_kinds.definition(ctx, params["kind"]), period)  # a quarter, or a year
        asked = date.fromisoformat(params["as_of"]) if params.get("as_of") else None
        # default: the period's time; a period with nothing to report on is refused now
        as_of = reports.resolve_as_of(ctx, params["kind"], period, asked)[0].isoformat()
        formats = [f for f in reports.FORMATS if f in params["formats"]]
        return {**params, "period": period.code, "formats": formats, "as_of": as_of}
    if kind == "analysis":
        from wenzeng.services.early_warning import require_analysis_date

        as_of = params.get("as_of") or date.today().isoformat()
        require_analysis_date(ctx, date.fromisoformat(as_of))
        return {"as_of": as_of}
    raise ValidationFailed(f"未知的任务类型 / unknown job kind: {kind!r}")


def start(
    ctx: Context,
    p: Principal,
    kind: str,
    params: dict[str, Any],
    payload: bytes | None = None,
) -> tuple[dict[str, Any], bool]:
    """Start a job (or join the identical one queued or running): (the job, whether new).

    An upload is one uploader's (two people uploading the same file start two jobs); a
    report or an analysis run is the department's (two of its staff asking for the same
    report at once get one)."""
    policy.require_job_starter(p, kind)
    params = _check(ctx, kind, params, payload)
    key = _dedup_key(kind, params, payload, p.username if kind == "upload" else None)
    with ctx.transaction() as conn:
        job_id, created = store.insert_job(
            conn,
            kind=kind,
            dedup_key=key,
            params=params,
            payload=payload,
            started_by=p.username,
            started_by_id=p.user_id if p.user_id is not None else 0,
            at=now(),
        )
    if created:
        log.info("job %s (%s) started by %s", job_id, kind, p.username)
        if ctx.settings.jobs_inline:
            execute(ctx, job_id)
        else:
            try:
                queue_for(ctx).enqueue(job_id)
            except Exception:  # the job is recorded: the worker's tick queues it again
                log.exception("could not queue job %s; the worker will pick it up", job_id)
    return get_job(ctx, p, job_id), created


def _iso(when: datetime | None) -> str | None:
    return as_utc(when).isoformat(timespec="seconds") if when is not None else None


def as_dict(row: dict[str, Any]) -> dict[str, Any]:
    kind_zh, kind_en = KINDS.get(row["kind"], (row["kind"], row["kind"]))
    status_zh, status_en = STATUS.get(row["status"], (row["status"], row["status"]))
    return {
        "id": row["id"],
        "kind": row["kind"],
        "kind_zh": kind_zh,
        "kind_en": kind_en,
        "status": row["status"],
        "status_zh": status_zh,
        "status_en": status_en,
        "finished": row["status"] in ("done", "failed"),
        "stage": row["stage"],
        "done": row["done_count"],
        "total": row["total_count"],
        "params": row["params"],
        "result": row["result"],
        "errors": row["errors"] or [],
        "message": row["message"],
        "started_by": row["started_by"],
        "created_at": _iso(row["created_at"]),
        "started_at": _iso(row["started_at"]),
        "finished_at": _iso(row["finished_at"]),
        "attempts": row["attempts"],
        "url": f"/jobs/{row['id']}",
    }


def get_job(ctx: Context, p: Principal, job_id: int) -> dict[str, Any]:
    """One job, to its starter and department staff; unknown to everyone else."""
    with ctx.reading() as conn:
        row = store.job_row(conn, job_id)
    if row is None or not policy.may_see_job(p, row["started_by"]):
        raise NotFound(f"任务不存在 / no such job: {job_id}")
    return as_dict(_live(ctx, row))


def list_jobs(ctx: Context, p: Principal, *, limit: int = 50) -> list[dict[str, Any]]:
    """The newest jobs the principal may see: their own, or every job for staff."""
    owner = policy.job_list_owner(p)
    with ctx.reading() as conn:
        rows = store.job_rows(conn, started_by=owner, limit=limit)
    return [as_dict(_live(ctx, r)) for r in rows]


def _live(ctx: Context, row: dict[str, Any]) -> dict[str, Any]:
    """A running job's record with the progress kept beside the queue, where the store could
    not take it (SQLite, while the job's transaction holds the write lock)."""
    if row["status"] != "running" or ctx.engine.dialect.name != "sqlite":
        return row
    try:
        kept = queue_for(ctx).progress(row["id"])
    except Exception:  # the record alone, then
        return row
    return {**row, **kept} if kept else row


# -- running -----------------------------------------------------------------------------------


class _Progress:
    """Progress and heartbeat of one attempt, written in short transactions of their own.

    On SQLite, while the job's own transaction holds the write lock, progress is kept beside
    the queue instead (a write would wait for the job itself) and written with the job's end.
    A progress write that fails (the lock held by another job) is skipped, not fatal."""

    def __init__(self, ctx: Context, job_id: int, attempt: int) -> None:
        self.ctx = ctx
        self.job_id = job_id
        self.attempt = attempt
        self.values: dict[str, Any] = {}
        self._last = 0.0
        self._sqlite = ctx.engine.dialect.name == "sqlite"
        self._lock = threading.Lock()

    def __call__(
        self, stage: str | None, done: int | None = None, total: int | None = None
    ) -> None:
        new_stage = stage is not None and stage[:200] != self.values.get("stage")
        if stage is not None:
            self.values["stage"] = stage[:200]
        if done is not None:
            self.values["done_count"] = done
        if total is not None:
            self.values["total_count"] = total
        if not new_stage and time.monotonic() - self._last < 0.25:
            return  # rows: at most four writes a second
        if self._sqlite and self.ctx.in_open_transaction():
            self._last = time.monotonic()
            with contextlib.suppress(Exception):  # progress is worth no failed job
                queue_for(self.ctx).note_progress(self.job_id, dict(self.values))
            return
        try:
            self.write()
        except Superseded:
            raise
        except Exception as exc:  # e.g. SQLite's write lock, held by another job
            log.info("progress of job %s not recorded: %s", self.job_id, exc)

    def write(self, **extra: Any) -> None:
        with self._lock, self.ctx.store.transaction() as conn:
            held = store.record_progress(
                conn, self.job_id, self.attempt, now(), **self.values, **extra
            )
        self._last = time.monotonic()
        if not held:
            raise Superseded(f"job {self.job_id} attempt {self.attempt} lost its job")


class _Heartbeat(threading.Thread):
    """Tells the store, every few seconds, that the attempt's worker is alive."""

    def __init__(self, progress: _Progress, every: float) -> None:
        super().__init__(name=f"wenzeng-job-{progress.job_id}-heartbeat", daemon=True)
        self.progress = progress
        self.every = every
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            try:
                with self.progress.ctx.store.transaction() as conn:
                    held = store.record_progress(
                        conn, self.progress.job_id, self.progress.attempt, now()
                    )
            except Exception:  # e.g. SQLite's write lock, held by the job itself
                log.debug("heartbeat of job %s skipped", self.progress.job_id, exc_info=True)
                continue
            if not held:
                return


Runner = Callable[[Context, Principal, dict[str, Any], bytes | None, _Progress], dict[str, Any]]


def _run_upload(
    ctx: Context, p: Principal, params: dict[str, Any], payload: bytes | None, say: _Progress
) -> dict[str, Any]:
    from wenzeng.services.form_files import upload

    result = upload(
        ctx,
        p,
        params["form"],
        Path(params["filename"]),
        payload or b"",
        submit=bool(params["submit"]),
        progress=say,
    )
    return result.as_dict()


def _run_report(
    ctx: Context, p: Principal, params: dict[str, Any], _payload: bytes | None, say: _Progress
) -> dict[str, Any]:
    from wenzeng.services import reports
    from wenzeng.services.report_kinds import kind_names as report_kind_names

    g = reports.generate(
        ctx,
        p,
        params["kind"],
        params["period"],
        formats=params["formats"],
        lang=params["lang"],
        as_of=date.fromisoformat(params["as_of"]),
        step=lambda m: say(m, None, None),
    )
    names = report_kind_names(ctx)
    zh, en = names.get(g.document.kind, (g.document.kind, g.document.kind))
    return {
        "ok": True,
        "id": g.report_id,
        "title": g.document.title,
        "kind": g.document.kind,
        "kind_zh": zh,
        "kind_en": en,
        "period": g.document.period,
        "as_of": g.document.as_of.isoformat(),
        "formats": [
            {"format": fmt, "size": len(data), "url": f"/api/v1/reports/{g.report_id}/file.{fmt}"}
            for fmt, data in g.files.items()
        ],
    }


def _run_analysis(
    ctx: Context, p: Principal, params: dict[str, Any], _payload: bytes | None, say: _Progress
) -> dict[str, Any]:
    from wenzeng.services.early_warning import run_analysis

    policy.require_analysis_runner(p)
    result = run_analysis(ctx, date.fromisoformat(params["as_of"]), step=lambda m: say(m))
    return {"ok": True, **result.summary()}


RUNNERS: dict[str, Runner] = {
    "upload": _run_upload,
    "report": _run_report,
    "analysis": _run_analysis,
}


def _principal(ctx: Context, user_id: int) -> Principal:
    if user_id == 0:
        return SYSTEM
    from wenzeng.services.accounts import principal_for_user

    p = principal_for_user(ctx, user_id)
    if p is None:
        raise WenzengError("发起任务的账号已停用 / the account that started this job is disabled")
    return p


def execute(ctx: Context, job_id: int) -> str | None:
    """Run a queued job once: its final status, or None when it was not queued (done,
    failed, or claimed by another worker: asking twice is harmless)."""
    with ctx.transaction() as conn:
        attempt = store.claim(conn, job_id, now())
        row = store.job_row(conn, job_id) if attempt is not None else None
        payload = store.job_payload(conn, job_id) if attempt is not None else None
    if attempt is None or row is None:
        return None
    log.info("job %s (%s) attempt %s: running", job_id, row["kind"], attempt)
    progress = _Progress(ctx, job_id, attempt)
    beat = _Heartbeat(progress, max(0.5, ctx.settings.jobs_stale_seconds / 4))
    beat.start()
    try:
        # one unit of work, as a request is: what the worker keeps (the catalogue with its
        # enterprises, the forms) is checked against the store's data version, so that an
        # enterprise or form another process added is known to the job
        with data_version_scope():
            return _execute(ctx, row, attempt, payload, progress)
    except Superseded:
        log.warning("job %s attempt %s was retried elsewhere; its work is undone", job_id, attempt)
        return None
    finally:
        beat.stopped.set()
        if progress._sqlite:
            with contextlib.suppress(Exception):
                queue_for(ctx).note_progress(job_id, None)


def _all_done(values: dict[str, Any]) -> dict[str, Any]:
    """A job that ended well has processed all its rows, whenever it last said how far it got."""
    total = values.get("total_count")
    return {"done_count": total} if total is not None else {}


def _execute(
    ctx: Context, row: dict[str, Any], attempt: int, payload: bytes | None, progress: _Progress
) -> str:
    job_id = row["id"]
    progress("开始 / starting")
    try:
        with ctx.one_transaction() as joined:
            p = _principal(ctx, row["started_by_id"])
            result = RUNNERS[row["kind"]](ctx, p, row["params"], payload, progress)
            # the end is recorded with the effect, or neither is (fenced by the attempt)
            if not store.finish(
                joined(),
                job_id,
                attempt,
                now(),
                status="done",
                result=json.loads(json.dumps(result, default=str)),
                **{**progress.values, **_all_done(progress.values), "stage": "完成 / done"},
            ):
                raise Superseded(f"job {job_id} attempt {attempt} lost its job")
        log.info("job %s attempt %s: done", job_id, attempt)
        return "done"
    except Superseded:
        raise
    except WenzengError as exc:
        body = exc.body()
        _fail(ctx, job_id, attempt, progress, exc.message, body["errors"], exc.status)
        log.info("job %s attempt %s: failed: %s", job_id, attempt, exc.message)
    except Exception:
        log.exception("job %s attempt %s: internal error", job_id, attempt)
        _fail(
            ctx,
            job_id,
            attempt,
            progress,
            "内部错误，任务未完成，未写入任何数据；详见工作进程日志 / internal error: the job "
            "did not complete and wrote nothing; see the worker's log",
            [],
            500,
        )
    return "failed"


def _fail(
    ctx: Context,
    job_id: int,
    attempt: int,
    progress: _Progress,
    message: str,
    errors: list[dict[str, Any]],
    status: int,
) -> None:
    try:
        with ctx.store.transaction() as conn:
            held = store.finish(
                conn,
                job_id,
                attempt,
                now(),
                status="failed",
                result={"ok": False, "status": status},
                errors=errors,
                message=message,
                **progress.values,
            )
    except Exception:  # e.g. SQLite's write lock held by another job's long transaction
        log.exception("job %s attempt %s: its failure could not be recorded", job_id, attempt)
        return  # still running on record: retried once its heartbeat is stale
    if not held:
        raise Superseded(f"job {job_id} attempt {attempt} lost its job")


# -- reconciling -------------------------------------------------------------------------------


def reconcile(ctx: Context, enqueue: Callable[[int], None] | None = None) -> dict[str, list[int]]:
    """Jobs whose worker stopped: a running job not heard of for ``jobs_stale_seconds`` is
    queued again (its next attempt starts from nothing: the stopped one's transaction was
    rolled back with its process) or failed after ``jobs_max_attempts``; a queued job not
    taken for as long is queued again (its queue entry may have been lost with a worker)."""
    settings = ctx.settings
    at = now()
    before = at - timedelta(seconds=settings.jobs_stale_seconds)
    retried: list[int] = []
    failed: list[int] = []
    with ctx.store.transaction() as conn:
        for r in store.stale_running(conn, before):
            if r["attempts"] >= settings.jobs_max_attempts:
                if store.fail_stalled(
                    conn,
                    r["id"],
                    r["attempts"],
                    at,
                    f"工作进程在第 {r['attempts']} 次尝试中停止，已放弃，未写入任何数据 / the "
                    f"worker stopped during attempt {r['attempts']}; given up, nothing was "
                    "written",
                ):
                    failed.append(r["id"])
            elif store.requeue(
                conn,
                r["id"],
                r["attempts"],
                at,
                f"工作进程停止，重试 / the worker stopped; retrying (attempt {r['attempts']})",
            ):
                retried.append(r["id"])
        waiting = store.stale_queued(conn, before)
        store.touch_queued(conn, waiting, at)
    send = enqueue or queue_for(ctx).enqueue
    for job_id in [*retried, *waiting]:
        send(job_id)
    if retried or failed:
        log.warning("stalled jobs: retried %s, failed %s", retried, failed)
    return {"retried": retried, "failed": failed, "requeued": waiting}
