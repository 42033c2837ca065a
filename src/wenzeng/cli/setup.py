"""``wenzeng init`` and ``wenzeng serve``: create or upgrade the store, serve the pages."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer

from wenzeng.cli.context import open_context, state
from wenzeng.cli.output import err, progress

commands = typer.Typer()


@commands.command()
def init(
    demo: Annotated[
        bool, typer.Option("--demo", help="同时加入模拟演示数据 / also add simulated demo data")
    ] = False,
) -> None:
    """初始化数据库：结构、内置计划与已发布数据 / create or upgrade the store and load the built-in plan and published figures."""
    from wenzeng.services.setup import initialise

    with open_context(require_schema=False) as ctx:
        url = ctx.engine.url.render_as_string(hide_password=True)
        err.print(f"数据库 / store: {url}")
        with progress("写入 / writing", None) as advance:
            report = initialise(
                ctx, demo=demo, step=lambda s: err.print(f"· {s}"), progress=advance
            )
        # -- jobs: the queue's tables beside the store, when absent --
        from wenzeng.services.jobs import prepare_queue

        err.print(f"· 任务队列 / job queue: {prepare_queue(ctx)}")
    for code, changed in report.plans:
        err.print(f"计划 / plan {code}: {'已加载 / loaded' if changed else '未变 / unchanged'}")
    b = report.builtin
    err.print(
        f"已发布数据 / published figures: 新增 {b.rows} 行 / {b.rows} new rows, "
        f"已有 {b.skipped} 行 / {b.skipped} already stored"
    )
    if report.demo_users:
        err.print(
            f"演示账号 / demo accounts: {', '.join(report.demo_users)}; "
            f"密码 / password: wenzeng-demo （仅供演示 / for trying out only）"
        )
    if report.demo is not None:
        d = report.demo
        err.print(
            f"模拟数据 / simulated data: 新增 {d.rows} 行 / {d.rows} new rows"
            + (f"（已存在 {d.skipped} 行 / {d.skipped} already stored）" if d.skipped else "")
        )


@commands.command()
def serve(
    host: Annotated[str | None, typer.Option(help="监听地址 / address")] = None,
    port: Annotated[int | None, typer.Option(help="端口 / port")] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="工作进程数 / worker processes (PostgreSQL in production; SQLite works too)",
        ),
    ] = 1,
    proxy_headers: Annotated[
        bool,
        typer.Option(
            help="信任反向代理的 X-Forwarded-For/-Proto / trust a reverse proxy's "
            "X-Forwarded-For and X-Forwarded-Proto"
        ),
    ] = True,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            help="可信代理地址（逗号分隔，默认 127.0.0.1 或 FORWARDED_ALLOW_IPS）/ addresses of "
            "trusted proxies, comma-separated (default: FORWARDED_ALLOW_IPS or 127.0.0.1)"
        ),
    ] = None,
    worker: Annotated[
        bool,
        typer.Option(
            "--worker/--no-worker",
            help="同时启动一个后台任务进程 / also start one job worker (`wenzeng worker`)",
        ),
    ] = True,
) -> None:
    """启动网页服务 / serve WenZeng's pages and API."""
    import uvicorn

    from wenzeng.web.app import create_app
    from wenzeng.web.security import session_secret

    settings = state.settings(host=host, port=port)
    session_secret(settings)  # made once here, not by each worker at the same moment
    err.print(f"稳增 WenZeng: http://{settings.host}:{settings.port}/ ({workers} worker(s))")
    common: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": "warning",
        "proxy_headers": proxy_headers,
        "forwarded_allow_ips": forwarded_allow_ips,
    }
    with _job_worker(worker and not settings.jobs_inline):
        if workers == 1:
            uvicorn.run(create_app(settings, warm=True), **common)
            return
        # each worker builds its own application (and engine) from the environment
        if state.database_url:
            os.environ["WENZENG_DATABASE_URL"] = state.database_url
        uvicorn.run(
            "wenzeng.web.app:create_app_from_environment", factory=True, workers=workers, **common
        )


@contextmanager
def _job_worker(start: bool) -> Iterator[None]:
    """-- jobs: one `wenzeng worker` beside the server, stopped with it --"""
    if not start:
        yield
        return
    argv = [sys.executable, "-m", "wenzeng", "worker"]
    if state.database_url:
        argv[3:3] = ["--database-url", state.database_url]
    proc = subprocess.Popen(argv)
    err.print(f"后台任务进程 / job worker: pid {proc.pid}")
    # uvicorn raises the SIGTERM it caught again once it has shut down: let that unwind to
    # the ``finally`` below instead of ending the process with the worker left running
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        # stop now: a job cut short wrote nothing and is retried by the next worker
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _exit_on_sigterm(_signum: int, _frame: object) -> None:
    raise SystemExit(0)
