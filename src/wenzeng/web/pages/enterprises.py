"""The key enterprise and supply-chain lists (重点电子整机及上游供应链企业名单) with a sector
summary, and one enterprise with its suppliers, buyers and latest figures."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from wenzeng.auth.principal import Principal
from wenzeng.domain import labels
from wenzeng.present.enterprise_charts import enterprise_charts
from wenzeng.present.numbers import common_scale
from wenzeng.present.place_charts import sector_chart
from wenzeng.services import directory as d
from wenzeng.services.context import Context
from wenzeng.services.forms import all_forms
from wenzeng.web.deps import CtxDep
from wenzeng.web.pages.figures import LATEST_COLUMNS, form_units, latest_rows
from wenzeng.web.pages.formats import item_format, page_format, respond
from wenzeng.web.security import PrincipalDep
from wenzeng.web.templating import page_lang

router = APIRouter(include_in_schema=False)

ENTERPRISE_COLUMNS = [
    ("code", "代码 Code"),
    ("name_zh", "企业名称 Name"),
    ("name_en", "英文名称 English name"),
    ("region", "地区代码 Region code"),
    ("region_zh", "所在地区 Region"),
    ("sector", "行业代码 Sector code (GB/T 4754)"),
    ("sector_zh", "国民经济行业 Sector (GB/T 4754)"),
    ("chain_zh", "产业链位置 Chain position"),
    ("list", "名单 List"),
    ("suppliers", "供应商数 Suppliers"),
    ("buyers", "客户数 Buyers"),
    ("flag", "模拟数据 Simulated"),
]


def enterprises_context(
    ctx: Context, p: Principal, f: d.EnterpriseFilter, en: bool
) -> dict[str, Any]:
    cat = ctx.catalogue
    everyone = d.list_enterprises(ctx, p)
    rows = d.filter_enterprises(cat, everyone, f)
    summary = d.sector_summary(ctx, p, rows)
    places = sorted({(r["region"], r["region_zh"], r["region_en"]) for r in everyone})
    sectors = ["C39", *d.scope_sectors(cat)]
    return {
        "filters": {"region": f.region, "sector": f.sector, "chain_position": f.chain_position},
        "options": {
            "regions": [{"code": c, "zh": zh, "en": en_} for c, zh, en_ in places],
            "sectors": [
                {"code": s, "zh": d.sector_name(cat, s)[0], "en": d.sector_name(cat, s)[1]}
                for s in sectors
            ],
            "chain_positions": labels.options(labels.CHAIN_POSITION, "code"),
        },
        "total": len(everyone),
        "count": len(rows),
        "sectors": summary,
        "table": rows,
        "columns": ENTERPRISE_COLUMNS,
        "_sectors_shown": on_one_scale(summary, en, by_smallest=True),
        "_charts": [{"id": "chart_sectors", "spec": sector_chart(on_one_scale(summary, en), en)}]
        if summary["period"]
        else [],
    }


def on_one_scale(summary: dict[str, Any], en: bool, *, by_smallest: bool = False) -> dict[str, Any]:
    """The sector summary with its revenues on one scale in the reader's words (亿元 or
    万亿元; billion yuan): the one its largest value asks for (a chart's axis), or with
    ``by_smallest`` the one its smallest asks for, so that every row of a table keeps its
    digits (414.93 beside 1,200.00 billion yuan, not 0.41 beside 1.20 trillion)."""
    values = [r["revenue"] for r in summary["rows"] if r["revenue"]]
    chosen = [min(map(abs, values), default=0.0)] if by_smallest else values
    divisor, unit = common_scale(chosen, summary["unit"], en=en)
    rows = [
        {**r, "revenue": None if r["revenue"] is None else r["revenue"] / divisor}
        for r in summary["rows"]
    ]
    return {**summary, "rows": rows, "unit": unit}


@router.get("/enterprises", response_class=HTMLResponse)
@router.get("/enterprises.{fmt}")
def enterprises_page(
    request: Request,
    ctx: CtxDep,
    p: PrincipalDep,
    region: str | None = None,
    sector: str | None = None,
    chain_position: str | None = None,
) -> Response:
    fmt = page_format(request, "enterprises")
    f = d.EnterpriseFilter(region or None, sector or None, chain_position or None)
    context = enterprises_context(ctx, p, f, page_lang(request) == "en")
    return respond(request, "enterprises.html", context, fmt, "enterprises")


def enterprise_context(ctx: Context, p: Principal, code: str, en: bool) -> dict[str, Any]:
    cat = ctx.catalogue
    info = d.enterprise(ctx, p, code)
    e = info["enterprise"]
    records = d.visible_observations(ctx, p, entities=[e["code"]]).records
    # in the units the enterprise fills in (万元, 人), not the store's 亿元
    units = form_units(all_forms(ctx).values(), "enterprise")
    latest = latest_rows(cat, records, units)
    recent = d.last_months([r for r in records if r.measure == "level"])
    return {
        **info,
        "latest": latest,
        "table": latest,
        "columns": LATEST_COLUMNS,
        "_charts": enterprise_charts(cat, recent, d.WINDOW_MONTHS, en, units),
    }


@router.get("/enterprises/{name}", response_class=HTMLResponse)
def enterprise_page(request: Request, ctx: CtxDep, p: PrincipalDep, name: str) -> Response:
    code, fmt = item_format(name, f"没有这个企业 / no such enterprise: {name}")
    context = enterprise_context(ctx, p, code, page_lang(request) == "en")
    return respond(
        request, "enterprise.html", context, fmt, f"enterprise-{context['enterprise']['code']}"
    )
