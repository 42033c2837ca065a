"""``wenzeng analyze``: assess the targets and run the early-warning rules as of a date, or
replay them month by month (``--backtest``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from wenzeng.cli.arguments import month_end
from wenzeng.cli.backtest_score import show_score
from wenzeng.cli.context import open_context
from wenzeng.cli.output import Format, FormatOpt, emit_json, emit_rows, err, out, progress

commands = typer.Typer()


@commands.command()
def analyze(
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="按某日或某月已知的数据（YYYY-MM-DD 或 YYYY-MM）/ data as known then"
        ),
    ] = None,
    backtest: Annotated[
        str | None,
        typer.Option(
            "--backtest", help="逐月回测区间，如 2019-06:2025-12 / backtest months FROM:TO"
        ),
    ] = None,
    score: Annotated[
        bool,
        typer.Option(
            "--score",
            help="按真实事件（catalog/episodes.yaml）为回测打分 / score the backtest on the real episodes",
        ),
    ] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """目标跟踪与预警分析 / track the targets and run the early-warning rules."""
    if backtest:
        _backtest(backtest, fmt, score)
        return
    if score:
        err.print("--score 须与 --backtest 同用 / --score needs --backtest")
        raise typer.Exit(2)
    _analysis(month_end(as_of) if as_of else None, fmt)


def _backtest(months: str, fmt: Format, score: bool = False) -> None:
    """Replay the rules at each month end FROM:TO and show what each month raised (and,
    with ``score``, how that scores on the real episodes)."""
    from wenzeng.services.backtest import month_ends, run_backtest, score_backtest

    start, _, end = months.partition(":")
    first, last = month_end(start), month_end(end or start)
    with open_context() as ctx, progress("回测 / backtest", len(month_ends(first, last))) as adv:
        bt = run_backtest(ctx, first, last, progress=adv)
        scored = score_backtest(ctx, bt) if score else None
    if fmt is Format.json:
        emit_json(bt.as_dict() | ({"score": scored.as_dict()} if scored else {}))
        return
    if scored is not None:
        show_score(scored, fmt)
        return
    rows = [
        {
            "as_of": m.as_of.isoformat(),
            "fired": m.fired,
            "open": m.open,
            "composite": f"{m.composite['index']:.0f} {m.composite['light_zh']}"
            if m.composite
            else "",
            "new": "；".join(
                f"{n['rule']} {n['indicator']} {n['period']} ({n['severity']})" for n in m.new
            ),
        }
        for m in bt.months
    ]
    emit_rows(
        rows,
        fmt,
        [
            ("as_of", "日期 as of"),
            ("composite", "合成指数 composite"),
            ("fired", "触发 fired"),
            ("open", "未关闭 open"),
            ("new", "新预警 new warnings"),
        ],
    )


def _analysis(when: date | None, fmt: Format) -> None:
    """Assess every plan's targets and run the warning rules (results kept); show both."""
    from wenzeng.services.early_warning import run_analysis
    from wenzeng.services.forms import unusable_forms
    from wenzeng.services.plan_lifecycle import unusable_plans
    from wenzeng.services.tracking import figure_text

    with open_context() as ctx:
        for skipped in unusable_plans(ctx):
            err.print(f"跳过 / skipped: {skipped.problem_zh} / {skipped.problem_en}")
        for form in unusable_forms(ctx):
            err.print(f"跳过 / skipped: {form.problem_zh} / {form.problem_en}")
        result = run_analysis(ctx, when, step=lambda s: err.print(f"· {s}"))
    summary: dict[str, Any] = result.summary()
    if fmt is Format.json:
        emit_json(
            {
                **summary,
                "assessments": {
                    p: [a.as_dict() for a in items] for p, items in result.assessments.items()
                },
                "findings": [f.__dict__ | {"klass": f.klass.value} for f in result.findings],
            }
        )
        return
    for plan, items in result.assessments.items():
        out.print(f"[bold]{plan}[/bold]（{summary['as_of']}）")
        emit_rows(
            [
                {
                    "target": a.target.title.zh,
                    "status": a.status.zh,
                    "figure": figure_text(a),  # as plan show writes it
                    "rule": a.rule_zh,
                }
                for a in items
            ],
            Format.table,
            [
                ("target", "目标 target"),
                ("status", "状态 status"),
                ("figure", "数值 figure"),
                ("rule", "依据 rule"),
            ],
        )
    err.print(
        f"预警 / warnings: 新 {result.new} / new, 更新 {result.updated} / updated; "
        f"判断 {result.stats.judged} 个序列，数据不足 {result.stats.insufficient} 个 / "
        f"{result.stats.judged} series judged, {result.stats.insufficient} too short"
    )
    emit_rows(
        [
            {
                "severity": f.severity,
                "class": f.klass.zh,
                "entity": f.entity,
                "explanation": f.explanation_zh,
            }
            for f in result.findings
        ],
        Format.table,
        [
            ("severity", "级别"),
            ("class", "类别"),
            ("entity", "主体"),
            ("explanation", "说明 explanation"),
        ],
    )
