"""What the tests that start WenZeng's own processes share: a free port, and the worker
processes that a server started."""

from __future__ import annotations

import socket
from pathlib import Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def worker_pids(parent: int) -> set[int]:
    """The processes ``parent`` started with multiprocessing (uvicorn's workers)."""
    found = set()
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text().rsplit(")", 1)[1].split()
                cmd = (d / "cmdline").read_bytes()
            except OSError:
                continue
            if int(stat[1]) == parent and b"spawn_main" in cmd:
                found.add(int(d.name))
    return found
