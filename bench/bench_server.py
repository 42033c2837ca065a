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


class Server:
    """``python -m wenzeng serve`` in a process of its own, on 127.0.0.1."""

    def __init__(self, url: str, data_dir: Path) -> None:
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
            "serve", "--host", "127.0.0.1", "--port", str(self.port),
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
                if httpx.get(f"{self.base}/healthz", timeout=1.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise SystemExit(f"the server did not answer within {START_TIMEOUT:.0f}s:\n{self.tail()}")

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used by the server so far (Linux; NaN elsewhere)."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

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
