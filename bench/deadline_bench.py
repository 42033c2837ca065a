"""The deadline rush: 3,000 key enterprises submit their monthly form through the HTTP API.

Each enterprise creates its ``monthly_enterprise`` draft for one period
(POST /api/v1/submissions) and submits it (POST .../submit, explaining any
warning), 50 at a time, against a real ``wenzeng serve`` process on
127.0.0.1; then an analyst accepts every submitted report (POST .../accept),
also 50 at a time.  Afterwards the store is checked directly: every accepted
figure must be stored as an observation, converted to the indicator's unit,
and every submission must be accepted.

The baseline is the same create + submit done in-process, sequentially, by
calling ``wenzeng.services.submissions.save`` and ``submit`` on a fresh store
of its own (no HTTP, no concurrency); the ratio HTTP-concurrent / in-process
of submissions per second is printed next to it.

    python bench/deadline_bench.py [--enterprises 3000] [--concurrency 50]
                                   [--postgres URL] [--sqlite-only] [--cold]

The PostgreSQL URL defaults to WENZENG_TEST_POSTGRES_URL; without it (or with
--sqlite-only) only SQLite is measured.  Latencies are seen by the client: a
request from sending to the whole answer read, a submission from the moment
its enterprise gets one of the 50 places to the answer of its submit.  Exits
non-zero on any failed request (none is retried) or any mismatch in the store.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench_server import Server, pct

FORM = "monthly_enterprise"
PERIOD = "2025-10"
PROVINCES = [
    "110000", "120000", "130000", "310000", "320000", "330000", "340000", "350000",
    "360000", "370000", "410000", "420000", "430000", "440000", "450000", "500000",
    "510000", "520000", "530000", "610000",
]  # fmt: skip
SECTORS = [f"C39{d}" for d in range(1, 10)]
CHAIN = ["upstream", "midstream", "downstream"]
EXPLANATION = "属实"
REQUEST_TIMEOUT = 60.0  # seconds, one request
PHASE_TIMEOUT = 1800.0  # seconds, the rush or the acceptance as a whole
PROGRESS_EVERY = 500


# -- the world -------------------------------------------------------------------------------------
def pg_schema(url: str) -> tuple[str, str]:
    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}", schema


def drop_schema(url: str, schema: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def codes(n: int) -> list[str]:
    return [f"B{i:05d}" for i in range(1, n + 1)]


def values_for(code: str) -> dict[str, Any]:
    """Plausible figures (万元, 人) that pass every error rule; a few raise a warning.

    There is no history in a fresh store, so only ``profit_margin_plausible`` can
    warn: every 7th enterprise reports a profit above 40 % of revenue, every 13th
    a loss beyond 20 %, and must explain it.
    """
    i = int(code[1:])
    rnd = random.Random(i)
    revenue_month = round(rnd.uniform(500, 50_000), 2)
    revenue_cum = round(revenue_month * rnd.uniform(8.5, 10.5), 2)
    output_month = round(revenue_month * rnd.uniform(1.0, 1.2), 2)
    output_cum = round(output_month * rnd.uniform(8.5, 10.5), 2)
    export_month = round(output_month * rnd.uniform(0.0, 0.6), 2)
    export_cum = round(min(export_month * rnd.uniform(8.0, 10.0), output_cum), 2)
    margin = 0.5 if i % 7 == 0 else -0.3 if i % 13 == 0 else rnd.uniform(0.01, 0.15)
    return {
        "output_value_month": output_month,
        "output_value_cum": output_cum,
        "revenue_month": revenue_month,
        "revenue_cum": revenue_cum,
        "profit_cum": round(revenue_cum * margin, 2),
        "export_month": export_month,
        "export_cum": export_cum,
        "orders_new": round(revenue_month * rnd.uniform(0.8, 1.3), 2),
        "inventory_finished": round(revenue_month * rnd.uniform(0.3, 1.0), 2),
        "receivables": round(revenue_month * rnd.uniform(1.0, 2.5), 2),
        "employment": rnd.randint(80, 20_000),
    }


def build_store(url: str, data_dir: Path, n: int, *, with_tokens: bool) -> dict[str, str]:
    """A fresh store with ``n`` key enterprises, one token-only user each and an analyst.

    Returns {enterprise code or "analyst": API token} (empty without tokens).  The
    users go through ``accounts.add_user`` / ``create_token``, one transaction each:
    3,000 of them take about 4 s on SQLite and 12 s on PostgreSQL, so no bulk path
    is needed.
    """
    from wenzeng.auth.principal import SYSTEM
    from wenzeng.config import load_settings
    from wenzeng.services import accounts
    from wenzeng.services.context import Context
    from wenzeng.services.setup import initialise
    from wenzeng.store.entities import insert_entities

    ctx = Context.open(load_settings(database_url=url, data_dir=data_dir))
    try:
        initialise(ctx)
        rows = [
            {
                "code": code,
                "kind": "enterprise",
                "name_zh": f"重点企业{code}",
                "name_en": f"Key enterprise {code}",
                "region": PROVINCES[i % len(PROVINCES)],
                "sector": SECTORS[(i // len(PROVINCES)) % len(SECTORS)],
                "chain_position": CHAIN[i % len(CHAIN)],
                "attributes": {},
                "simulated": False,
            }
            for i, code in enumerate(codes(n))
        ]
        with ctx.transaction() as conn:
            insert_entities(conn, rows)
        ctx.invalidate()
        tokens: dict[str, str] = {}
        accounts.add_user(ctx, SYSTEM, username="analyst", role="analyst")
        if with_tokens:
            tokens["analyst"] = accounts.create_token(ctx, SYSTEM, "analyst", "bench")
        for code in codes(n):
            name = code.lower()
            accounts.add_user(ctx, SYSTEM, username=name, role="enterprise", entity=code)
            if with_tokens:
                tokens[code] = accounts.create_token(ctx, SYSTEM, name, "bench")
        return tokens
    finally:
        ctx.close()


# -- the rush --------------------------------------------------------------------------------------
@dataclass
class Phase:
    """Timings and outcomes of one timed phase."""

    done: int = 0
    seconds: float = 0.0
    request_ms: list[float] = field(default_factory=list)
    whole_ms: list[float] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    server_cpu: float = 0.0  # seconds
    client_cpu: float = 0.0


def client_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def timed_cpu(server: Server, run: Any) -> Any:
    """``asyncio.run(run)``, noting the CPU time the server and this process spent on it."""
    s0, c0 = server.cpu_seconds(), client_cpu()
    out = asyncio.run(run)
    phase = out[0] if isinstance(out, tuple) else out
    phase.server_cpu, phase.client_cpu = server.cpu_seconds() - s0, client_cpu() - c0
    return out


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


async def post(
    client: Any, phase: Phase, what: str, url: str, body: dict[str, Any], token: str
) -> Any:
    """One POST, timed; a failure is counted (by status or exception) and never retried."""
    import httpx

    headers = {"Authorization": f"Bearer {token}"}
    t0 = time.perf_counter()
    try:
        r = await client.post(url, json=body, headers=headers)
    except httpx.HTTPError as exc:
        phase.request_ms.append((time.perf_counter() - t0) * 1000)
        key = f"{what}: {type(exc).__name__}"
        phase.failures[key] += 1
        phase.examples.setdefault(key, str(exc)[:300])
        return None
    phase.request_ms.append((time.perf_counter() - t0) * 1000)
    if r.status_code not in (200, 201):
        key = f"{what}: HTTP {r.status_code}"
        phase.failures[key] += 1
        phase.examples.setdefault(key, r.text[:300])
        return None
    return r.json()["submission"]


@asynccontextmanager
async def clients(base: str, concurrency: int) -> AsyncIterator[asyncio.Queue[Any]]:
    """``concurrency`` clients of one keep-alive connection each, like as many separate users.

    Not one shared AsyncClient with ``concurrency`` connections: its connection pool costs
    the load generator about 2.3 ms of CPU per request (against 1.1 ms here) and, on a
    2-core machine shared with the server, adds about 0.5 s to the p99 of a request that
    does nothing (GET /healthz, 50 at a time: p99 560 ms against 105 ms) -- that would
    measure httpx, not WenZeng.  Idle connections are dropped after 2 s, before uvicorn's
    5-s keep-alive timeout closes them under a request (which would fail with ReadError).
    """
    import httpx

    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1, keepalive_expiry=2.0)
    pool: asyncio.Queue[Any] = asyncio.Queue()
    made = [
        httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT, limits=limits)
        for _ in range(concurrency)
    ]
    for c in made:
        pool.put_nowait(c)
    try:
        yield pool
    finally:
        for c in made:
            await c.aclose()


async def rush(
    base: str, tokens: dict[str, str], concurrency: int
) -> tuple[Phase, dict[str, tuple[int, int]]]:
    """Every enterprise creates and submits its form; returns {code: (id, version)} submitted."""
    phase = Phase()
    submitted: dict[str, tuple[int, int]] = {}
    gate = asyncio.Semaphore(concurrency)
    enterprises = [c for c in tokens if c != "analyst"]

    async with clients(base, concurrency) as pool:

        async def one(code: str) -> None:
            async with gate:
                client = pool.get_nowait()  # there are as many clients as places at the gate
                try:
                    t0 = time.perf_counter()
                    body = {
                        "form": FORM,
                        "reporter": code,
                        "period": PERIOD,
                        "values": values_for(code),
                    }
                    sub = await post(
                        client, phase, "create", "/api/v1/submissions", body, tokens[code]
                    )
                    if sub is not None:
                        notes = {pr["rule"]: EXPLANATION for pr in sub["problems"]}
                        done = await post(
                            client, phase, "submit",
                            f"/api/v1/submissions/{sub['id']}/submit",
                            {"version": sub["version"], "explanations": notes}, tokens[code],
                        )  # fmt: skip
                        if done is not None:
                            submitted[code] = (done["id"], done["version"])
                            phase.whole_ms.append((time.perf_counter() - t0) * 1000)
                finally:
                    pool.put_nowait(client)
                phase.done += 1
                if phase.done % PROGRESS_EVERY == 0:
                    say(f"  rush: {phase.done:,}/{len(enterprises):,}")

        t0 = time.perf_counter()
        await asyncio.wait_for(
            asyncio.gather(*(one(c) for c in enterprises)), timeout=PHASE_TIMEOUT
        )
        phase.seconds = time.perf_counter() - t0
    return phase, submitted


def warm_up(base: str, tokens: dict[str, str]) -> None:
    """Two untimed requests, so that the rush meets a server that has been running for a while.

    The first requests of a fresh server fill its caches (the catalogue with the stored
    enterprises, the parsed forms and plans).  Nothing stops 50 requests arriving at once
    from each filling them, which takes seconds of CPU; that is a server start under load,
    not the deadline rush.  ``--cold`` skips this to show it.
    """
    import httpx

    code = next(c for c in tokens if c != "analyst")
    body = {"form": FORM, "reporter": code, "period": PERIOD, "values": values_for(code)}
    for token, method, url, payload in (
        (tokens["analyst"], "GET", "/api/v1/forms", None),
        (tokens[code], "POST", "/api/v1/submissions/check", body),
    ):
        r = httpx.request(
            method,
            base + url,
            json=payload,
            headers={"Authorization": f"Bearer {token}"},
            timeout=REQUEST_TIMEOUT,
        )
        if r.status_code != 200:
            raise SystemExit(f"warm-up {method} {url}: HTTP {r.status_code}: {r.text[:500]}")


async def accept_all(
    base: str, token: str, submitted: dict[str, tuple[int, int]], concurrency: int
) -> Phase:
    """The analyst accepts every submitted report."""
    phase = Phase()
    gate = asyncio.Semaphore(concurrency)
    async with clients(base, concurrency) as pool:

        async def one(sid: int, version: int) -> None:
            async with gate:
                client = pool.get_nowait()
                try:
                    await post(
                        client, phase, "accept", f"/api/v1/submissions/{sid}/accept",
                        {"version": version}, token,
                    )  # fmt: skip
                finally:
                    pool.put_nowait(client)
                phase.done += 1
                if phase.done % PROGRESS_EVERY == 0:
                    say(f"  accept: {phase.done:,}/{len(submitted):,}")

        t0 = time.perf_counter()
        await asyncio.wait_for(
            asyncio.gather(*(one(sid, v) for sid, v in submitted.values())),
            timeout=PHASE_TIMEOUT,
        )
        phase.seconds = time.perf_counter() - t0
    phase.whole_ms = phase.request_ms
    return phase


# -- the check -------------------------------------------------------------------------------------
def check_store(url: str, data_dir: Path, n: int) -> list[str]:
    """Mismatches between what was submitted and what the store holds (empty: all is well)."""
    from sqlalchemy import func, select

    from wenzeng.config import load_settings
    from wenzeng.domain.periods import parse_period
    from wenzeng.domain.units import convert
    from wenzeng.services.context import Context
    from wenzeng.services.forms import get_form
    from wenzeng.services.submissions import field_period
    from wenzeng.store import observations as observation_store
    from wenzeng.store.tables import submission

    out: list[str] = []
    ctx = Context.open(load_settings(database_url=url, data_dir=data_dir))
    try:
        every = codes(n)
        with ctx.reading() as conn:
            accepted = conn.execute(
                select(func.count())
                .select_from(submission)
                .where(
                    submission.c.form == FORM,
                    submission.c.period == PERIOD,
                    submission.c.status == "accepted",
                )
            ).scalar_one()
            if accepted != n:
                out.append(f"{accepted:,} submissions accepted, expected {n:,}")
            form = get_form(ctx, FORM)
            per = parse_period(PERIOD, "month")
            for f in form.fields:
                if not f.indicator or f.measure is None:
                    continue
                fp = field_period(form, f, per)
                got = {
                    r.entity: r.value
                    for r in observation_store.query_observations(
                        conn,
                        units=ctx.units,
                        indicator=f.indicator,
                        entities=every,
                        measure=f.measure.value,
                        period_type=fp.type.value,
                        periods=[fp.code],
                    )
                }
                unit = ctx.units.get(f.indicator)
                for code in every:
                    sent = values_for(code).get(f.code)
                    if sent is None:
                        continue
                    want = float(sent)
                    if f.measure.value == "level" and unit and f.unit:
                        want = convert(want, f.unit, unit)
                    if f.code == "revenue_cum":  # spelled out: 万元 → 亿元
                        assert unit == "亿元" and abs(want - sent / 10_000) < 1e-9
                    have = got.get(code)
                    if have is None or abs(have - want) > 1e-9 * max(1.0, abs(want)):
                        out.append(
                            f"{code} {f.indicator} {f.measure.value} {fp.type.value} "
                            f"{fp.code}: stored {have!r}, submitted {sent!r} {f.unit} = {want!r}"
                        )
    finally:
        ctx.close()
    return out


# -- the baseline ----------------------------------------------------------------------------------
def baseline(url: str, data_dir: Path, n: int) -> tuple[float, int, Counter[str]]:
    """(seconds, submissions, failures) for create + submit in-process, one after the other."""
    from sqlalchemy import select

    from wenzeng.config import load_settings
    from wenzeng.errors import WenzengError
    from wenzeng.services import accounts
    from wenzeng.services import submissions as subs
    from wenzeng.services.context import Context
    from wenzeng.store.tables import user

    build_store(url, data_dir, n, with_tokens=False)
    ctx = Context.open(load_settings(database_url=url, data_dir=data_dir))
    failures: Counter[str] = Counter()
    try:
        with ctx.reading() as conn:
            rows = conn.execute(select(user).where(user.c.role == "enterprise")).all()
        principals = {r.entity: accounts.principal_from_row(ctx, r._mapping) for r in rows}
        done = 0
        t0 = time.perf_counter()
        for i, code in enumerate(codes(n), 1):
            p = principals[code]
            try:
                s = subs.save(
                    ctx, p, form_code=FORM, reporter=code, period=PERIOD, values=values_for(code)
                )
                notes = {pr["rule"]: EXPLANATION for pr in s.problems}
                subs.submit(ctx, p, s.id, version=s.version, explanations=notes)
                done += 1
            except WenzengError as exc:
                failures[f"{type(exc).__name__} (HTTP {exc.status})"] += 1
            if i % PROGRESS_EVERY == 0:
                say(f"  in-process: {i:,}/{n:,}")
        return time.perf_counter() - t0, done, failures
    finally:
        ctx.close()


# -- reporting -------------------------------------------------------------------------------------
def row(label: str, what: str, n: int, seconds: float, xs: list[float] | None) -> str:
    rate = n / seconds if seconds else float("nan")
    lat = (
        f"{pct(xs, 50):>8.0f} {pct(xs, 95):>8.0f} {pct(xs, 99):>8.0f} {max(xs):>8.0f}"
        if xs
        else f"{'':>8} {'':>8} {'':>8} {'':>8}"
    )
    return f"{label:<11} {what:<34} {n:>7,} {seconds:>8.2f} {rate:>8.1f} {lat}"


def measure_store(label: str, make_url: Any, args: argparse.Namespace, tmp: Path) -> bool:
    n, conc = args.enterprises, args.concurrency
    ok = True
    # HTTP, concurrent
    url, schema = make_url("http")
    data_dir = tmp / f"{label}-http"
    data_dir.mkdir()
    try:
        t0 = time.perf_counter()
        tokens = build_store(url, data_dir, n, with_tokens=True)
        say(f"{label}: store with {n:,} enterprises, users and tokens in "
            f"{time.perf_counter() - t0:.1f}s")  # fmt: skip
        server = Server(url, data_dir)
        try:
            server.wait_ready()
            if not args.cold:
                warm_up(server.base, tokens)
            say(f"{label}: server up on {server.base}; the rush ({conc} at a time)")
            rushed, submitted = timed_cpu(server, rush(server.base, tokens, conc))
            say(f"{label}: acceptance of {len(submitted):,}")
            accepted = timed_cpu(
                server, accept_all(server.base, tokens["analyst"], submitted, conc)
            )
        finally:
            server.stop()
        say(f"{label}: checking the store")
        mismatches = check_store(url, data_dir, n)
    finally:
        if schema:
            drop_schema(args.postgres, schema)
    # in-process, sequential
    url, schema = make_url("inproc")
    data_dir = tmp / f"{label}-inproc"
    data_dir.mkdir()
    try:
        say(f"{label}: in-process baseline")
        base_s, base_n, base_failures = baseline(url, data_dir, n)
    finally:
        if schema:
            drop_schema(args.postgres, schema)

    print(row(label, f"rush: requests (x{conc})", len(rushed.request_ms), rushed.seconds,
              rushed.request_ms))  # fmt: skip
    print(row(label, f"rush: create+submit (x{conc})", len(submitted), rushed.seconds,
              rushed.whole_ms))  # fmt: skip
    print(row(label, f"accept (x{conc})", len(submitted) - sum(accepted.failures.values()),
              accepted.seconds,
              accepted.request_ms))  # fmt: skip
    print(row(label, "in-process create+submit (x1)", base_n, base_s, None))
    for name, ph in (("rush", rushed), ("accept", accepted)):
        print(
            f"{label:<11} CPU during the {name}: server {ph.server_cpu:.1f} s "
            f"({ph.server_cpu / ph.seconds:.0%} of one core), this client {ph.client_cpu:.1f} s"
        )
    http_rate = len(submitted) / rushed.seconds
    base_rate = base_n / base_s
    print(f"{label:<11} HTTP x{conc} / in-process: {http_rate / base_rate:.2f}x submissions/s")
    for phase_name, phase in (("rush", rushed), ("accept", accepted)):
        for key, count in sorted(phase.failures.items()):
            ok = False
            print(f"{label:<11} FAILED {phase_name} {key}: {count:,}  e.g. {phase.examples[key]}")
    for key, count in sorted(base_failures.items()):
        ok = False
        print(f"{label:<11} FAILED in-process {key}: {count:,}")
    if mismatches:
        ok = False
        print(f"{label:<11} check: {len(mismatches):,} mismatches")
        for m in mismatches[:20]:
            print(f"{label:<11}   {m}")
    else:
        print(f"{label:<11} check: OK ({n:,} accepted, every figure stored)")
    p99 = pct(rushed.request_ms, 99)
    aim = "met" if p99 < 500 else "MISSED"
    print(
        f"{label:<11} aim p99 < 500 ms per rush request: {aim} ({p99:.0f} ms; "
        f"create+submit together {pct(rushed.whole_ms, 99):.0f} ms)"
    )
    return ok


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--enterprises", type=int, default=3000)
    p.add_argument("--concurrency", type=int, default=50)
    p.add_argument("--postgres", default=os.environ.get("WENZENG_TEST_POSTGRES_URL"))
    p.add_argument("--sqlite-only", action="store_true")
    p.add_argument(
        "--cold",
        action="store_true",
        help="start the rush on a fresh server, without the two warm-up requests",
    )
    args = p.parse_args()
    if not 1 <= args.enterprises <= 99_999:
        p.error("--enterprises must be between 1 and 99,999")
    if not 1 <= args.concurrency <= 200:
        p.error("--concurrency must be between 1 and 200")

    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        targets: list[tuple[str, Any]] = [
            ("SQLite", lambda name: (f"sqlite:///{tmpdir / name}.db", None))
        ]
        if args.postgres and not args.sqlite_only:
            targets.append(("PostgreSQL", lambda _name: pg_schema(args.postgres)))
        print(f"{args.enterprises:,} enterprises, form {FORM}, period {PERIOD}; latencies in ms")
        print(
            f"{'store':<11} {'phase':<34} {'n':>7} {'seconds':>8} {'per s':>8} "
            f"{'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}"
        )
        for label, make_url in targets:
            before = os.getloadavg()[0]
            ok = measure_store(label, make_url, args, tmpdir) and ok
            print(
                f"{label:<11} load average (1 min) {before:.1f} before, {os.getloadavg()[0]:.1f} "
                f"after, on {os.cpu_count()} CPUs: other work on the machine skews the figures"
            )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
