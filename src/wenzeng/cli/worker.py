"""``wenzeng worker`` and ``wenzeng jobs …``: run background jobs, and see them."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from wenzeng.cli.context import open_context
from wenzeng.cli.output import Format, FormatOpt, emit_json, emit_rows, err, out

commands = typer.Typer()
jobs_app = typer.Typer(help="后台任务 / background jobs", no_args_is_help=True)


@commands.command()
def worker(
    concurrency: Annotated[
        int | None,
        typer.Option(min=1, max=64, help="同时运行的任务数 / jobs run at a time"),
    ] = None,
) -> None:
    """运行后台任务（上传、报告、分析）/ run background jobs: uploads, reports, analysis runs."""
    from wenzeng.jobs.worker import run_worker

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("huey").setLevel(logging.WARNING)
    logging.getLogger("procrastinate").setLevel(logging.WARNING)
    with open_context() as ctx:
        run_worker(ctx, concurrency=concurrency, say=lambda m: err.print(m, highlight=False))


@jobs_app.command("list")
def jobs_list(
    limit: Annotated[int, typer.Option(min=1, max=1000, help="条数 / how many")] = 50,
    fmt: FormatOpt = Format.table,
) -> None:
    """最近的任务 / the newest jobs."""
    from wenzeng.auth.principal import SYSTEM
    from wenzeng.services.jobs import list_jobs

    with open_context() as ctx:
        rows = list_jobs(ctx, SYSTEM, limit=limit)
    emit_rows(
        rows,
        fmt,
        [
            ("id", "id"),
            ("kind", "类型 kind"),
            ("status", "状态 status"),
            ("stage", "阶段 stage"),
            ("done", "完成 done"),
            ("total", "共 total"),
            ("started_by", "发起人 by"),
            ("created_at", "创建 created"),
            ("attempts", "尝试 attempts"),
        ],
    )


@jobs_app.command("show")
def jobs_show(
    job_id: Annotated[int, typer.Argument(help="任务编号 / job id")],
    fmt: FormatOpt = Format.table,
) -> None:
    """一个任务的进度、结果或错误 / one job: its progress, result or errors."""
    from wenzeng.auth.principal import SYSTEM
    from wenzeng.services.jobs import get_job

    with open_context() as ctx:
        job = get_job(ctx, SYSTEM, job_id)
    if fmt is not Format.table:
        emit_json(job)
        return
    out.print(
        f"任务 / job {job['id']}: {job['kind_zh']} / {job['kind_en']} — "
        f"{job['status_zh']} / {job['status_en']}",
        highlight=False,
    )
    out.print(f"发起人 / started by: {job['started_by']}  创建 / created: {job['created_at']}")
    progress = f"{job['done']}" + (f"/{job['total']}" if job["total"] is not None else "")
    out.print(f"阶段 / stage: {job['stage'] or '-'}  进度 / progress: {progress}", highlight=False)
    if job["message"]:
        out.print(f"说明 / message: {job['message']}", highlight=False)
    for e in job["errors"][:50]:
        out.print(f"  - {'/'.join(str(x) for x in e.get('loc', []))}: {e.get('msg')}")
    if job["result"] is not None and job["status"] == "done":
        emit_json(job["result"])
