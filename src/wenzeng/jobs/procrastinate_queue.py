"""The queue in PostgreSQL: procrastinate, in the store's own database (its tables beside
WenZeng's, created by ``wenzeng init`` when absent)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import procrastinate
from procrastinate import exceptions, jobs

from wenzeng.jobs.queue import Handler, Tick

log = logging.getLogger("wenzeng.jobs")
QUEUE = "wenzeng"
TASK = "wenzeng.run_job"


class ProcrastinateQueue:
    name = "procrastinate"

    def __init__(self, conninfo: str) -> None:
        self.app = procrastinate.App(
            connector=procrastinate.PsycopgConnector(conninfo=conninfo, min_size=1, max_size=4)
        )
        self._handle: Handler | None = None
        self._open = False
        self._loop: asyncio.AbstractEventLoop | None = None  # the worker's, while it runs

        def run_job(job_id: int) -> None:
            if self._handle is None:  # pragma: no cover - only a worker fetches jobs
                raise RuntimeError("no job handler: run jobs with `wenzeng worker`")
            self._handle(job_id)

        self._task: Any = self.app.task(name=TASK, queue=QUEUE)(run_job)

    def _opened(self) -> procrastinate.App:
        if not self._open:
            self.app.open()
            self._open = True
        return self.app

    def prepare(self) -> None:
        app = self._opened()
        row = app.connector.get_sync_connector().execute_query_one(
            "SELECT to_regclass('procrastinate_jobs') IS NOT NULL AS present"
        )
        if not row["present"]:
            app.schema_manager.apply_schema()

    def enqueue(self, job_id: int) -> None:
        # one waiting library job per WenZeng job: asking again while it waits is a no-op
        deferrer = self._task.configure(queueing_lock=f"wenzeng-job-{job_id}")
        if self._loop is not None:  # in the worker: through its open (asynchronous) pool
            asyncio.run_coroutine_threadsafe(self._defer(deferrer, job_id), self._loop).result(30)
            return
        self._opened()
        with contextlib.suppress(exceptions.AlreadyEnqueued):
            deferrer.defer(job_id=job_id)

    @staticmethod
    async def _defer(deferrer: Any, job_id: int) -> None:
        with contextlib.suppress(exceptions.AlreadyEnqueued):
            await deferrer.defer_async(job_id=job_id)

    def run_worker(
        self, handle: Handler, *, concurrency: int, tick: Tick, tick_seconds: float
    ) -> None:
        self._handle = handle
        self.close()  # the worker opens its own (asynchronous) pool

        async def ticking() -> None:
            while True:
                await asyncio.to_thread(tick)
                await self._retry_stalled(tick_seconds)
                await asyncio.sleep(tick_seconds)

        async def main() -> None:
            async with self.app.open_async():
                self._loop = asyncio.get_running_loop()
                ticker = asyncio.create_task(ticking())
                try:
                    await self.app.run_worker_async(
                        queues=[QUEUE],
                        concurrency=concurrency,
                        fetch_job_polling_interval=1.0,
                        delete_jobs="successful",  # the WenZeng record keeps the history
                        update_heartbeat_interval=max(1.0, tick_seconds),
                        stalled_worker_timeout=max(3.0, 3 * tick_seconds),
                    )
                finally:
                    ticker.cancel()
                    self._loop = None

        asyncio.run(main())

    async def _retry_stalled(self, tick_seconds: float) -> None:
        """Library jobs of a worker that stopped sending heartbeats go back to the queue
        (running them again is harmless: a WenZeng job is claimed once per attempt)."""
        manager = self.app.job_manager
        try:
            stalled = await manager.get_stalled_jobs(
                queue=QUEUE, seconds_since_heartbeat=max(3.0, 3 * tick_seconds)
            )
        except Exception:  # the next tick tries again
            log.exception("could not read stalled library jobs")
            return
        for job in stalled:
            try:
                log.info("retrying library job %s of a stalled worker", job.id)
                await manager.retry_job(job)
            except Exception:  # e.g. the WenZeng job is queued again already: drop this one
                log.info("library job %s is queued again already; closing it", job.id)
                with contextlib.suppress(Exception):
                    await manager.finish_job(job, status=jobs.Status.FAILED, delete_job=False)

    def note_progress(self, job_id: int, values: dict[str, Any] | None) -> None:
        """Not needed: on PostgreSQL progress goes to the job's record while it runs."""

    def progress(self, job_id: int) -> dict[str, Any] | None:
        return None

    def close(self) -> None:
        if self._open:
            self.app.close()
            self._open = False
