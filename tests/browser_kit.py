"""What the browser tests share: Debian's chromium, a WenZeng server on a free port in a
thread of the test process, and logging in through the login page."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn

from processes import free_port
from wenzeng.config import Settings
from wenzeng.services.context import Context
from wenzeng.web.app import create_app

CHROMIUM = (
    "/usr/bin/chromium"
    if Path("/usr/bin/chromium").exists()
    else shutil.which("chromium") or "/usr/bin/chromium"
)
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
SHOTS = Path(__file__).parents[1] / "test-output" / "screenshots"


@contextmanager
def serving(settings: Settings, ctx: Context) -> Iterator[str]:
    """WenZeng on a free port of 127.0.0.1 while the block runs; its address."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, ctx), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def chromium(args: list[str] = ARGS) -> Iterator[Any]:
    """Debian's chromium, headless, driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            yield b
        finally:
            b.close()


def log_in(page: Any, base: str, user: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.click("button.primary")
    page.wait_for_load_state("networkidle")
