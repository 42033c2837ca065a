"""What the browser tests share: Debian's chromium, a WenZeng server on a free port in a
thread of the test process, a store seeded with accounts for every role, logging in through
the login page, and the checks every page gets (axe-core's, and nothing wider than the
screen)."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from factories import add_enterprises
from processes import free_port
from wenzeng.auth.principal import SYSTEM
from wenzeng.config import Settings, load_settings
from wenzeng.services import accounts
from wenzeng.services.context import Context
from wenzeng.services.setup import initialise
from wenzeng.store.analysis import add_warning
from wenzeng.web.app import create_app

CHROMIUM = (
    "/usr/bin/chromium"
    if Path("/usr/bin/chromium").exists()
    else shutil.which("chromium") or "/usr/bin/chromium"
)
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
SHOTS = Path(__file__).parents[1] / "test-output" / "screenshots"
PASSWORD = "correct horse battery"
# username → (role, the organisation it reports for)
Users = dict[str, tuple[str, str | None]]
Seed = Callable[[Context], None]
Enterprise = tuple[str, str, str, str]  # code, name, region code, sector code


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


def add_users(ctx: Context, users: Users) -> None:
    """Accounts with the one test password, each with its role and organisation."""
    for name, (role, entity) in users.items():
        accounts.add_user(ctx, SYSTEM, username=name, role=role, entity=entity, password=PASSWORD)


@contextmanager
def seeded_site(
    home: Path,
    users: Users,
    seed: Seed | None = None,
    enterprises: tuple[Enterprise, ...] = (),
) -> Iterator[str]:
    """A store in ``home`` with the built-in catalogue and plans, the key ``enterprises``, the
    ``users`` and what ``seed`` adds, served while the block runs; its address."""
    settings = load_settings(database_url=f"sqlite:///{home / 'w.db'}", data_dir=home)
    ctx = Context.open(settings)
    try:
        initialise(ctx)
        if enterprises:
            add_enterprises(ctx, *enterprises)
        add_users(ctx, users)
        if seed is not None:
            seed(ctx)
        with serving(settings, ctx) as base:
            yield base
    finally:
        ctx.close()


def site_fixture(
    name: str,
    users: Users,
    seed: Seed | None = None,
    enterprises: tuple[Enterprise, ...] = (),
) -> Any:
    """A module's ``site`` fixture: :func:`seeded_site` in a folder of its own."""

    @pytest.fixture(scope="module", name="site")
    def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
        home = tmp_path_factory.mktemp(name)
        with seeded_site(home, users, seed, enterprises) as base:
            yield base

    return site


def browser_fixture(args: list[str] = ARGS) -> Any:
    """A module's ``browser`` fixture: one chromium for all the module's tests."""

    @pytest.fixture(scope="module", name="browser")
    def browser() -> Iterator[Any]:
        with chromium(args) as b:
            yield b

    return browser


def add_enterprise_warning(ctx: Context, entity: str, rule: str, period: str = "2026-10") -> None:
    """A simulated high warning about a key enterprise's revenue, found on 2026-11-20."""
    with ctx.transaction() as conn:
        add_warning(
            conn,
            {
                "key": f"{rule}:{entity}",
                "rule": rule,
                "klass": "emerging",
                "indicator": "revenue_elec",
                "entity": entity,
                "period": period,
                "severity": "high",
                "status": "new",
                "first_seen": date(2026, 11, 20),
                "last_seen": date(2026, 11, 20),
                "times_seen": 1,
                "evidence": {},
                "explanation_zh": "营业收入明显下降",
                "explanation_en": "Revenue fell markedly",
                "simulated": True,
            },
        )


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


def log_in(page: Any, base: str, user: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.click("button.primary")
    page.wait_for_load_state("networkidle")


def log_out(page: Any) -> None:
    page.click("header form.inline button.link")
    page.wait_for_load_state()


# the element reaching furthest right, to name what makes a page wider than the screen
WIDEST = """() => {
  let worst = null, right = 0;
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.right > right) { right = r.right; worst = el; }
  }
  return worst ? `${worst.tagName}.${worst.className} ${Math.round(right)}` : "";
}"""


def too_wide(page: Any, width: int) -> str:
    """What reaches beyond a screen ``width`` wide; empty when the page fits."""
    if page.evaluate("document.documentElement.scrollWidth") > width + 1:
        return str(page.evaluate(WIDEST))
    return ""


def serious_violations(axe: Any, page: Any) -> list[str]:
    """axe-core's serious and critical findings on the page: rule and first element."""
    return [
        f"{v['id']} {v['nodes'][0]['target']}"
        for v in axe.run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
