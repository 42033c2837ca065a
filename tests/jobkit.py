"""What the job tests share: a real ``wenzeng worker`` in a process of its own, a store whose
jobs go to it, and uploads big enough to watch while they run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from factories import ENTERPRISE_VALUES, add_enterprises
from wenzeng.auth.principal import SYSTEM, Principal
from wenzeng.services import accounts, jobs
from wenzeng.services.context import Context
from wenzeng.services.form_files import template_csv
from wenzeng.services.forms import get_form

STALE = 3  # seconds without a heartbeat before a running job is retried


def queued_context(ctx: Context) -> Context:
    """The same store, with jobs sent to the queue (not run in the request) and a short
    stale-heartbeat time, so that a killed worker's job is retried within seconds."""
    settings = ctx.settings.model_copy(
        update={"jobs_inline": False, "jobs_stale_seconds": STALE, "jobs_max_attempts": 3}
    )
    out = Context(settings, ctx.store)
    jobs.prepare_queue(out)
    return out


class Worker:
    """``wenzeng worker`` for a store, in a process of its own."""

    def __init__(self, ctx: Context, log: Path) -> None:
        env = {
            **os.environ,
            "WENZENG_DATABASE_URL": ctx.settings.effective_database_url,
            "WENZENG_JOBS_INLINE": "0",
            "WENZENG_JOBS_STALE_SECONDS": str(STALE),
            "WENZENG_JOBS_CONCURRENCY": "2",
        }
        self.log = log
        self._out = log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "wenzeng", "worker"],
            env=env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )

    def kill9(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._out.close()

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def reporter(ctx: Context, username: str = "acme", entity: str = "E9001") -> Principal:
    add_enterprises(ctx, (entity, f"{entity} 公司", "510000", "C392"))
    accounts.add_user(ctx, SYSTEM, username=username, role="enterprise", entity=entity)
    p = accounts.principal_for_user(ctx, accounts.get_user(ctx, username)["id"])
    assert p is not None
    return p


def staff(ctx: Context, username: str = "ana") -> Principal:
    accounts.add_user(ctx, SYSTEM, username=username, role="analyst")
    p = accounts.principal_for_user(ctx, accounts.get_user(ctx, username)["id"])
    assert p is not None
    return p


def monthly_csv(
    ctx: Context, months: int, entity: str = "E9001", bad_row: int | None = None
) -> bytes:
    """A filled-in monthly enterprise form: one valid row a month back from 2025-12; row
    ``bad_row`` (as a spreadsheet counts, header = 1) has a period nobody can read."""
    form = get_form(ctx, "monthly_enterprise")
    lines = [template_csv(form).decode("utf-8-sig").strip()]
    values = [str(ENTERPRISE_VALUES.get(f.code, "")) for f in form.fields]
    for i in range(months):
        period = f"{2025 - i // 12}-{12 - i % 12:02d}"
        if bad_row is not None and i + 2 == bad_row:
            period = "2025年13月"
        lines.append(",".join([entity, period, *values]))
    return ("\n".join(lines) + "\n").encode()


def upload_params(name: str = "big.csv") -> dict[str, Any]:
    return {"form": "monthly_enterprise", "filename": name, "submit": False}


def wait_until(
    what: Callable[[], Any], seconds: float, *, every: float = 0.05, why: str = ""
) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        got = what()
        if got:
            return got
        time.sleep(every)
    raise AssertionError(f"not within {seconds} s: {why}")
