"""Pages under load: the overview, a target page and the indicator explorer (their JSON twins),
50 concurrent clients against a real server on the built-in data.

    python bench/pages_bench.py [--requests 3000] [--concurrency 50]

The server is ``python -m wenzeng serve`` in a process of its own on 127.0.0.1, on a fresh
SQLite store holding the built-in plan and published figures.  The baseline is the same
requests made one at a time by a single client, so that the table shows what concurrency
costs in latency and gains in throughput.  Aim: p99 < 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

from bench_server import Server, pct

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


async def load(
    base: str, total: int, concurrency: int
) -> tuple[float, dict[str, list[float]], dict[int, int]]:
    import httpx

    latencies: dict[str, list[float]] = {p: [] for p in PATHS}
    statuses: dict[int, int] = {}
    sem = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

        async def one(i: int) -> None:
            path = PATHS[i % len(PATHS)]
            async with sem:
                t0 = time.perf_counter()
                r = await client.get(path)
                latencies[path].append((time.perf_counter() - t0) * 1000)
                statuses[r.status_code] = statuses.get(r.status_code, 0) + 1

        t0 = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(total)))
        return time.perf_counter() - t0, latencies, statuses


def report(label: str, seconds: float, latencies: dict[str, list[float]], total: int) -> float:
    every = [x for xs in latencies.values() for x in xs]
    print(
        f"{label:<22} {total / seconds:>9.0f} req/s   p50 {pct(every, 50):6.1f} ms   "
        f"p95 {pct(every, 95):6.1f} ms   p99 {pct(every, 99):6.1f} ms"
    )
    for path, xs in latencies.items():
        print(f"  {path:<70} p50 {pct(xs, 50):6.1f}  p99 {pct(xs, 99):6.1f} ms")
    return pct(every, 99)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--requests", type=int, default=3000)
    ap.add_argument("--concurrency", type=int, default=50)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        url = prepare(home)
        server = Server(url, home)
        try:
            server.wait_ready()
            asyncio.run(load(server.base, len(PATHS) * 4, 1))  # warm up
            base_s, base_lat, base_st = asyncio.run(load(server.base, args.requests // 10, 1))
            s, lat, st = asyncio.run(load(server.base, args.requests, args.concurrency))
        finally:
            server.stop()
    print(f"{args.requests} requests, {args.concurrency} concurrent clients; statuses {st}")
    b = report("one client (baseline)", base_s, base_lat, args.requests // 10)
    p99 = report(f"{args.concurrency} clients", s, lat, args.requests)
    ratio = (args.requests / s) / ((args.requests // 10) / base_s)
    print(
        f"throughput, {args.concurrency} clients vs one: {ratio:.2f}x; "
        f"p99 {p99:.1f} ms vs {b:.1f} ms"
    )
    print(f"aim p99 < 100 ms: {'met' if p99 < 100 else 'missed'}")
    if set(st) != {200} or set(base_st) != {200}:
        sys.exit(1)


if __name__ == "__main__":
    main()
