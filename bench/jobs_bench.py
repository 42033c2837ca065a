"""Background jobs: does the server keep answering while a 50 MB upload and a report run?

A WenZeng server (``wenzeng serve``, which starts its job worker) on SQLite in a process of
its own.  A few clients ask for ``/healthz`` and the overview's JSON twin (``/index.json``)
as fast as they can, first with no job running (the baseline, same run, same server), then
while a 50 MB CSV upload (760,000 rows) and a report generation (HTML, PDF and Word) run as
jobs.  Prints p50 / p99 of both phases and their ratio, how long the upload took to be
accepted, and how far the jobs got.  Aim: p99 < 200 ms while the jobs run.

    python bench/jobs_bench.py [--clients 4] [--seconds 20] [--mb 50]
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from bench_server import Server, pct  # noqa: E402

PATHS = ("/healthz", "/index.json")


def make_csv(path: Path, megabytes: int, header: str) -> int:
    """A filled-in monthly enterprise form of E0001 (a demo enterprise), ``megabytes`` large;
    its periods repeat after 100 years of months, as a file pasted together by mistake."""
    values = "12000,100000,11000,95000,5.0,6000,3000,30000,12500,8000,20000,1500"
    rows = 0
    with path.open("w", encoding="utf-8") as fh:
        fh.write(header + "\n")
        size = len(header.encode()) + 1
        while size < megabytes * 1_000_000:
            i = rows % 1200
            line = f"E0001,{2025 - i // 12}-{12 - i % 12:02d},{values}\n"
            fh.write(line)
            size += len(line.encode())
            rows += 1
    return rows


def prepare(url: str) -> tuple[str, dict[str, str]]:
    """The form's CSV header, and API tokens of the demo enterprise and the administrator."""
    from wenzeng.auth.principal import SYSTEM
    from wenzeng.config import load_settings
    from wenzeng.services import accounts
    from wenzeng.services.context import Context
    from wenzeng.services.form_files import template_csv
    from wenzeng.services.forms import get_form

    ctx = Context.open(load_settings(database_url=url))
    try:
        header = template_csv(get_form(ctx, "monthly_enterprise")).decode("utf-8-sig").strip()
        keys = {u: accounts.create_token(ctx, SYSTEM, u, "bench") for u in ("e0001", "admin")}
        return header, keys
    finally:
        ctx.close()


async def load(base: str, clients: int, seconds: float) -> dict[str, list[float]]:
    """Latencies (ms) of each path, ``clients`` at a time for ``seconds``."""
    out: dict[str, list[float]] = {p: [] for p in PATHS}
    failures = 0
    deadline = time.monotonic() + seconds

    async def client(n: int) -> None:
        nonlocal failures
        async with httpx.AsyncClient(base_url=base, timeout=30) as c:
            i = n
            while time.monotonic() < deadline:
                path = PATHS[i % len(PATHS)]
                i += 1
                t = time.perf_counter()
                try:
                    r = await c.get(path)
                    ok = r.status_code == 200
                except httpx.HTTPError:
                    ok = False
                if ok:
                    out[path].append((time.perf_counter() - t) * 1000)
                else:
                    failures += 1

    await asyncio.gather(*(client(n) for n in range(clients)))
    if failures:
        print(f"  ({failures} failed requests)")
    return out


def summary(name: str, lat: dict[str, list[float]]) -> dict[str, tuple[float, float, int]]:
    got = {}
    for path, xs in lat.items():
        got[path] = (pct(xs, 50), pct(xs, 99), len(xs))
        print(
            f"  {name:<9} {path:<12} n={len(xs):>6}  p50 {got[path][0]:7.1f} ms  p99 {got[path][1]:7.1f} ms"
        )
    return got


def job(url: str, job_id: int) -> dict[str, Any]:
    """A job as the store has it (read directly: on SQLite an API token's use is written,
    and that write waits for the upload's transaction)."""
    from wenzeng.auth.principal import SYSTEM
    from wenzeng.config import load_settings
    from wenzeng.services import jobs
    from wenzeng.services.context import Context

    ctx = Context.open(load_settings(database_url=url))
    try:
        return jobs.get_job(ctx, SYSTEM, job_id)
    finally:
        ctx.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--mb", type=int, default=50)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="wenzeng-jobs-bench-"))
    url = f"sqlite:///{work / 'wenzeng.db'}"
    print(f"store {url}; {args.clients} clients, {args.seconds:.0f} s a phase")
    subprocess.run(
        [sys.executable, "-m", "wenzeng", "--database-url", url, "init", "--demo"],
        check=True,
        capture_output=True,
        cwd=work,
    )
    header, keys = prepare(url)
    csv = work / "big.csv"
    t = time.perf_counter()
    rows = make_csv(csv, args.mb, header)
    print(
        f"upload file: {csv.stat().st_size / 1e6:.1f} MB, {rows:,} rows ({time.perf_counter() - t:.1f} s to write)"
    )
    server = Server(url, work)
    try:
        server.wait_ready()
        asyncio.run(load(server.base, args.clients, 3))  # warm the caches
        print("baseline: no job running")
        base = summary("baseline", asyncio.run(load(server.base, args.clients, args.seconds)))

        t = time.perf_counter()
        with csv.open("rb") as fh:
            r = httpx.post(
                f"{server.base}/api/v1/forms/monthly_enterprise/upload",
                files={"file": ("big.csv", fh, "text/csv")},
                headers={"Authorization": f"Bearer {keys['e0001']}"},
                timeout=300,
            )
        accepted = time.perf_counter() - t
        assert r.status_code == 202, r.text[:500]
        upload_id = r.json()["job"]["id"]
        r = httpx.post(
            f"{server.base}/api/v1/reports",
            json={"kind": "quarterly", "period": "2024Q3", "formats": ["html", "pdf", "docx"]},
            headers={"Authorization": f"Bearer {keys['admin']}"},
            timeout=30,
        )
        assert r.status_code == 202, r.text[:500]
        report_id = r.json()["job"]["id"]
        print(f"upload accepted (202) in {accepted * 1000:.0f} ms; report job {report_id} queued")
        started = time.perf_counter()
        print("while the upload and the report run as jobs")
        busy = summary("jobs", asyncio.run(load(server.base, args.clients, args.seconds)))
        took = time.perf_counter() - started
        up = job(url, upload_id)
        rep = job(url, report_id)
        print(
            f"after {took:.0f} s: upload {up['status']} ({up['stage']}, {up['done']}/{up['total']}),"
            f" report {rep['status']} ({rep['stage']})"
        )
        print("ratio jobs / baseline (p99):")
        worst = 0.0
        for path in PATHS:
            ratio = busy[path][1] / base[path][1]
            worst = max(worst, busy[path][1])
            print(f"  {path:<12} {ratio:5.2f}x  (p50 {busy[path][0] / base[path][0]:5.2f}x)")
        print(
            f"worst p99 while jobs run: {worst:.1f} ms (aim < 200 ms): {'met' if worst < 200 else 'MISSED'}"
        )
        deadline = time.monotonic() + 120
        while not (rep := job(url, report_id))["finished"] and time.monotonic() < deadline:
            time.sleep(1)
        up = job(url, upload_id)
        print(
            f"then: report {rep['status']} {rep['message'] or ''} after "
            f"{time.perf_counter() - started:.0f} s; upload {up['status']} "
            f"({up['stage']}, {up['done']}/{up['total']})"
        )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
