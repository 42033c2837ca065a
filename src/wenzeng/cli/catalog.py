"""``wenzeng catalog …``: the built-in catalogues of indicators and entities."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from wenzeng.cli.context import open_context
from wenzeng.cli.output import Format, FormatOpt, emit_rows, out

if TYPE_CHECKING:
    from wenzeng.definitions.catalogue import Catalogue
    from wenzeng.domain.units import UnitRegistry

catalog_app = typer.Typer(help="目录：指标、主体、行业 / catalogues", no_args_is_help=True)

BUILTIN = "内置"


def _catalogue() -> tuple[Catalogue, UnitRegistry, dict[tuple[str, str], str]]:
    """The catalogue in use, its units and where each user entry came from (file name);
    the built-in ones alone when the store is not initialised."""
    from wenzeng.definitions.catalogue import builtin_catalogue
    from wenzeng.definitions.units import builtin_units
    from wenzeng.errors import ConfigurationError

    try:
        with open_context() as ctx:
            origin = {(e.kind, e.code): e.source_file for e in ctx.user_entries}
            return ctx.catalogue, ctx.unit_registry, origin
    except ConfigurationError:
        return builtin_catalogue(), builtin_units(), {}


@catalog_app.command("indicators")
def catalog_indicators(fmt: FormatOpt = Format.table) -> None:
    """指标目录（来源：内置或用户文件）/ the indicator catalogue (origin: built in or a file)."""
    cat, _, origin = _catalogue()
    rows = [
        i.model_dump(mode="json")
        | {
            "name_zh": i.name.zh,
            "name_en": i.name.en,
            "aliases_text": "、".join(i.aliases),
            "part_of_text": "、".join(i.part_of),
            "minimum_text": "" if i.minimum is None else f"{i.minimum:g}",
            "origin": origin.get(("indicator", i.code), BUILTIN),
        }
        for i in cat.indicators.values()
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
            ("origin", "来源"),
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
    _, reg, origin = _catalogue()
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
                "origin": origin.get(("unit", u.code), BUILTIN),
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
            ("origin", "来源"),
        ],
    )


@catalog_app.command("entities")
def catalog_entities(
    kind: Annotated[str | None, typer.Option(help="province, plan_city, association …")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """主体目录：地区、协会 / entities: regions and associations."""
    cat, _, origin = _catalogue()
    rows = [
        e.model_dump(mode="json")
        | {
            "name_zh": e.name.zh,
            "name_en": e.name.en,
            "origin": origin.get(("entity", e.code), BUILTIN),
        }
        for e in cat.entities.values()
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
            ("origin", "来源"),
        ],
    )


@catalog_app.command("load")
def catalog_load(
    file: Annotated[Path, typer.Argument(help="目录扩展文件（YAML）/ catalogue extension file")],
) -> None:
    """校验并加载用户目录文件（单位、指标、主体、行业、报告）/ validate and load a catalogue file."""
    from wenzeng.services.user_catalog import load_catalog_file

    with open_context() as ctx:
        done = load_catalog_file(ctx, file)
    for label, items in (("新增 / new", done.new), ("更新 / changed", done.changed)):
        for kind, code in items:
            out.print(f"{label}: {kind} {code}")
    out.print(
        f"{done.file}: 新增 {len(done.new)}，更新 {len(done.changed)}，未变 {len(done.same)} / "
        f"{len(done.new)} new, {len(done.changed)} changed, {len(done.same)} unchanged"
    )


@catalog_app.command("list")
def catalog_list(
    kind: Annotated[
        str | None, typer.Option(help="unit, indicator, entity, sector, report")
    ] = None,
    user: Annotated[bool, typer.Option("--user", help="只列用户条目 / user entries only")] = False,
    history: Annotated[
        bool, typer.Option("--history", help="含历史版本 / with earlier versions")
    ] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """用户加载的目录条目及其来源 / the catalogue entries users loaded, with where they came from."""
    from wenzeng.services.user_catalog import history as entry_history
    from wenzeng.services.user_catalog import is_builtin_entry, user_entries

    with open_context() as ctx:
        entries = user_entries(ctx, kind)
        if history:
            entries = [v for e in entries for v in entry_history(ctx, e.kind, e.code)]
        base = ctx.base_catalogue
        builtin_codes = {(e.kind, e.code) for e in entries if is_builtin_entry(ctx, e.kind, e.code)}
    builtin = [] if user else _builtin_rows(base, kind)
    shadowed = "已被同代码的内置条目取代，未使用 / a built-in entry of this code replaces it"
    replaces = "替换内置定义 / replaces the built-in definition"
    rows = builtin + [
        {
            "kind": e.kind,
            "code": e.code,
            "name": (e.document.get("name") or e.document.get("title") or {}).get("zh", ""),
            "version": e.version,
            "source_file": e.source_file,
            "origin": e.source_file,
            "loaded_at": e.loaded_at.isoformat(timespec="seconds"),
            "loaded_by": e.loaded_by,
            "current": e.superseded_at is None,
            "note": (replaces if e.kind == "report" and e.document.get("replace") else shadowed)
            if (e.kind, e.code) in builtin_codes
            else "",
        }
        for e in entries
    ]
    emit_rows(
        rows,
        fmt,
        [
            ("kind", "类型 kind"),
            ("code", "代码 code"),
            ("name", "名称"),
            ("version", "版本 version"),
            ("origin", "来源 origin"),
            ("loaded_at", "加载时间 loaded"),
            ("loaded_by", "加载人 by"),
            ("note", "说明 note"),
        ],
    )


def _builtin_rows(cat: Catalogue, kind: str | None) -> list[dict[str, object]]:
    from wenzeng.definitions.units import builtin_units
    from wenzeng.reports.definition import REPORT_KINDS, builtin_report_definition

    named = {
        "unit": [(u.code, u.name_zh) for u in builtin_units().units.values()],
        "sector": [(s.code, s.name.zh) for s in cat.sectors.values()],
        "indicator": [(i.code, i.name.zh) for i in cat.indicators.values()],
        "entity": [(e.code, e.name.zh) for e in cat.entities.values()],
        "report": [(k, builtin_report_definition(k).title.zh) for k in REPORT_KINDS],
    }
    return [
        {
            "kind": k,
            "code": code,
            "name": name,
            "version": None,
            "source_file": None,
            "origin": BUILTIN,
            "loaded_at": None,
            "loaded_by": None,
            "current": True,
            "note": "",
        }
        for k, items in named.items()
        if kind is None or k == kind
        for code, name in items
    ]


@catalog_app.command("remove")
def catalog_remove(
    kind: Annotated[str, typer.Argument(help="unit, indicator, entity, sector, report")],
    code: Annotated[str, typer.Argument(help="代码 / code")],
    force: Annotated[
        bool, typer.Option("--force", help="即使仍被使用也删除 / remove even while in use")
    ] = False,
) -> None:
    """删除一个用户目录条目（仍被使用时拒绝）/ remove a user catalogue entry (refused while in use)."""
    from wenzeng.services.user_catalog import remove_user_entry

    with open_context() as ctx:
        users = remove_user_entry(ctx, kind, code, force=force)
    out.print(f"已删除 / removed: {kind} {code}")
    for u in users:
        out.print(f"  仍在使用 / still used by: {u}")
