"""The worker: takes job ids from the queue beside the store and runs them with
``services.jobs.execute``; every few seconds it reconciles jobs whose worker stopped."""

from __future__ import annotations

import logging
from collections.abc import Callable

from wenzeng.services import jobs as service
from wenzeng.services.context import Context

log = logging.getLogger("wenzeng.jobs")


def run_worker(
    ctx: Context, *, concurrency: int | None = None, say: Callable[[str], None] | None = None
) -> None:
    """Run jobs until stopped (SIGINT / SIGTERM)."""
    tell = say or log.info
    queue = service.queue_for(ctx)
    queue.prepare()
    workers = concurrency or ctx.settings.jobs_concurrency

    def handle(job_id: int) -> None:
        status = service.execute(ctx, job_id)
        if status is not None:
            tell(f"任务 / job {job_id}: {status}")

    def tick() -> None:
        try:
            found = service.reconcile(ctx, queue.enqueue)
        except Exception as exc:  # e.g. SQLite's write lock held by a long job: next tick
            log.info("reconciling jobs skipped this time: %s", exc)
            return
        for job_id in found["retried"]:
            tell(f"任务 / job {job_id}: 工作进程停止，重试 / its worker stopped; retrying")
        for job_id in found["failed"]:
            tell(f"任务 / job {job_id}: 工作进程停止，已放弃 / its worker stopped; failed")

    tell(
        f"工作进程 / worker: {queue.name}, {workers} 个并发 / at a time, "
        f"{ctx.engine.url.render_as_string(hide_password=True)}"
    )
    queue.run_worker(
        handle,
        concurrency=workers,
        tick=tick,
        tick_seconds=max(1.0, ctx.settings.jobs_stale_seconds / 4),
    )
