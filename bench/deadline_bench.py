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
import signal
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
def pg_database(url: str) -> tuple[str, str]:
    """A fresh, empty database on the server of ``url``: (its URL, its name)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"wz_bench_{uuid.uuid4().hex[:10]}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False), name


def drop_database(url: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
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
    base: str,
    tokens: dict[str, str],
    concurrency: int,
    created: dict[str, int],
    kill: Any = None,
) -> tuple[Phase, dict[str, tuple[int, int]]]:
    """Every enterprise creates and submits its form; returns {code: (id, version)} submitted
    and fills ``created`` with {code: id} of every acknowledged draft.  ``kill()`` is called
    once a third of the enterprises are done (kill -9 of a worker)."""
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
                        created[code] = sub["id"]
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
                if kill is not None and phase.done == len(enterprises) // 3:
                    kill()
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
    base: str,
    token: str,
    submitted: dict[str, tuple[int, int]],
    concurrency: int,
    accepted: set[int],
) -> Phase:
    """The analyst accepts every submitted report; ``accepted`` gets the acknowledged ids."""
    phase = Phase()
    gate = asyncio.Semaphore(concurrency)
    async with clients(base, concurrency) as pool:

        async def one(sid: int, version: int) -> None:
            async with gate:
                client = pool.get_nowait()
                try:
                    done = await post(
                        client, phase, "accept", f"/api/v1/submissions/{sid}/accept",
                        {"version": version}, token,
                    )  # fmt: skip
                    if done is not None:
                        accepted.add(sid)
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
def check_store(
    url: str,
    data_dir: Path,
    created: dict[str, int],
    submitted: dict[str, tuple[int, int]],
    accepted: set[int],
) -> tuple[list[str], int]:
    """(mismatches, lost): every acknowledged draft must be stored, every acknowledged
    submission stored as submitted or accepted, every acknowledged acceptance stored as
    accepted with each of its figures as an observation.  ``lost`` counts acknowledged
    steps the store does not hold."""
    from sqlalchemy import select

    from wenzeng.config import load_settings
    from wenzeng.domain.periods import parse_period
    from wenzeng.domain.units import convert
    from wenzeng.services.context import Context
    from wenzeng.services.forms import get_form
    from wenzeng.services.submissions import field_period
    from wenzeng.store import observations as observation_store
    from wenzeng.store.tables import submission

    out: list[str] = []
    lost = 0
    ctx = Context.open(load_settings(database_url=url, data_dir=data_dir))
    try:
        with ctx.reading() as conn:
            stored = {
                r.reporter: (r.id, r.status)
                for r in conn.execute(
                    select(submission.c.reporter, submission.c.id, submission.c.status).where(
                        submission.c.form == FORM, submission.c.period == PERIOD
                    )
                )
            }
            for code, sid in created.items():
                if stored.get(code, (None,))[0] != sid:
                    lost += 1
                    out.append(f"{code}: acknowledged draft {sid} is not stored")
            for code, (sid, _v) in submitted.items():
                want = ("accepted",) if sid in accepted else ("submitted", "accepted")
                if stored.get(code, (None, None))[1] not in want:
                    lost += 1
                    out.append(f"{code}: submission {sid} stored as {stored.get(code)}")
            every = [c for c, (sid, _v) in submitted.items() if sid in accepted]
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
                    want_v = float(sent)
                    if f.measure.value == "level" and unit and f.unit:
                        want_v = convert(want_v, f.unit, unit)
                    if f.code == "revenue_cum":  # spelled out: 万元 → 亿元
                        assert unit == "亿元" and abs(want_v - sent / 10_000) < 1e-9
                    have = got.get(code)
                    if have is None or abs(have - want_v) > 1e-9 * max(1.0, abs(want_v)):
                        lost += have is None
                        out.append(
                            f"{code} {f.indicator} {f.measure.value} {fp.type.value} "
                            f"{fp.code}: stored {have!r}, submitted {sent!r} {f.unit} = {want_v!r}"
                        )
    finally:
        ctx.close()
    return out, lost


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
    label = label[:16]
    rate = n / seconds if seconds else float("nan")
    lat = (
        f"{pct(xs, 50):>8.0f} {pct(xs, 95):>8.0f} {pct(xs, 99):>8.0f} {max(xs):>8.0f}"
        if xs
        else f"{'':>8} {'':>8} {'':>8} {'':>8}"
    )
    return f"{label:<16} {what:<34} {n:>7,} {seconds:>8.2f} {rate:>8.1f} {lat}"


@dataclass
class Run:
    """One configuration's rush and acceptance."""

    label: str
    rushed: Phase
    accepted: Phase
    submitted: int
    lost: int
    mismatches: list[str]
    killed: int | None  # the pid killed mid-rush, if any


def measure_http(
    label: str, make_url: Any, args: argparse.Namespace, tmp: Path, workers: int, kill: bool
) -> Run:
    n, conc = args.enterprises, args.concurrency
    url, drop = make_url()
    data_dir = tmp / f"{label}-{workers}-{'kill' if kill else 'http'}".replace(" ", "_")
    data_dir.mkdir()
    killed: list[int] = []
    try:
        t0 = time.perf_counter()
        tokens = build_store(url, data_dir, n, with_tokens=True)
        say(f"{label}: store with {n:,} enterprises, users and tokens in "
            f"{time.perf_counter() - t0:.1f}s")  # fmt: skip
        server = Server(url, data_dir, workers=workers)

        def kill_one() -> None:
            pid = server.worker_pids()[0]
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
            say(f"  kill -9 {pid} (a worker) mid-rush")

        created: dict[str, int] = {}
        accepted: set[int] = set()
        try:
            server.wait_ready()
            if not args.cold:
                warm_up(server.base, tokens)
            say(f"{label}: {workers} worker(s) up on {server.base}; the rush ({conc} at a time)")
            rushed, submitted = timed_cpu(
                server, rush(server.base, tokens, conc, created, kill_one if kill else None)
            )
            if kill:  # the supervisor starts a new worker in place of the killed one
                server.wait_ready()
            say(f"{label}: acceptance of {len(submitted):,}")
            acc = timed_cpu(
                server, accept_all(server.base, tokens["analyst"], submitted, conc, accepted)
            )
        finally:
            server.stop()
        say(f"{label}: checking the store")
        mismatches, lost = check_store(url, data_dir, created, submitted, accepted)
    finally:
        drop()
    return Run(
        f"{label} x{workers}" + (" kill -9" if kill else ""),
        rushed,
        acc,
        len(submitted),
        lost,
        mismatches,
        killed[0] if killed else None,
    )


def report_run(r: Run, first: Run, base_rate: float, conc: int, n: int) -> bool:
    """Print one run's CPU, ratios, failures, check and aims; False if it failed."""
    ok = True
    for name, ph in (("rush", r.rushed), ("accept", r.accepted)):
        print(
            f"{r.label:<16} CPU during the {name}: server {ph.server_cpu:.1f} s "
            f"({ph.server_cpu / ph.seconds:.0%} of one core), this client "
            f"{ph.client_cpu:.1f} s"
        )
    if r is not first:
        rate = (r.submitted / r.rushed.seconds) / (first.submitted / first.rushed.seconds)
        acc = (len(r.accepted.request_ms) / r.accepted.seconds) / (
            len(first.accepted.request_ms) / first.accepted.seconds
        )
        print(
            f"{r.label:<16} vs {first.label}: submissions/s {rate:.2f}x, accepts/s "
            f"{acc:.2f}x; request p99 {pct(r.rushed.request_ms, 99):.0f} vs "
            f"{pct(first.rushed.request_ms, 99):.0f} ms"
        )
    if base_rate == base_rate:  # measured (not NaN)
        http_rate = r.submitted / r.rushed.seconds
        print(
            f"{r.label:<16} HTTP x{conc} / in-process: {http_rate / base_rate:.2f}x submissions/s"
        )
    for phase_name, phase in (("rush", r.rushed), ("accept", r.accepted)):
        for key, count in sorted(phase.failures.items()):
            if r.killed is None:
                ok = False
            print(f"{r.label:<16} {'FAILED' if r.killed is None else 'refused (the kill)'} "
                  f"{phase_name} {key}: {count:,}  e.g. {phase.examples[key][:120]}")  # fmt: skip
    if r.mismatches:
        ok = False
        print(f"{r.label:<16} check: {len(r.mismatches):,} mismatches, {r.lost} lost")
        for m in r.mismatches[:20]:
            print(f"{r.label:<16}   {m}")
    else:
        print(
            f"{r.label:<16} check: OK, 0 lost ({r.submitted:,} acknowledged submissions, "
            f"{len(r.accepted.request_ms) - sum(r.accepted.failures.values()):,} "
            "acknowledged acceptances, every figure stored)"
        )
    if r.killed is None and r.submitted != n:
        ok = False
    p99 = pct(r.rushed.request_ms, 99)
    a99 = pct(r.accepted.request_ms, 99)
    print(
        f"{r.label:<16} aim p99 < 500 ms: requests {'met' if p99 < 500 else 'MISSED'} "
        f"({p99:.0f} ms), accepts {'met' if a99 < 500 else 'MISSED'} ({a99:.0f} ms); "
        f"create+submit together {pct(r.rushed.whole_ms, 99):.0f} ms"
    )
    return ok


def measure_store(label: str, make_url: Any, args: argparse.Namespace, tmp: Path) -> bool:
    n, conc = args.enterprises, args.concurrency
    ok = True
    runs = [
        measure_http(label, make_url, args, tmp, w, False)
        for w in [int(x) for x in args.workers.split(",")]
    ]
    if args.kill_worker:
        runs.append(measure_http(label, make_url, args, tmp, args.kill_worker, True))
    base_s = float("nan")
    base_n = 0
    base_failures: Counter[str] = Counter()
    if not args.skip_inprocess:
        url, drop = make_url()
        data_dir = tmp / f"{label}-inproc".replace(" ", "_")
        data_dir.mkdir()
        try:
            say(f"{label}: in-process baseline")
            base_s, base_n, base_failures = baseline(url, data_dir, n)
        finally:
            drop()

    for r in runs:
        print(row(r.label, f"rush: requests (x{conc})", len(r.rushed.request_ms),
                  r.rushed.seconds, r.rushed.request_ms))  # fmt: skip
        print(row(r.label, f"rush: create+submit (x{conc})", r.submitted, r.rushed.seconds,
                  r.rushed.whole_ms))  # fmt: skip
        print(row(r.label, f"accept (x{conc})", len(r.accepted.request_ms)
                  - sum(r.accepted.failures.values()), r.accepted.seconds,
                  r.accepted.request_ms))  # fmt: skip
    if base_n:
        print(row(label, "in-process create+submit (x1)", base_n, base_s, None))
    first = runs[0]
    base_rate = base_n / base_s if base_n else float("nan")
    for r in runs:
        ok = report_run(r, first, base_rate, conc, n) and ok
    for key, count in sorted(base_failures.items()):
        ok = False
        print(f"{label:<16} FAILED in-process {key}: {count:,}")
    return ok


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--enterprises", type=int, default=3000)
    p.add_argument("--concurrency", type=int, default=50)
    p.add_argument("--postgres", default=os.environ.get("WENZENG_TEST_POSTGRES_URL"))
    p.add_argument("--sqlite-only", action="store_true")
    p.add_argument("--postgres-only", action="store_true")
    p.add_argument(
        "--workers",
        default="1,2",
        help="worker counts, each on a fresh store; the first is the baseline (default 1,2)",
    )
    p.add_argument(
        "--kill-worker",
        type=int,
        default=0,
        metavar="N",
        help="one more run with N workers, one killed with kill -9 a third into the rush",
    )
    p.add_argument("--skip-inprocess", action="store_true", help="no in-process baseline")
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
        counter = iter(range(1_000))
        targets: list[tuple[str, Any]] = []
        if not args.postgres_only:
            targets.append(
                ("SQLite", lambda: (f"sqlite:///{tmpdir / str(next(counter))}.db", lambda: None))
            )
        if args.postgres and not args.sqlite_only:

            def fresh_pg() -> tuple[str, Any]:
                url, name = pg_database(args.postgres)
                return url, lambda: drop_database(args.postgres, name)

            targets.append(("PostgreSQL", fresh_pg))
        print(f"{args.enterprises:,} enterprises, form {FORM}, period {PERIOD}; latencies in ms")
        print(
            f"{'store':<16} {'phase':<34} {'n':>7} {'seconds':>8} {'per s':>8} "
            f"{'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}"
        )
        for label, make_url in targets:
            before = os.getloadavg()[0]
            ok = measure_store(label, make_url, args, tmpdir) and ok
            print(
                f"{label:<16} load average (1 min) {before:.1f} before, "
                f"{os.getloadavg()[0]:.1f} after, on {os.cpu_count()} CPUs: other work on the "
                "machine skews the figures"
            )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
