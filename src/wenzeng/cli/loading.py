"""``wenzeng import``: load a CSV or Excel file of observations, all rows or none."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from wenzeng.cli.arguments import usage
from wenzeng.cli.context import open_context
from wenzeng.cli.output import Format, FormatOpt, emit_json, err, out, progress

commands = typer.Typer()


@commands.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="CSV（UTF-8/GBK）或 Excel 文件 / CSV or Excel file")],
    map_: Annotated[
        list[str] | None, typer.Option("--map", help="字段=列名，如 value=数值 / FIELD=COLUMN")
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="字段=值，用于文件中没有的字段 / FIELD=VALUE for all rows"),
    ] = None,
    vintage: Annotated[
        str | None,
        typer.Option(
            help="数据可得日期（默认今天）/ date the figures became known (default today)"
        ),
    ] = None,
    force: Annotated[bool, typer.Option(help="允许重复导入同一文件 / import a file again")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """导入观测数据（全部成功或全部不写入）/ import observations, all rows or none."""
    from wenzeng.ingest.pipeline import ColumnMapping
    from wenzeng.services.loading import import_file

    try:
        mapping = ColumnMapping.parse(map_ or [], set_ or [])
        when = date.fromisoformat(vintage) if vintage else None
    except ValueError as exc:
        raise usage(str(exc)) from exc
    with open_context() as ctx, progress(f"导入 / importing {file.name}", None) as advance:
        result = import_file(
            ctx,
            file,
            mapping,
            vintage=when,
            force=force,
            progress=advance,
            user=os.environ.get("USER"),
        )
    summary = {
        "ok": True,
        "batch": result.batch_id,
        "rows": result.rows,
        "warnings": [w.as_dict() for w in result.warnings],
    }
    if fmt is Format.json:
        emit_json(summary)
        return
    for w in result.warnings:
        err.print(f"[yellow]提示 / warning[/yellow] {w}")
    out.print(
        f"已导入 {result.rows} 行（批次 {result.batch_id}）/ imported {result.rows} rows "
        f"(batch {result.batch_id})"
    )
