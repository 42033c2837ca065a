"""The queue beside a SQLite store: huey's ``SqliteHuey`` in its own file, so that the
queue's writes never wait for the store's write lock."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from huey import SqliteHuey

from wenzeng.jobs.queue import Handler, Tick

log = logging.getLogger("wenzeng.jobs")
TASK = "wenzeng.run_job"


class HueyQueue:
    name = "huey"

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.huey = SqliteHuey("wenzeng", filename=str(path), results=False, utc=True)
        self._handle: Handler | None = None

        def run_job(job_id: int) -> None:
            if self._handle is None:  # pragma: no cover - only a worker dequeues
                raise RuntimeError("no job handler: run jobs with `wenzeng worker`")
            self._handle(job_id)

        self._task: Any = self.huey.task(name=TASK)(run_job)

    def prepare(self) -> None:
        self.huey.storage.initialize_schema()

    def _pending(self) -> set[int]:
        return {int(t.args[0]) for t in self.huey.pending() if t.args}

    def enqueue(self, job_id: int) -> None:
        if job_id not in self._pending():
            self._task(job_id)

    def run_worker(
        self, handle: Handler, *, concurrency: int, tick: Tick, tick_seconds: float
    ) -> None:
        self._handle = handle
        stop = threading.Event()

        def ticking() -> None:
            while not stop.wait(tick_seconds):
                tick()

        ticker = threading.Thread(target=ticking, name="wenzeng-jobs-tick", daemon=True)
        consumer = self.huey.create_consumer(
            workers=concurrency,
            worker_type="thread",
            periodic=False,
            initial_delay=0.05,
            backoff=1.5,
            max_delay=0.5,
        )
        tick()  # at start: jobs a killed worker left behind
        ticker.start()
        try:
            consumer.run()  # until SIGINT / SIGTERM (huey's own handlers)
        finally:
            stop.set()

    def note_progress(self, job_id: int, values: dict[str, Any] | None) -> None:
        # huey's key-value store, in the queue's own file: no wait for the store's lock
        key = f"wenzeng-progress-{job_id}"
        if values is None:
            self.huey.delete(key)
        else:
            self.huey.put(key, dict(values))

    def progress(self, job_id: int) -> dict[str, Any] | None:
        got = self.huey.get(f"wenzeng-progress-{job_id}", peek=True)
        return dict(got) if isinstance(got, dict) else None

    def close(self) -> None:
        self.huey.storage.close()
