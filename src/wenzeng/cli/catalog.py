"""``wenzeng catalog …``: the built-in catalogues of indicators and entities."""

from __future__ import annotations

from typing import Annotated

import typer

from wenzeng.cli.output import Format, FormatOpt, emit_rows

catalog_app = typer.Typer(help="目录：指标、主体、行业 / catalogues", no_args_is_help=True)


@catalog_app.command("indicators")
def catalog_indicators(fmt: FormatOpt = Format.table) -> None:
    """指标目录 / the indicator catalogue."""
    from wenzeng.definitions.catalogue import builtin_catalogue

    rows = [
        i.model_dump(mode="json") | {"name_zh": i.name.zh, "name_en": i.name.en}
        for i in builtin_catalogue().indicators.values()
    ]
    emit_rows(
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
    emit_rows(
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
