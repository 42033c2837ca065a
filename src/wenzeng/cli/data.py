"""``wenzeng data …``: observations, latest or as known on a date, and the stored series."""

from __future__ import annotations

from typing import Annotated

import typer

from wenzeng.cli.arguments import iso_date
from wenzeng.cli.context import open_context
from wenzeng.cli.output import Format, FormatOpt, emit_rows, err

data_app = typer.Typer(help="观测数据 / observations", no_args_is_help=True)

OBS_COLUMNS = [
    ("indicator", "指标 indicator"),
    ("entity", "主体 entity"),
    ("measure", "口径 measure"),
    ("period_label_zh", "期间 period"),
    ("value", "数值 value"),
    ("unit", "单位 unit"),
    ("vintage", "可得日期 vintage"),
    ("publisher", "发布机构 publisher"),
    ("release", "发布稿 release"),
    ("source_title", "来源 source"),
    ("flag", "标记 flag"),
]

SERIES_COLUMNS = [
    ("indicator", "指标"),
    ("entity", "主体"),
    ("measure", "口径"),
    ("period_type", "期间类型"),
    ("observations", "条数"),
    ("first", "起"),
    ("last", "止"),
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
    from wenzeng.auth.principal import SYSTEM
    from wenzeng.services.series import SeriesQuery, observations

    query = SeriesQuery(
        indicator=indicator,
        entity=entity,
        measure=measure,
        period_type=period_type,
        period=period,
        start=start,
        end=end,
        as_of=iso_date(as_of) if as_of else None,
        all_vintages=vintages,
    )
    with open_context() as ctx:
        records = observations(ctx, SYSTEM, query)
    rows = [r.as_dict() for r in records]
    if not rows and fmt is Format.table:
        err.print("没有符合条件的数据 / no observations match")
        return
    emit_rows(rows, fmt, OBS_COLUMNS)


@data_app.command("series")
def data_series(
    indicator: Annotated[str | None, typer.Argument(help="指标代码 / indicator code")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """列出已存储的序列 / list stored series."""
    from wenzeng.services.status import series_list

    with open_context() as ctx:
        rows = series_list(ctx, indicator)
    emit_rows(rows, fmt, SERIES_COLUMNS)
