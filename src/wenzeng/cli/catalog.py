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
        i.model_dump(mode="json")
        | {
            "name_zh": i.name.zh,
            "name_en": i.name.en,
            "aliases_text": "、".join(i.aliases),
            "part_of_text": "、".join(i.part_of),
            "minimum_text": "" if i.minimum is None else f"{i.minimum:g}",
        }
        for i in builtin_catalogue().indicators.values()
    ]
    emit_rows(
        rows,
        fmt,
        [
            ("code", "代码 code"),
            ("name_zh", "名称"),
            ("aliases_text", "别名 aliases"),
            ("unit", "单位 unit"),
            ("minimum_text", "下限 min"),
            ("part_of_text", "属于 part of"),
            ("frequency", "频率"),
            ("nature", "性质"),
            ("aggregation", "汇总"),
        ],
    )


def _ratio(x: float) -> str:
    """10000.0 → '10,000', 1e-08 → '0.00000001': a conversion as people write it."""
    if x >= 1:
        return f"{x:,.0f}" if x.is_integer() else f"{x:,.6g}"
    return f"{x:.15f}".rstrip("0")


@catalog_app.command("units")
def catalog_units(fmt: FormatOpt = Format.table) -> None:
    """计量单位及换算 / units of measure and their conversions."""
    from wenzeng.domain.units import units

    reg = units()
    rows = []
    for u in reg.units.values():
        scale = reg.in_dimension(u.dimension)  # smallest to largest
        ends = [v for v in (scale[0], scale[-1]) if v.factor != u.factor]
        shown = " = ".join(f"{_ratio(u.factor / v.factor)} {v.code}" for v in dict.fromkeys(ends))
        rows.append(
            {
                "code": u.code,
                "name_zh": u.name_zh,
                "name_en": u.name_en,
                "dimension": u.dimension,
                "factor": u.factor,
                "conversion": f"1 {u.code} = {shown}" if shown else "",
                "aliases": "、".join(u.aliases),
            }
        )
    emit_rows(
        rows,
        fmt,
        [
            ("code", "单位 unit"),
            ("name_zh", "名称"),
            ("name_en", "name"),
            ("dimension", "量纲 dimension"),
            ("conversion", "换算 conversion"),
            ("aliases", "别名 aliases"),
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
