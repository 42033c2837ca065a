"""The ``wenzeng`` command line.

Exit codes: 0 success; 1 internal error; 2 configuration or usage error;
3 invalid input (nothing written); 4 not found; 6 conflict (e.g. a file
already imported).  Every command that reads accepts ``--format json``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from wenzeng import __version__
from wenzeng.config import Settings, load_settings
from wenzeng.errors import WenzengError
from wenzeng.present.cells import spreadsheet_safe

app = typer.Typer(
    name="wenzeng",
    help="稳增 WenZeng：稳增长行动方案的监测、预警与报告 / monitoring, early warning and "
    "reporting for industry stable-growth action plans.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
plan_app = typer.Typer(help="行动方案 / action plans", no_args_is_help=True)
data_app = typer.Typer(help="观测数据 / observations", no_args_is_help=True)
catalog_app = typer.Typer(help="目录：指标、主体、行业 / catalogues", no_args_is_help=True)
app.add_typer(plan_app, name="plan")
app.add_typer(data_app, name="data")
app.add_typer(catalog_app, name="catalog")

out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, soft_wrap=True)


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="输出格式 / output format")]


class State:
    database_url: str | None = None

    def settings(self, **overrides: Any) -> Settings:
        return load_settings(database_url=self.database_url, **overrides)


state = State()


@app.callback()
def _root(
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            envvar="WENZENG_DATABASE_URL",
            help="数据库地址 / store URL (default: SQLite in WENZENG_DATA_DIR)",
        ),
    ] = None,
    version: Annotated[bool, typer.Option("--version", help="显示版本 / show the version")] = False,
) -> None:
    if version:
        out.print(__version__)
        raise typer.Exit()
    state.database_url = database_url


@contextmanager
def _context(require_schema: bool = True) -> Iterator[Any]:
    from wenzeng.services.context import Context

    ctx = Context.open(state.settings())
    try:
        if require_schema:
            ctx.require_schema()
        yield ctx
    finally:
        ctx.close()


def _emit_json(data: Any) -> None:
    out.print_json(json.dumps(data, ensure_ascii=False, default=str))


def _emit_rows(
    rows: list[dict[str, Any]],
    fmt: Format,
    columns: list[tuple[str, str]],
    title: str | None = None,
) -> None:
    if fmt is Format.json:
        _emit_json(rows)
        return
    if fmt is Format.csv:
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow([c for c, _ in columns])
        for r in rows:  # text a spreadsheet would run as a formula stays text
            w.writerow([spreadsheet_safe(r.get(c)) for c, _ in columns])
        sys.stdout.write(buf.getvalue())
        return
    table = Table(title=title, show_lines=False)
    for _, header in columns:
        table.add_column(header)
    for r in rows:
        table.add_row(*["" if r.get(c) is None else str(r.get(c)) for c, _ in columns])
    out.print(table)


@contextmanager
def _progress(label: str, total: int | None) -> Iterator[Callable[[int], None]]:
    if not sys.stderr.isatty() and os.environ.get("WENZENG_PROGRESS") != "1":
        yield lambda _n: None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


# -- init / serve ------------------------------------------------------------------------------
@app.command()
def init(
    demo: Annotated[
        bool, typer.Option("--demo", help="同时加入模拟演示数据 / also add simulated demo data")
    ] = False,
) -> None:
    """初始化数据库：结构、内置计划与已发布数据 / create or upgrade the store and load the built-in plan and published figures."""
    from wenzeng.services.setup import initialise

    with _context(require_schema=False) as ctx:
        url = ctx.engine.url.render_as_string(hide_password=True)
        err.print(f"数据库 / store: {url}")
        with _progress("写入 / writing", None) as advance:
            report = initialise(
                ctx, demo=demo, step=lambda s: err.print(f"· {s}"), progress=advance
            )
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


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="监听地址 / address")] = None,
    port: Annotated[int | None, typer.Option(help="端口 / port")] = None,
) -> None:
    """启动网页服务 / serve WenZeng's pages and API."""
    import uvicorn

    from wenzeng.web.app import create_app

    settings = state.settings(host=host, port=port)
    application = create_app(settings)
    err.print(f"稳增 WenZeng: http://{settings.host}:{settings.port}/")
    uvicorn.run(application, host=settings.host, port=settings.port, log_level="warning")


# -- import --------------------------------------------------------------------------------------
@app.command("import")
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
        raise _usage(str(exc)) from exc
    with _context() as ctx, _progress(f"导入 / importing {file.name}", None) as advance:
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
        _emit_json(summary)
        return
    for w in result.warnings:
        err.print(f"[yellow]提示 / warning[/yellow] {w}")
    out.print(
        f"已导入 {result.rows} 行（批次 {result.batch_id}）/ imported {result.rows} rows "
        f"(batch {result.batch_id})"
    )


def _usage(message: str) -> WenzengError:
    from wenzeng.errors import ConfigurationError

    return ConfigurationError(message)


# -- plans -------------------------------------------------------------------------------------------
@plan_app.command("list")
def plan_list(fmt: FormatOpt = Format.table) -> None:
    """列出已加载的计划 / list loaded plans."""
    from wenzeng.services.plans import stored_plans

    with _context() as ctx:
        plans = stored_plans(ctx)
    rows = [
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
    _emit_rows(
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
    fmt: FormatOpt = Format.table,
) -> None:
    """显示计划的目标及其最新已发布数据 / show a plan's targets with their latest published figures."""
    from wenzeng.services.plans import get_plan, target_figures

    with _context() as ctx:
        plan = get_plan(ctx, code)
        figures = target_figures(ctx, plan)
    if fmt is Format.json:
        _emit_json(
            {
                "plan": plan.model_dump(mode="json", by_alias=True),
                "targets": [f.as_dict() for f in figures],
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
    rows = []
    for f in figures:
        t = f.target
        rec = f.shown
        rows.append(
            {
                "target": t.title.zh,
                "goal": f"{t.comparator.symbol}{t.value:g}{t.unit}"
                + (f" ±{t.tolerance:g}" if t.tolerance else ""),
                "latest": (f"{rec.period_obj.label_zh} {_fmt_value(rec)}" if rec else "—"),
                "status": f.status_zh,
                "source": rec.source_title if rec else "",
            }
        )
    _emit_rows(
        rows,
        Format.table,
        [
            ("target", "目标 target"),
            ("goal", "目标值 goal"),
            ("latest", "最新 latest"),
            ("status", "状态 status"),
            ("source", "来源 source"),
        ],
    )


def _fmt_value(rec: Any) -> str:
    from wenzeng.domain.observation import QUALIFIER_TEXT

    q = QUALIFIER_TEXT.get(rec.qualifier, ("", ""))[0]
    unit = rec.unit or ""
    return f"{q}{rec.value:,.6g}{unit}"


@plan_app.command("load")
def plan_load(
    file: Annotated[Path, typer.Argument(help="计划文件（YAML）/ plan file (YAML)")],
) -> None:
    """校验并加载一个计划文件 / validate and load a plan file."""
    from wenzeng.services.loading import load_plan_file

    with _context() as ctx:
        code, changed = load_plan_file(ctx, file)
    out.print(f"计划 / plan {code}: {'已加载 / loaded' if changed else '未变 / unchanged'}")


@plan_app.command("check")
def plan_check(
    file: Annotated[Path, typer.Argument(help="计划文件（YAML）/ plan file (YAML)")],
) -> None:
    """只校验计划文件，不加载 / validate a plan file without loading it."""
    from wenzeng.definitions.catalogue import read_plan

    plan = read_plan(file)
    out.print(f"✓ {file}: {plan.code}（目标 {len(plan.targets)}，举措 {len(plan.measures)}）")


# -- data --------------------------------------------------------------------------------------------
OBS_COLUMNS = [
    ("indicator", "指标 indicator"),
    ("entity", "主体 entity"),
    ("measure", "口径 measure"),
    ("period_label_zh", "期间 period"),
    ("value", "数值 value"),
    ("unit", "单位 unit"),
    ("vintage", "可得日期 vintage"),
    ("source_title", "来源 source"),
    ("flag", "标记 flag"),
]


@data_app.command("show")
def data_show(
    indicator: Annotated[str, typer.Argument(help="指标代码，如 va_elec / indicator code")],
    entity: Annotated[str, typer.Option(help="地区或主体（代码或名称）/ entity")] = "CN",
    measure: Annotated[str | None, typer.Option(help="level | yoy_pct | share_pct")] = None,
    period_type: Annotated[
        str | None, typer.Option("--period-type", help="month | cum_month | quarter | year")
    ] = None,
    period: Annotated[
        str | None, typer.Option(help="期间，如 2024-09、2024年1-9月 / one period")
    ] = None,
    start: Annotated[str | None, typer.Option("--from", help="起始期间 / first period")] = None,
    end: Annotated[str | None, typer.Option("--to", help="截止期间 / last period")] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="按某日已知的数据（YYYY-MM-DD）/ as known on a date"),
    ] = None,
    vintages: Annotated[
        bool, typer.Option("--vintages", help="列出所有版本 / every vintage (revision history)")
    ] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """查询观测值 / show observations, latest or as known on a date."""
    from wenzeng.services.series import SeriesQuery, observations

    try:
        when = date.fromisoformat(as_of) if as_of else None
    except ValueError as exc:
        raise _usage(f"日期无效 / invalid date: {as_of!r} (expected YYYY-MM-DD)") from exc
    query = SeriesQuery(
        indicator=indicator,
        entity=entity,
        measure=measure,
        period_type=period_type,
        period=period,
        start=start,
        end=end,
        as_of=when,
        all_vintages=vintages,
    )
    with _context() as ctx:
        records = observations(ctx, query)
    rows = [r.as_dict() for r in records]
    if not rows and fmt is Format.table:
        err.print("没有符合条件的数据 / no observations match")
        return
    _emit_rows(rows, fmt, OBS_COLUMNS)


@data_app.command("series")
def data_series(
    indicator: Annotated[str | None, typer.Argument(help="指标代码 / indicator code")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """列出已存储的序列 / list stored series."""
    from wenzeng.store import repo

    with _context() as ctx, ctx.reading() as conn:
        rows = repo.list_series(conn, indicator)
    _emit_rows(
        rows,
        fmt,
        [
            ("indicator", "指标"),
            ("entity", "主体"),
            ("measure", "口径"),
            ("period_type", "期间类型"),
            ("observations", "条数"),
            ("first", "起"),
            ("last", "止"),
        ],
    )


@app.command()
def status(fmt: FormatOpt = Format.table) -> None:
    """数据库状态 / store status: schema, plans, observation counts, loads."""
    from wenzeng.store import repo
    from wenzeng.store.db import schema_status

    with _context(require_schema=False) as ctx:
        current, head = schema_status(ctx.engine)
        info: dict[str, Any] = {
            "database": ctx.engine.url.render_as_string(hide_password=True),
            "schema": current,
            "schema_head": head,
        }
        if current is not None:
            with ctx.reading() as conn:
                info["plans"] = [p["code"] for p in repo.plan_documents(conn)]
                info["observations"] = repo.count_observations(conn)
                info["simulated"] = repo.count_observations(conn, simulated=True)
                info["batches"] = repo.batches(conn)
    if fmt is Format.json:
        _emit_json(info)
        return
    for k in ("database", "schema", "schema_head", "plans", "observations", "simulated"):
        if k in info:
            out.print(f"{k}: {info[k]}")


# -- collection ------------------------------------------------------------------------------------
forms_app = typer.Typer(help="报表与报送 / report forms and submissions", no_args_is_help=True)
app.add_typer(forms_app, name="forms")


@forms_app.command("list")
def forms_list(fmt: FormatOpt = Format.table) -> None:
    """已加载的报表 / the loaded report forms."""
    from wenzeng.services.forms import all_forms

    with _context() as ctx:
        forms = all_forms(ctx)
    rows = [
        {
            "code": f.code,
            "title": f.form.title.zh,
            "reporter": f.form.reporter.value,
            "frequency": f.form.frequency,
            "fields": len(f.fields),
            "rules": len(f.form.rules),
        }
        for f in forms.values()
    ]
    _emit_rows(
        rows,
        fmt,
        [
            ("code", "代码 code"),
            ("title", "名称 title"),
            ("reporter", "填报 reporter"),
            ("frequency", "频率"),
            ("fields", "字段 fields"),
            ("rules", "规则 rules"),
        ],
    )


@forms_app.command("load")
def forms_load(file: Annotated[Path, typer.Argument(help="报表文件（YAML）/ form file")]) -> None:
    """校验并加载一个报表文件 / validate and load a form file."""
    from wenzeng.services.forms import load_form_file

    with _context() as ctx:
        code, changed = load_form_file(ctx, file)
    out.print(f"报表 / form {code}: {'已加载 / loaded' if changed else '未变 / unchanged'}")


@forms_app.command("template")
def forms_template(
    code: Annotated[str, typer.Argument(help="报表代码 / form code")],
    out_file: Annotated[Path, typer.Option("--out", help="输出文件 .csv 或 .xlsx / output file")],
) -> None:
    """下载填报模板 / write a form's template to fill in (CSV or Excel)."""
    from wenzeng.services.form_files import template_csv, template_xlsx
    from wenzeng.services.forms import get_form

    with _context() as ctx:
        form = get_form(ctx, code)
    data = template_xlsx(form) if out_file.suffix.lower() == ".xlsx" else template_csv(form)
    out_file.write_bytes(data)
    out.print(f"已写入 / written: {out_file}")


@app.command()
def tracker(
    form: Annotated[str, typer.Argument(help="报表代码 / form code")],
    period: Annotated[str, typer.Argument(help="报告期，如 2025-10 / period")],
    remind: Annotated[
        bool, typer.Option(help="给逾期单位排队发送催报 / queue reminders to late reporters")
    ] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """报送进度：谁已报、谁逾期 / who has reported, who is late."""
    from wenzeng.auth.principal import SYSTEM
    from wenzeng.services.tracker import queue_reminders
    from wenzeng.services.tracker import tracker as build

    with _context() as ctx:
        t = build(ctx, SYSTEM, form, period)
        queued = queue_reminders(ctx, SYSTEM, form, period) if remind else None
    if fmt is Format.json:
        _emit_json({**t.as_dict(), "queued": queued})
        return
    err.print(f"{form} {t.period}: 截止 / due {t.due}; {t.counts}")
    _emit_rows(
        [r.as_dict() for r in t.rows],
        fmt,
        [
            ("reporter", "单位 reporter"),
            ("name_zh", "名称"),
            ("status", "状态 status"),
            ("late", "逾期 late"),
            ("submission_id", "报送 id"),
        ],
    )
    if queued is not None:
        err.print(f"已排队催报 / reminders queued: {queued}")


outbox_app = typer.Typer(help="待发邮件 / the outbox", no_args_is_help=True)
app.add_typer(outbox_app, name="outbox")


@outbox_app.command("list")
def outbox_list(fmt: FormatOpt = Format.table) -> None:
    """未发送的邮件 / messages waiting to be sent."""
    from wenzeng.services.outbox import pending

    with _context() as ctx:
        rows = pending(ctx)
    _emit_rows(
        rows,
        fmt,
        [
            ("id", "id"),
            ("kind", "类型 kind"),
            ("recipient", "收件人 to"),
            ("subject", "主题 subject"),
            ("attempts", "尝试 attempts"),
            ("last_error", "错误 error"),
        ],
    )


@outbox_app.command("send")
def outbox_send() -> None:
    """通过 SMTP 发送待发邮件 / send waiting messages through the SMTP server."""
    from wenzeng.services.outbox import send_pending

    with _context() as ctx:
        if not ctx.settings.smtp_host:
            err.print(
                "未设置 WENZENG_SMTP_HOST，邮件留在待发箱中 / WENZENG_SMTP_HOST is not "
                "set; messages stay in the outbox"
            )
        report = send_pending(ctx)
    out.print(
        f"已发送 {report.sent}，失败 {report.failed}，待发 {report.pending} / sent "
        f"{report.sent}, failed {report.failed}, waiting {report.pending}"
    )
    if report.failed:
        raise typer.Exit(1)


# -- analysis --------------------------------------------------------------------------------------
@app.command()
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
    fmt: FormatOpt = Format.table,
) -> None:
    """目标跟踪与预警分析 / track the targets and run the early-warning rules."""
    from wenzeng.services.backtest import month_ends, run_backtest
    from wenzeng.services.early_warning import run_analysis

    if backtest:
        start, _, end = backtest.partition(":")
        first, last = _month_end(start), _month_end(end or start)
        with _context() as ctx, _progress("回测 / backtest", len(month_ends(first, last))) as adv:
            bt = run_backtest(ctx, first, last, progress=adv)
        if fmt is Format.json:
            _emit_json(bt.as_dict())
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
        _emit_rows(
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
        return
    when = (
        _month_end(as_of)
        if as_of and len(as_of) == 7
        else (date.fromisoformat(as_of) if as_of else None)
    )
    with _context() as ctx:
        result = run_analysis(ctx, when, step=lambda s: err.print(f"· {s}"))
    summary = result.summary()
    if fmt is Format.json:
        _emit_json(
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
        _emit_rows(
            [
                {
                    "target": a.target.title.zh,
                    "status": a.status.zh,
                    "figure": "" if a.figure is None else f"{a.figure:g}{a.target.unit}",
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
    _emit_rows(
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


def _month_end(text: str) -> date:
    import calendar

    try:
        if len(text) == 7:
            y, m = int(text[:4]), int(text[5:7])
            return date(y, m, calendar.monthrange(y, m)[1])
        return date.fromisoformat(text)
    except ValueError as exc:
        raise _usage(f"日期无效 / invalid date: {text!r} (expected YYYY-MM or YYYY-MM-DD)") from exc


# -- catalogues --------------------------------------------------------------------------------------
@catalog_app.command("indicators")
def catalog_indicators(fmt: FormatOpt = Format.table) -> None:
    """指标目录 / the indicator catalogue."""
    from wenzeng.definitions.catalogue import builtin_catalogue

    rows = [
        i.model_dump(mode="json") | {"name_zh": i.name.zh, "name_en": i.name.en}
        for i in builtin_catalogue().indicators.values()
    ]
    _emit_rows(
        rows,
        fmt,
        [
            ("code", "代码 code"),
            ("name_zh", "名称"),
            ("unit", "单位 unit"),
            ("frequency", "频率"),
            ("nature", "性质"),
            ("aggregation", "汇总"),
        ],
    )


@catalog_app.command("entities")
def catalog_entities(
    kind: Annotated[str | None, typer.Option(help="province, plan_city, association …")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """主体目录：地区、协会 / entities: regions and associations."""
    from wenzeng.definitions.catalogue import builtin_catalogue

    rows = [
        e.model_dump(mode="json") | {"name_zh": e.name.zh, "name_en": e.name.en}
        for e in builtin_catalogue().entities.values()
        if kind is None or e.kind == kind
    ]
    _emit_rows(
        rows,
        fmt,
        [
            ("code", "代码 code"),
            ("kind", "类型 kind"),
            ("name_zh", "名称"),
            ("name_en", "name"),
            ("parent", "上级 parent"),
        ],
    )


def run(argv: list[str] | None = None) -> int:
    """Run the app; turn WenZeng's errors into messages and exit codes (no tracebacks)."""
    try:
        app(args=argv, standalone_mode=False)
    except WenzengError as exc:
        err.print(f"[red]错误 / error[/red]: {exc.message}", highlight=False)
        for issue in exc.issues[:50]:
            err.print(f"  - {issue}", highlight=False)
        if len(exc.issues) > 50:
            err.print(f"  … 另有 {len(exc.issues) - 50} 个问题 / {len(exc.issues) - 50} more")
        return exc.exit_code
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        err.print("已取消 / aborted")
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback for users
        # usage errors of the command-line parser (click's, vendored by typer) show themselves
        show, code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if callable(show) and isinstance(code, int):
            show()
            return code
        if os.environ.get("WENZENG_DEBUG"):
            raise
        err.print(
            f"[red]内部错误 / internal error[/red]: {type(exc).__name__}: {exc}", highlight=False
        )
        err.print("设置 WENZENG_DEBUG=1 可查看详情 / set WENZENG_DEBUG=1 for details")
        return 1
    return 0


def main() -> None:
    sys.exit(run())


# The user commands live in their own module; registered last so that it can use the helpers above.
from wenzeng.cli_users import user_app  # noqa: E402

app.add_typer(user_app, name="user")

from wenzeng.cli_reports import report_app  # noqa: E402

app.add_typer(report_app, name="report")
