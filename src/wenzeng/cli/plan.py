"""``wenzeng plan …``: the action plans, their targets and latest figures; loading plan files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from wenzeng.cli.context import open_context
from wenzeng.cli.output import Format, FormatOpt, emit_json, emit_rows, out

plan_app = typer.Typer(help="行动方案 / action plans", no_args_is_help=True)

PlanFileArg = Annotated[Path, typer.Argument(help="计划文件（YAML）/ plan file (YAML)")]


@plan_app.command("list")
def plan_list(
    all_: Annotated[
        bool, typer.Option("--all", help="含已归档的计划 / archived plans too")
    ] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """列出已加载的计划及其状态 / list loaded plans with their status."""
    from wenzeng.services.plan_lifecycle import plan_entries

    with open_context() as ctx:
        entries = plan_entries(ctx)
    rows: list[dict[str, Any]] = [
        {
            "code": e.code,
            "title": e.title_zh,
            "period": f"{e.plan.period.start}-{e.plan.period.end}" if e.plan else "",
            "status": e.status(),
            "status_zh": e.status_zh(),
            "origin": e.origin,
            "builtin": e.builtin,
            "file": e.file,
            "problem": e.problem_zh,
            "problem_en": e.problem_en,
        }
        for e in entries
        if all_ or not e.archived
    ]
    emit_rows(
        rows,
        fmt,
        [
            ("code", "代码 code"),
            ("title", "名称 title"),
            ("period", "期限 period"),
            ("status_zh", "状态 status"),
            ("origin", "来源 origin"),
            ("problem", "问题 problem"),
        ],
    )


@plan_app.command("show")
def plan_show(
    code: Annotated[str | None, typer.Argument(help="计划代码 / plan code")] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="按某日或某月已知的数据（YYYY-MM-DD 或 YYYY-MM）/ data as known then"
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """显示计划的目标、据以评估的数据及状态（与 analyze 相同）/ show a plan's targets with the
    figure and status each is judged on (the same as ``analyze``)."""
    from wenzeng.cli.arguments import month_end
    from wenzeng.errors import ValidationFailed
    from wenzeng.services.plan_lifecycle import find_plan_entry
    from wenzeng.services.plans import get_plan
    from wenzeng.services.tracking import assess_plan, target_rows

    with open_context() as ctx:
        if code is None:
            plan = get_plan(ctx)
            archived = False
        else:
            entry = find_plan_entry(ctx, code)
            if entry.plan is None:
                raise ValidationFailed(f"{entry.problem_zh} / {entry.problem_en}")
            plan, archived = entry.plan, entry.archived
        assessments = assess_plan(ctx, plan, month_end(as_of) if as_of else None)
    if fmt is Format.json:
        emit_json(
            {
                "plan": plan.model_dump(mode="json", by_alias=True),
                "archived": archived,
                "targets": [a.as_dict() for a in assessments],
            }
        )
        return
    number = f"（{plan.document_number}）" if plan.document_number else ""
    out.print(f"[bold]{plan.title.zh}[/bold]{number}")
    out.print(plan.title.en)
    if archived:
        out.print("已归档（只读）/ archived (read-only)")
    out.print(
        f"期限 / period: {plan.period.start}–{plan.period.end}; "
        f"目标 {len(plan.targets)} 项, 举措 {len(plan.measures)} 项, "
        f"报送要求 {len(plan.obligations)} 项"
    )
    emit_rows(
        target_rows(assessments),
        Format.table,
        [
            ("target", "目标 target"),
            ("goal", "目标值 goal"),
            ("figure", "评估数据 figure"),
            ("status", "状态 status"),
            ("basis", "依据 basis"),
            ("source", "来源 source"),
        ],
    )


@plan_app.command("load")
def plan_load(file: PlanFileArg) -> None:
    """校验并加载一个计划文件 / validate and load a plan file."""
    from wenzeng.services.loading import load_plan_file

    with open_context() as ctx:
        code, changed = load_plan_file(ctx, file)
    out.print(f"计划 / plan {code}: {'已加载 / loaded' if changed else '未变 / unchanged'}")


@plan_app.command("check")
def plan_check(file: PlanFileArg) -> None:
    """只校验计划文件，不加载 / validate a plan file without loading it."""
    from wenzeng.definitions.catalogue import read_plan

    with open_context() as ctx:
        plan = read_plan(file, catalogue=ctx.catalogue)
    out.print(f"✓ {file}: {plan.code}（目标 {len(plan.targets)}，举措 {len(plan.measures)}）")


PlanCodeArg = Annotated[str, typer.Argument(help="计划代码 / plan code")]


@plan_app.command("archive")
def plan_archive(
    code: PlanCodeArg,
    undo: Annotated[
        bool, typer.Option("--undo", help="取消归档 / take out of the archive")
    ] = False,
) -> None:
    """归档计划：保留、只读、不在默认视图中 / archive a plan: kept, read-only, out of the default views."""
    from wenzeng.services.plan_lifecycle import archive_plan

    with open_context() as ctx:
        changed = archive_plan(ctx, code, archived=not undo)
    state = "已取消归档 / unarchived" if undo else "已归档 / archived"
    out.print(f"计划 / plan {code}: {state if changed else '未变 / unchanged'}")


@plan_app.command("remove")
def plan_remove(
    code: PlanCodeArg,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="连同其报表、填报和评估一并删除 / with its forms, submissions, assessments",
        ),
    ] = False,
) -> None:
    """删除计划（有报表、填报或评估依赖时拒绝）/ remove a plan (refused while others depend on it)."""
    from wenzeng.services.plan_lifecycle import remove_plan

    with open_context() as ctx:
        deps = remove_plan(ctx, code, force=force)
    out.print(f"已删除计划 / removed plan {code}")
    if deps.any:
        out.print(f"  一并删除 / removed with it: {deps.text_zh()} / {deps.text_en()}")
