"""``wenzeng report …``: generate, list and publish reports. The command line acts as the
system administrator."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from wenzeng.auth.principal import SYSTEM
from wenzeng.cli.arguments import month_end
from wenzeng.cli.context import open_context
from wenzeng.cli.output import Format, FormatOpt, emit_json, emit_rows, err, out, progress

report_app = typer.Typer(help="报告 / reports", no_args_is_help=True)


class ReportFormat(StrEnum):
    pdf = "pdf"
    docx = "docx"
    html = "html"


class Lang(StrEnum):
    zh = "zh"
    en = "en"


PeriodOpt = Annotated[
    str,
    typer.Option(
        "--period", help="期间，如 2024Q3、2024年三季度、2024 / period, e.g. 2024Q3 or 2024"
    ),
]
FormatsOpt = Annotated[
    list[ReportFormat] | None,
    typer.Option(
        "--format", "-f", help="格式，可重复；默认三种 / format, repeatable; default: all three"
    ),
]
OutOpt = Annotated[
    Path | None,
    typer.Option(
        "--out",
        "-o",
        help="输出文件（一种格式）或目录 / output file (one format) or folder",
    ),
]
LangOpt = Annotated[Lang, typer.Option("--lang", help="语言 / language")]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="按某日已知的数据（YYYY-MM-DD 或 YYYY-MM），默认为本期主要指标发布之日 / data as known then; default: the day the period's key figures were published",
    ),
]
KeepOpt = Annotated[
    bool,
    typer.Option(
        "--keep/--no-keep",
        help="保存到报告列表（未发布）/ keep in the report list (unpublished)",
    ),
]


def _targets(out_path: Path | None, names: dict[str, str]) -> dict[str, Path]:
    """Where each format is written: --out is a file for one format, else a folder."""
    if out_path is not None and len(names) == 1 and out_path.suffix:
        return {fmt: out_path for fmt in names}
    folder = out_path or Path(".")
    return {fmt: folder / name for fmt, name in names.items()}


def _generate(
    kind: str,
    period: str,
    formats: list[ReportFormat] | None,
    out_path: Path | None,
    lang: Lang,
    as_of: str | None,
    keep: bool,
) -> None:
    from wenzeng.services import reports
    from wenzeng.services.report_kinds import definition

    fmts = [f.value for f in formats] if formats else list(reports.FORMATS)
    if out_path is not None and out_path.suffix and len(fmts) == 1:
        wanted = out_path.suffix.lstrip(".").lower()
        if wanted != fmts[0]:
            err.print(
                f"注意：文件扩展名 .{wanted} 与格式 {fmts[0]} 不一致 / note: the extension "
                f".{wanted} does not match the format {fmts[0]}"
            )
    if out_path is not None and out_path.suffix and len(fmts) > 1:
        out_path = out_path.parent
    when = month_end(as_of) if as_of else None
    with open_context() as ctx:
        steps = len(definition(ctx, kind).sections) + len(fmts) + (1 if keep else 0)
        with progress(f"生成报告 / generating {kind} {period}", steps) as advance:
            result = reports.generate(
                ctx,
                SYSTEM,
                kind,
                period,
                formats=fmts,
                lang=lang.value,
                as_of=when,
                keep=keep,
                step=lambda _s: advance(1),
            )
    names = {fmt: reports.document_file_name(result.document, fmt) for fmt in fmts}
    for fmt, path in _targets(out_path, names).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        tmp.write_bytes(result.files[fmt])
        tmp.replace(path)  # never leave a half-written file under the wanted name
        out.print(f"{path}  ({len(result.files[fmt]):,} bytes)")
    doc = result.document
    if doc.simulated:
        err.print("注意：报告含模拟演示数据 / note: the report contains simulated demo data")
    if result.report_id is not None:
        err.print(
            f"已保存为报告 {result.report_id}（未发布）/ kept as report {result.report_id} "
            "(unpublished)"
        )


def _report_command(kind: str, help_text: str) -> None:
    """Register ``wenzeng report KIND``: every kind takes the same options."""

    def command(
        period: PeriodOpt,
        formats: FormatsOpt = None,
        out_path: OutOpt = None,
        lang: LangOpt = Lang.zh,
        as_of: AsOfOpt = None,
        keep: KeepOpt = True,
    ) -> None:
        _generate(kind, period, formats, out_path, lang, as_of, keep)

    command.__doc__ = help_text
    report_app.command(kind)(command)


_report_command("quarterly", "季度行业运行情况报告 / quarterly industry operation report.")
_report_command("meeting", "季度运行座谈会材料 / quarterly meeting pack.")
_report_command("annual", "年度进展情况汇总 / annual progress summary.")


@report_app.command("generate")
def generate(
    kind: Annotated[str, typer.Argument(help="报告类型（内置或用户加载）/ report kind")],
    period: PeriodOpt,
    formats: FormatsOpt = None,
    out_path: OutOpt = None,
    lang: LangOpt = Lang.zh,
    as_of: AsOfOpt = None,
    keep: KeepOpt = True,
) -> None:
    """生成任一类型的报告，含用户文件定义的类型 / generate a report of any kind, a user's too."""
    _generate(kind, period, formats, out_path, lang, as_of, keep)


@report_app.command("kinds")
def kinds(fmt: FormatOpt = Format.table) -> None:
    """报告类型及其定义来源 / the report kinds and where their definitions come from."""
    from wenzeng.services.report_kinds import listed

    with open_context() as ctx:
        rows = [vars(k) for k in listed(ctx)]
    emit_rows(
        rows,
        fmt,
        [
            ("code", "类型 kind"),
            ("name_zh", "名称"),
            ("name_en", "name"),
            ("period_type", "期间 period"),
            ("origin", "来源 origin"),
        ],
    )


@report_app.command("list")
def list_(fmt: FormatOpt = Format.table) -> None:
    """列出已生成的报告 / list generated reports."""
    from wenzeng.services import reports

    with open_context() as ctx:
        rows = reports.list_reports(ctx, SYSTEM)
    for r in rows:
        r["formats"] = ", ".join(f["format"] for f in r["files"])
        r["state"] = "已发布 published" if r["published"] else "未发布 draft"
    if fmt is Format.json:
        emit_json(rows)
        return
    emit_rows(
        rows,
        fmt,
        [
            ("id", "编号 id"),
            ("kind_zh", "类型 kind"),
            ("period", "期间 period"),
            ("lang", "语言 lang"),
            ("as_of", "数据截至 as of"),
            ("formats", "格式 formats"),
            ("state", "状态 state"),
            ("title", "标题 title"),
        ],
    )


@report_app.command("publish")
def publish(report_id: Annotated[int, typer.Argument(help="报告编号 / report id")]) -> None:
    """发布报告（公众可见）/ publish a report (visible to the public)."""
    from wenzeng.services import reports

    with open_context() as ctx:
        r = reports.set_published(ctx, SYSTEM, report_id, True)
    out.print(f"已发布 / published: {r['id']} {r['title']}")


@report_app.command("withdraw")
def withdraw(report_id: Annotated[int, typer.Argument(help="报告编号 / report id")]) -> None:
    """撤回已发布的报告 / withdraw a published report."""
    from wenzeng.services import reports

    with open_context() as ctx:
        r = reports.set_published(ctx, SYSTEM, report_id, False)
    out.print(f"已撤回 / withdrawn: {r['id']} {r['title']}")
