"""What the service benchmarks share: a WenZeng server in a process of its own, and
percentiles."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

START_TIMEOUT = 30.0  # seconds for the server to answer /healthz


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux /proc; empty elsewhere)."""
    found = []
    for d in Path("/proc").glob("[0-9]*"):
        try:
            stat = (d / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat[1]) == pid:
            found.append(int(d.name))
    return found


def _cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # user + system, and those of its children that have ended (killed workers)
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


class Server:
    """``python -m wenzeng serve [--workers N]`` in a process of its own, on 127.0.0.1."""

    def __init__(self, url: str, data_dir: Path, workers: int = 1) -> None:
        self.workers = workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = data_dir / "server.log"
        env = {
            **os.environ,
            "WENZENG_DATA_DIR": str(data_dir),
            "WENZENG_SECRET_KEY": secrets.token_urlsafe(32),
        }
        cmd = [
            sys.executable, "-m", "wenzeng", "--database-url", url,
            "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers),
        ]  # fmt: skip
        self.log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            cmd, stdout=self.log, stderr=subprocess.STDOUT, cwd=data_dir, env=env
        )

    def wait_ready(self) -> None:
        import httpx

        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"the server exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                if httpx.get(f"{self.base}/healthz", timeout=1.0).status_code == 200 and (
                    self.workers == 1 or len(self.worker_pids()) == self.workers
                ):
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise SystemExit(f"the server did not answer within {START_TIMEOUT:.0f}s:\n{self.tail()}")

    def worker_pids(self) -> list[int]:
        """The worker processes (several workers: uvicorn's spawned children)."""
        if self.workers == 1:
            return [self.proc.pid]
        found = []
        for c in _children(self.proc.pid):
            try:
                if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes():
                    found.append(c)
            except OSError:
                continue  # gone meanwhile
        return found

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used by the server and its workers so far (Linux; NaN
        elsewhere)."""
        if not Path(f"/proc/{self.proc.pid}/stat").exists():
            return float("nan")
        return _cpu(self.proc.pid) + sum(_cpu(c) for c in _children(self.proc.pid))

    def tail(self) -> str:
        self.log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-3000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log.close()


def pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    s = sorted(xs)
    k = min(len(s) - 1, max(0, round(q / 100 * len(s) + 0.5) - 1))  # nearest rank
    return s[k]
