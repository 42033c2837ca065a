"""The port between WenZeng's jobs and a queue library."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

Handler = Callable[[int], None]
Tick = Callable[[], None]


class JobQueue(Protocol):
    """Carries job ids from whoever starts a job to a worker, nothing more."""

    name: str

    def prepare(self) -> None:
        """Create what the queue needs in its database when it is absent."""

    def enqueue(self, job_id: int) -> None:
        """Ask a worker to run WenZeng job ``job_id`` (asking twice is harmless)."""

    def run_worker(
        self, handle: Handler, *, concurrency: int, tick: Tick, tick_seconds: float
    ) -> None:
        """Run jobs with ``handle`` until stopped (SIGINT / SIGTERM), and ``tick`` every
        ``tick_seconds`` (the reconciling of stalled jobs)."""

    def note_progress(self, job_id: int, values: dict[str, Any] | None) -> None:
        """Keep a running job's progress beside the queue (None: forget it); used where the
        store cannot take it while the job's own transaction holds its write lock."""

    def progress(self, job_id: int) -> dict[str, Any] | None:
        """The progress :meth:`note_progress` kept, if any."""

    def close(self) -> None: ...


def queue_file(store_file: str) -> Path:
    """The huey queue file beside a SQLite store: var/wenzeng.db -> var/wenzeng-jobs.db."""
    path = Path(store_file)
    return path.with_name(f"{path.stem}-jobs{path.suffix or '.db'}")


def open_queue(backend: str, where: str) -> JobQueue:
    """The queue for a store: procrastinate on PostgreSQL (``where``: a libpq connection
    string), huey in a file beside a SQLite store (``where``: the store's file)."""
    if backend == "postgresql":
        from wenzeng.jobs.procrastinate_queue import ProcrastinateQueue

        return ProcrastinateQueue(where)
    if where in ("", ":memory:"):
        raise ValueError("a store in memory has no job queue: run its jobs inline")
    from wenzeng.jobs.huey_queue import HueyQueue

    return HueyQueue(queue_file(where))
