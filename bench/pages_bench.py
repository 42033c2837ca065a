"""Pages under load: the overview, two target pages and two indicator-explorer queries (their
JSON twins), 50 concurrent clients against a real server on the built-in data.

    python bench/pages_bench.py [--seconds 10] [--concurrency 50] [--workers 1,2]

The server is ``python -m wenzeng serve --workers N`` in a process of its own on 127.0.0.1,
on a fresh SQLite store holding the built-in plan and published figures.  The load comes
from ``wrk`` (Debian package ``wrk``): written in C, one thread, it leaves the two cores to
the server, where a Python client would take one of them.  Each row is one run of
``--seconds``; for each number of workers: one client (the latency of a lone request), then
``--concurrency`` clients asking for the whole answer, then the same clients revalidating
(``If-None-Match`` with the answer's ETag → 304, what a browser does with a twin it has).
The baseline is the first row of the table, the old configuration: one worker, one
client.  Aim: p99 < 100 ms with 50 clients.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_server import Server

PATHS = [
    "/index.json",
    "/targets/va_growth.json",
    "/targets/phone_5g_share.json",
    "/explorer.json?indicator=va_elec&measure=yoy_pct&period_type=cum_month",
    "/explorer.json?indicator=revenue_elec&measure=level&period_type=cum_month",
]


def prepare(home: Path) -> str:
    from wenzeng.config import load_settings
    from wenzeng.services.context import Context
    from wenzeng.services.setup import initialise

    url = f"sqlite:///{home / 'wenzeng.db'}"
    ctx = Context.open(load_settings(database_url=url, data_dir=home))
    initialise(ctx)
    ctx.close()
    return url


def lua(paths: list[str], etags: dict[str, str] | None) -> str:
    """A wrk script that asks for the paths in turn (with their ETags: revalidation)."""
    items = ", ".join(
        "{%s, %s}" % (f'"{p}"', f"'{etags[p]}'" if etags else "nil")  # noqa: UP031
        for p in paths
    )
    return f"""
local paths = {{{items}}}
local i = 0
request = function()
  i = i + 1
  local p = paths[(i % #paths) + 1]
  if p[2] then
    return wrk.format("GET", p[1], {{["If-None-Match"] = p[2]}})
  end
  return wrk.format("GET", p[1])
end
"""


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not m:
        raise ValueError(text)
    return float(m.group(1)) * UNITS[m.group(2)]


def wrk(base: str, script: Path, connections: int, seconds: int) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s",
         "-s", str(script), base],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    got: dict[str, float] = {"bad": 0.0, "errors": 0.0}
    for line in out.splitlines():
        line = line.strip()
        if m := re.match(r"(50|90|99)(?:\.000)?%\s+(\S+)", line):
            got[f"p{m.group(1)}"] = ms(m.group(2))
        elif line.startswith("Requests/sec:"):
            got["rps"] = float(line.split()[1])
        elif m := re.match(r"(\d+) requests in", line):
            got["n"] = float(m.group(1))
        elif line.startswith("Non-2xx or 3xx responses:"):
            got["bad"] = float(line.split()[-1])
        elif line.startswith("Socket errors:"):
            got["errors"] = float(sum(int(x) for x in re.findall(r"\d+", line)))
    return got


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--concurrency", type=int, default=50)
    ap.add_argument("--workers", default="1,2", help="worker counts to measure, e.g. 1,2,4")
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("this benchmark needs wrk: apt-get install wrk")
    import httpx

    counts = [int(w) for w in args.workers.split(",")]
    rows: list[tuple[str, dict[str, float]]] = []
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        url = prepare(home)
        plain = home / "plain.lua"
        plain.write_text(lua(PATHS, None))
        for workers in counts:
            server = Server(url, home, workers=workers)
            try:
                server.wait_ready()
                etags = {}
                for path in PATHS:  # also the warm-up: every answer once
                    r = httpx.get(server.base + path, timeout=30)
                    r.raise_for_status()
                    etags[path] = r.headers["etag"]
                again = home / "revalidate.lua"
                again.write_text(lua(PATHS, etags))
                label = f"{workers} worker(s)"
                for name, script, conns in (
                    ("1 client", plain, 1),
                    (f"{args.concurrency} clients", plain, args.concurrency),
                    (f"{args.concurrency} clients, 304", again, args.concurrency),
                ):
                    cpu0 = server.cpu_seconds()
                    got = wrk(server.base, script, conns, args.seconds)
                    got["cpu"] = (server.cpu_seconds() - cpu0) / args.seconds
                    rows.append((f"{label}, {name}", got))
                    ok = ok and got["bad"] == 0 and got["errors"] == 0
            finally:
                server.stop()
    print(
        f"JSON twins of {len(PATHS)} pages in turn, {args.seconds} s a row, wrk (1 thread); "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(f"{'configuration':<34} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} "
          f"{'server CPU':>10} {'bad':>5}")  # fmt: skip
    for label, g in rows:
        print(
            f"{label:<34} {g.get('rps', 0):>8.0f} {g.get('p50', 0):>8.1f} {g.get('p90', 0):>8.1f} "
            f"{g.get('p99', 0):>8.1f} {g['cpu']:>9.0%} {g['bad'] + g['errors']:>5.0f}"
        )
    base = rows[0][1]
    for label, g in rows[1:]:
        print(f"{label:<34} throughput {g['rps'] / base['rps']:.2f}x the baseline (first row)")
    loaded = [(lab, g) for lab, g in rows if "clients" in lab]
    for label, g in loaded:
        print(f"aim p99 < 100 ms, {label}: {'met' if g['p99'] < 100 else 'MISSED'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
