"""Serving several workers: JSON twins from cached bytes with ETag / 304, keyed by the data
version and the reader, and ``wenzeng serve --workers 2`` answering from two processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert

from factories import ACME, add_enterprises, enterprise_values
from processes import free_port, worker_pids
from wenzeng.auth.principal import SYSTEM, Principal, Role
from wenzeng.config import load_settings
from wenzeng.services import accounts
from wenzeng.services import submissions as subs
from wenzeng.services.context import Context
from wenzeng.services.setup import initialise
from wenzeng.store.clock import now
from wenzeng.store.tables import batch
from wenzeng.web.app import create_app

EXPLORE = "/explorer.json?indicator=revenue_elec&entity=E9001&measure=level&period_type=cum_month"


@pytest.fixture
def client(ctx: Context) -> Iterator[TestClient]:
    with TestClient(create_app(ctx.settings, ctx)) as c:
        yield c


def _new_load(ctx: Context) -> None:
    """What any load does to the store: a new batch (in another process just the same)."""
    with ctx.transaction() as conn:
        conn.execute(insert(batch).values(kind="import", rows=0, created_at=now()))


def test_a_twin_is_answered_304_while_nothing_changes(client: TestClient) -> None:
    first = client.get("/index.json")
    assert first.status_code == 200 and first.json()["ok"] is True
    etag = first.headers["etag"]
    assert etag.startswith('"') and first.headers["cache-control"] == "private, no-cache"
    again = client.get("/index.json")
    assert again.headers["etag"] == etag and again.content == first.content
    for sent in (etag, f"W/{etag}", f'"other", {etag}'):
        not_modified = client.get("/index.json", headers={"If-None-Match": sent})
        assert not_modified.status_code == 304 and not_modified.content == b""
        assert not_modified.headers["etag"] == etag
    other = client.get("/index.json", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.content == first.content
    # the other cached twins and a twin built per request (the tracker) carry ETags too
    for path in ("/targets/va_growth.json", "/explorer.json?indicator=va_elec"):
        r = client.get(path)
        assert r.status_code == 200 and r.headers["etag"]
        assert client.get(path, headers={"If-None-Match": r.headers["etag"]}).status_code == 304


def test_a_change_of_the_data_changes_the_etag(ctx: Context, client: TestClient) -> None:
    before = client.get("/index.json")
    tag = before.headers["etag"]
    _new_load(ctx)
    after = client.get("/index.json", headers={"If-None-Match": tag})
    assert after.status_code == 200  # not 304: the data changed
    assert after.headers["etag"] != tag
    # a change of the language is another answer with another tag
    en = client.get("/targets/va_growth.json?lang=en")
    zh = client.get("/targets/va_growth.json?lang=zh")
    assert en.headers["etag"] != zh.headers["etag"] and en.content != zh.content


def test_two_readers_never_share_bytes(ctx: Context, client: TestClient) -> None:
    add_enterprises(ctx, ACME)
    me = Principal("acme", Role.ENTERPRISE, user_id=2, entity="E9001")
    s = subs.save(ctx, me, form_code="monthly_enterprise", reporter="E9001", period="2025-10",
                  values=enterprise_values())  # fmt: skip
    s = subs.submit(ctx, me, s.id, version=s.version,
                    explanations={p["rule"]: "属实" for p in s.problems})  # fmt: skip
    subs.accept(ctx, SYSTEM, s.id, version=s.version, vintage=date(2025, 11, 5))
    accounts.add_user(ctx, SYSTEM, username="acme", role="enterprise", entity="E9001")
    accounts.add_user(ctx, SYSTEM, username="acme2", role="enterprise", entity="E9001")
    token = accounts.create_token(ctx, SYSTEM, "acme", "t")
    token2 = accounts.create_token(ctx, SYSTEM, "acme2", "t")
    mine = client.get(EXPLORE, headers={"Authorization": f"Bearer {token}"})
    assert mine.status_code == 200
    assert [r["value"] for r in mine.json()["table"]]  # the enterprise sees its own figures
    # the public asks the same URL next: its own answer, not the enterprise's kept bytes
    public = client.get(EXPLORE)
    assert public.status_code == 200 and public.json()["table"] == []
    assert public.headers["etag"] != mine.headers["etag"]
    # the enterprise's tag is no good to the public: the answer is sent, not 304
    assert client.get(EXPLORE, headers={"If-None-Match": mine.headers["etag"]}).status_code == 200
    # a colleague who may see as much still gets bytes and a tag of their own
    other = client.get(EXPLORE, headers={"Authorization": f"Bearer {token2}",
                                         "If-None-Match": mine.headers["etag"]})  # fmt: skip
    assert other.status_code == 200 and other.headers["etag"] != mine.headers["etag"]
    assert other.json()["table"] == mine.json()["table"]


def test_a_write_through_one_context_is_seen_by_another(ctx: Context) -> None:
    """Two contexts on one store stand for two worker processes: the second keeps its
    results until the first changes the data, then reads them anew."""
    other = Context.open(ctx.settings)
    try:
        with TestClient(create_app(other.settings, other)) as c:
            tag = c.get("/index.json").headers["etag"]
            assert c.get("/index.json", headers={"If-None-Match": tag}).status_code == 304
            _new_load(ctx)  # through the first context
            assert c.get("/index.json", headers={"If-None-Match": tag}).status_code == 200
    finally:
        other.close()


# -- wenzeng serve --workers 2 --------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").exists(), reason="reads the process table in /proc")
def test_serve_with_two_workers(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    setup = Context.open(load_settings(database_url=url, data_dir=tmp_path))
    initialise(setup)
    port = free_port()
    env = {**os.environ, "WENZENG_DATA_DIR": str(tmp_path)}
    env.pop("WENZENG_SECRET_KEY", None)
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "wenzeng", "--database-url", url, "serve",
         "--port", str(port), "--workers", "2"],
        stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp_path,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        assert len(worker_pids(proc.pid)) == 2
        # one key for the sessions of both workers, made once by the command
        assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
        overview = f"{base}/index.json?plan=eim-2023-2024"
        answers = [httpx.get(overview, timeout=30) for _ in range(6)]  # new
        assert {a.status_code for a in answers} == {200}  # connections: both workers answer
        assert len({a.headers["etag"] for a in answers}) == 1  # the same bytes in each
        assert len(answers[0].json()["targets"]) == 5
        page = httpx.get(f"{base}/targets/va_growth", timeout=30)
        assert page.status_code == 200 and "增加值" in page.text
        tag = answers[0].headers["etag"]
        _new_load(setup)  # another process changes the data: every worker sees it
        for _ in range(6):
            r = httpx.get(overview, headers={"If-None-Match": tag}, timeout=30)
            assert r.status_code == 200 and r.headers["etag"] != tag
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
        setup.close()


def test_fifty_cold_requests_compute_a_result_once(sqlite_ctx: Context) -> None:
    """Threads of one worker that find a result missing wait for the first to compute it."""
    import threading

    from wenzeng.services.context import data_version_scope

    computed: list[int] = []
    start = threading.Barrier(20)

    def slow() -> int:
        computed.append(1)
        time.sleep(0.2)
        return 42

    def request() -> None:
        start.wait()
        with data_version_scope():
            assert sqlite_ctx.memo(("cold",), slow) == 42

    threads = [threading.Thread(target=request) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(computed) == 1
