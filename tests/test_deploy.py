"""The production set-up in ``deploy/`` works as written: the systemd units' own commands, with
the settings file, on a fresh PostgreSQL database: the schema made by the web unit's
``ExecStartPre``, several web workers behind a proxy on 127.0.0.1, and a job worker."""

from __future__ import annotations

import os
import re
import secrets
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from processes import free_port, worker_pids
from wenzeng.config import SETTINGS, Settings

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
PROGRAM = "/opt/wenzeng/.venv/bin/wenzeng"


def _env_file() -> dict[str, str]:
    values: dict[str, str] = {}
    for line in (DEPLOY / "wenzeng.env").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


def _unit(name: str) -> dict[str, list[str]]:
    """The unit's Exec lines, each split as systemd splits it."""
    found: dict[str, list[str]] = {}
    for line in (DEPLOY / "systemd" / name).read_text(encoding="utf-8").splitlines():
        key, sep, value = line.partition("=")
        if sep and key.startswith("Exec"):
            found[key] = shlex.split(value)
    return found


def _argv(command: list[str]) -> list[str]:
    """The unit's command with this test's interpreter in place of the installed program."""
    assert command[0] == PROGRAM, command
    return [sys.executable, "-m", "wenzeng", *command[1:]]


def test_the_settings_file_names_only_real_settings() -> None:
    known = {name for name, _, _ in SETTINGS} | {"FORWARDED_ALLOW_IPS"}
    assert set(_env_file()) <= known
    assert _env_file()["WENZENG_SECURE_COOKIES"] == "1"


def test_the_proxy_lets_through_every_upload_wenzeng_accepts() -> None:
    conf = (DEPLOY / "nginx" / "wenzeng.conf").read_text(encoding="utf-8")
    m = re.search(r"client_max_body_size\s+(\d+)m;", conf)
    assert m is not None
    proxy_limit = int(m.group(1)) * 1024 * 1024
    upload_limit = Settings.model_fields["limit_upload_bytes"].default
    assert proxy_limit >= upload_limit + 1024 * 1024  # the multipart envelope on top
    assert "X-Forwarded-Proto" in conf and "X-Forwarded-For" in conf


@pytest.fixture
def fresh_database() -> Iterator[str]:
    base = os.environ.get("WENZENG_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("WENZENG_TEST_POSTGRES_URL is not set")
    name = f"wz_deploy_{secrets.token_hex(4)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _stop(proc: subprocess.Popen[bytes]) -> int:
    proc.send_signal(signal.SIGINT)  # the units' KillSignal
    try:
        return proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)
        raise AssertionError("did not stop on SIGINT within the unit's TimeoutStopSec") from None


@pytest.mark.postgres
@pytest.mark.slow
def test_the_units_run_wenzeng_behind_a_proxy(fresh_database: str, tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        **_env_file(),
        "WENZENG_DATABASE_URL": fresh_database,
        "WENZENG_DATA_DIR": str(tmp_path / "data"),
        "WENZENG_PORT": str(port),
        "WENZENG_SECRET_KEY": secrets.token_urlsafe(48),
    }
    env.pop("WENZENG_JOBS_INLINE", None)
    web, worker = _unit("wenzeng-web.service"), _unit("wenzeng-worker.service")

    def run(*args: str, stdin: str | None = None) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "wenzeng", *args],
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    # ExecStartPre: the schema, the queue's tables, the plan and the published figures
    pre = subprocess.run(
        _argv(web["ExecStartPre"]), env=env, capture_output=True, text=True, timeout=600
    )
    assert pre.returncode == 0, pre.stderr
    run("user", "add", "ana", "--role", "analyst", "--password-stdin", stdin="deploy-pw-0817\n")
    token = run("user", "token", "create", "ana", "--name", "deploy test").strip()

    logs = tmp_path / "logs"
    logs.mkdir()
    server = subprocess.Popen(
        _argv(web["ExecStart"]), env=env, stdout=(logs / "web.log").open("wb"), stderr=-2
    )
    jobs = subprocess.Popen(
        _argv(worker["ExecStart"]), env=env, stdout=(logs / "worker.log").open("wb"), stderr=-2
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            assert server.poll() is None, (logs / "web.log").read_text()
            assert time.monotonic() < deadline, (logs / "web.log").read_text()
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        # --workers 4: the supervisor and its worker processes
        assert len(worker_pids(server.pid)) >= 4

        with httpx.Client(base_url=base, timeout=30) as http:
            # behind TLS at the proxy: the session cookie is Secure
            login = http.get("/login", headers={"X-Forwarded-Proto": "https"})
            assert login.status_code == 200
            cookie = login.headers["set-cookie"]
            assert "secure" in cookie.lower()
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
            assert csrf is not None
            session = cookie.split(";", 1)[0]
            signed_in = http.post(
                "/login",
                data={"username": "ana", "password": "deploy-pw-0817", "csrf_token": csrf[1]},
                headers={"Cookie": session, "X-Forwarded-Proto": "https"},
                follow_redirects=False,
            )
            assert signed_in.status_code == 303, signed_in.text

            # long work is a job, done by the worker unit's process
            auth = {"Authorization": f"Bearer {token}"}
            started = http.post("/api/v1/analysis", json={}, headers=auth)
            assert started.status_code == 202, started.text
            job = started.json()["job"]
            deadline = time.monotonic() + 120
            while job["status"] in ("queued", "running"):
                assert time.monotonic() < deadline, (logs / "worker.log").read_text()
                time.sleep(0.5)
                job = http.get(f"/api/v1/jobs/{job['id']}", headers=auth).json()["job"]
            assert job["status"] == "done", job
            assert job["result"]["ok"] is True
    finally:
        web_rc = _stop(server)
        worker_rc = _stop(jobs)
    assert jobs.poll() is not None and server.poll() is not None
    assert web_rc in (0, -signal.SIGINT, 130), (logs / "web.log").read_text()
    assert worker_rc in (0, -signal.SIGINT, 130), (logs / "worker.log").read_text()
