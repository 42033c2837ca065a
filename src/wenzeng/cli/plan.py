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
def plan_list(fmt: FormatOpt = Format.table) -> None:
    """列出已加载的计划 / list loaded plans."""
    from wenzeng.services.plans import stored_plans

    with open_context() as ctx:
        plans = stored_plans(ctx)
    rows: list[dict[str, Any]] = [
        {
            "code": p.code,
            "title": p.title.zh,
            "document_number": p.document_number,
            "period": f"{p.period.start}-{p.period.end}",
            "targets": len(p.targets),
            "measures": len(p.measures),
        }
        for p in plans
    ]
    emit_rows(
        rows,
        fmt,
        [
            ("code", "代码 code"),
            ("title", "名称 title"),
            ("document_number", "文号 document"),
            ("period", "期限 period"),
            ("targets", "目标 targets"),
            ("measures", "举措 measures"),
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
    from wenzeng.services.plans import get_plan
    from wenzeng.services.tracking import assess_plan, target_rows

    with open_context() as ctx:
        plan = get_plan(ctx, code)
        assessments = assess_plan(ctx, plan, month_end(as_of) if as_of else None)
    if fmt is Format.json:
        emit_json(
            {
                "plan": plan.model_dump(mode="json", by_alias=True),
                "targets": [a.as_dict() for a in assessments],
            }
        )
        return
    out.print(f"[bold]{plan.title.zh}[/bold]（{plan.document_number}）")
    out.print(plan.title.en)
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

    plan = read_plan(file)
    out.print(f"✓ {file}: {plan.code}（目标 {len(plan.targets)}，举措 {len(plan.measures)}）")
