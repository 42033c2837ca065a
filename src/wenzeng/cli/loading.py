"""``wenzeng import``: load a CSV or Excel file of observations, all rows or none; its saved
ways of reading files (``wenzeng import-profiles``)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from wenzeng.cli.arguments import usage
from wenzeng.cli.context import open_context
from wenzeng.cli.output import Format, FormatOpt, emit_json, emit_rows, err, out, progress
from wenzeng.errors import WenzengError

commands = typer.Typer()
profiles_app = typer.Typer(
    help="导入方案：按名称保存的文件读法 / import profiles: saved ways of reading files",
    no_args_is_help=True,
)

Many = list[str] | None


@commands.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="CSV（UTF-8/GBK）或 Excel 文件 / CSV or Excel file")],
    map_: Annotated[
        Many, typer.Option("--map", help="字段=列名，如 value=数值 / FIELD=COLUMN (long tables)")
    ] = None,
    set_: Annotated[
        Many,
        typer.Option("--set", help="字段=值，用于文件中没有的字段 / FIELD=VALUE for all rows"),
    ] = None,
    entity: Annotated[
        str | None,
        typer.Option(help="文件未写明的地区或主体 / the region or entity the file does not name"),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(help="文件未写明的期间，如 2024年1-9月 / the period the file does not say"),
    ] = None,
    indicator: Annotated[
        str | None,
        typer.Option(help="分地区表只有一个指标时：该指标 / the one indicator of a regional table"),
    ] = None,
    column: Annotated[
        Many,
        typer.Option(
            "--column",
            help="列名=指标[:口径] 或 列名=skip / HEADER=INDICATOR[:MEASURE] or HEADER=skip",
        ),
    ] = None,
    row: Annotated[
        Many, typer.Option("--row", help="行名=指标，如 手机=phone_output / LABEL=INDICATOR")
    ] = None,
    vintage: Annotated[
        str | None,
        typer.Option(
            help="数据可得日期（默认今天）/ date the figures became known (default today)"
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="只读取并检查，显示读法，不写入 / read and check, show how, write nothing",
        ),
    ] = False,
    profile: Annotated[
        str | None, typer.Option(help="按已保存的导入方案读取 / read as a saved profile says")
    ] = None,
    save_profile: Annotated[
        str | None,
        typer.Option(help="把本次读法保存为导入方案 / save how this file is read as a profile"),
    ] = None,
    force: Annotated[bool, typer.Option(help="允许重复导入同一文件 / import a file again")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """导入观测数据（全部成功或全部不写入）/ import observations, all rows or none."""
    from wenzeng.ingest.pipeline import ColumnMapping
    from wenzeng.services.importing import ImportRequest, hints_from_options, import_observations

    try:
        mapping = ColumnMapping.parse(map_ or [], set_ or [])
        hints = hints_from_options(
            entity=entity, period=period, indicator=indicator, columns=column or [], rows=row or []
        )
        when = date.fromisoformat(vintage) if vintage else None
    except ValueError as exc:
        raise usage(str(exc)) from exc
    request = ImportRequest(
        mapping=mapping,
        hints=hints,
        vintage=when,
        force=force,
        dry_run=dry_run,
        profile=profile,
        save_profile=save_profile,
    )
    with open_context() as ctx, progress(f"导入 / importing {file.name}", None) as advance:
        try:
            result = import_observations(
                ctx, file, request, progress=advance, user=os.environ.get("USER")
            )
        except WenzengError as exc:
            if fmt is Format.json:  # the problems as data too; the message still goes to stderr
                emit_json({"ok": False, "errors": [i.as_dict() for i in exc.issues]})
            raise
    if fmt is Format.json:
        emit_json(result.as_dict())
    else:
        _print_reading(result)
    if result.problems:
        raise typer.Exit(1)


def _print_reading(result: object) -> None:
    from wenzeng.services.importing import ImportResult

    assert isinstance(result, ImportResult)
    if result.dry_run or len(result.sheets) > 1 or any(s.layout != "long" for s in result.sheets):
        for s in result.sheets:
            where = f"工作表 {s.sheet} / sheet {s.sheet}：" if s.sheet else ""
            out.print(
                f"[bold]{where}读法 / read as: {s.layout}[/bold]（读到 {s.rows} 个数值 / {s.rows} figures read）"
            )
            for line in s.description:
                out.print(f"  {line}")
            if s.layout == "long":  # a wide layout's description lists its notes
                for n in s.notes:
                    out.print(f"  [dim]第{n.row}行 说明 / row {n.row} note：{n.text}[/dim]")
    for w in result.warnings:
        err.print(f"[yellow]提示 / warning[/yellow] {w}")
    for p in result.problems:
        err.print(f"[red]错误 / error[/red] {p}")
    if result.dry_run:
        verdict = (
            f"发现 {len(result.problems)} 个问题，导入时不会写入 / {len(result.problems)} "
            "problem(s): an import would write nothing"
            if result.problems
            else f"可以导入 {result.rows} 个数值 / {result.rows} values can be imported"
        )
        out.print(f"试读，未写入 / dry run, nothing written：{verdict}")
    else:
        out.print(
            f"已导入 {result.rows} 行（批次 {result.batch_id}）/ imported {result.rows} rows "
            f"(batch {result.batch_id})"
        )
    if result.profile_saved:
        out.print(f"已保存导入方案 {result.profile_saved} / saved profile {result.profile_saved}")


@profiles_app.command("list")
def list_profiles(fmt: FormatOpt = Format.table) -> None:
    """列出导入方案 / list the saved import profiles."""
    from wenzeng.services.importing import profiles

    with open_context() as ctx:
        rows = profiles(ctx)
    emit_rows(
        [
            {
                "name": r["name"],
                "mapping": r["mapping"],
                "hints": r["hints"],
                "created_by": r["created_by"],
                "updated_at": f"{r['updated_at']:%Y-%m-%d %H:%M}",
            }
            for r in rows
        ],
        fmt,
        [
            ("name", "名称 / name"),
            ("hints", "读法 / reading"),
            ("mapping", "列 / columns"),
            ("created_by", "保存人 / by"),
            ("updated_at", "更新 / updated"),
        ],
        title="导入方案 / import profiles",
    )


@profiles_app.command("remove")
def remove(name: Annotated[str, typer.Argument(help="方案名 / profile name")]) -> None:
    """删除导入方案 / remove an import profile."""
    from wenzeng.services.importing import remove_profile

    with open_context() as ctx:
        remove_profile(ctx, name)
    out.print(f"已删除导入方案 {name} / removed profile {name}")
