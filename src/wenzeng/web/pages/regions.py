"""The regions: the tile map of the provinces coloured by any indicator or by signal light,
and one region with its series, latest figures, submissions, warnings and key enterprises."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from wenzeng.analysis.detectors import LIGHTS
from wenzeng.auth import policy
from wenzeng.auth.principal import Principal
from wenzeng.domain import labels
from wenzeng.present.colours import tile_ink
from wenzeng.present.place_charts import region_charts
from wenzeng.services import directory as d
from wenzeng.services import submissions as subs
from wenzeng.services.context import Context
from wenzeng.services.early_warning import list_warnings
from wenzeng.web.deps import CtxDep
from wenzeng.web.pages.figures import LATEST_COLUMNS, latest_rows, value_text
from wenzeng.web.pages.formats import item_format, page_format, respond
from wenzeng.web.security import PrincipalDep
from wenzeng.web.templating import page_lang

router = APIRouter(include_in_schema=False)

# A sequential scale (light to dark blue), one colour a class of equal width.
SCALE = ["#dbe9f6", "#a6cbe6", "#6aa6d3", "#3680bd", "#0f4f8f"]
DARK_FROM = 3  # classes from this one on carry white text
NO_DATA = "#d9dee4"
# The period types in the order the map offers them.
MAP_PERIOD_TYPES = ("cum_month", "month", "quarter", "year")

REGION_COLUMNS = [
    ("code", "代码 Code"),
    ("name_zh", "地区 Region"),
    ("name_en", "英文名称 English name"),
    ("kind_zh", "类型 Kind"),
    ("value", "数值 Value"),
    ("unit", "单位 Unit"),
    ("period", "报告期 Period"),
    ("light_label", "信号灯 Signal light"),
    ("flag", "模拟数据 Simulated"),
    ("source", "来源 Source"),
    ("vintage", "可得日期 Known by"),
]


# -- the region map ---------------------------------------------------------------------------
def scale_classes(values: list[float]) -> list[dict[str, Any]]:
    """Classes of equal width from the smallest to the largest value, with their colours."""
    if not values:
        return []
    lo, hi = min(values), max(values)
    if hi - lo < 1e-9:
        return [{"lo": lo, "hi": hi, "colour": SCALE[2], "dark": False}]
    step = (hi - lo) / len(SCALE)
    return [
        {
            "lo": lo + i * step,
            "hi": hi if i == len(SCALE) - 1 else lo + (i + 1) * step,
            "colour": c,
            "dark": i >= DARK_FROM,
        }
        for i, c in enumerate(SCALE)
    ]


def _class_of(value: float, classes: list[dict[str, Any]]) -> dict[str, Any]:
    for c in classes:
        if value < c["hi"]:
            return c
    return classes[-1]


def _tips(r: dict[str, Any]) -> tuple[str, str]:
    """The tooltip of a tile: full name, value with its unit, period, light, simulated."""
    if r["value"] is None:
        return f"{r['name_zh']}：无数据", f"{r['name_en']}: no data"
    unit = "" if r["unit"] == "%" else f" {r['unit'] or ''}"
    zh = f"{r['name_zh']}：{r['value_text']}{unit} · {r['period_label_zh']}"
    en = f"{r['name_en']}: {r['value_text']}{unit} · {r['period_label_en']}"
    if r["light"]:
        zh, en = f"{zh} · {r['light_zh']}", f"{en} · {r['light_en']}"
    if r["simulated"]:
        zh, en = f"{zh} · 模拟数据", f"{en} · simulated"
    return zh, en


def _paint(rows: list[dict[str, Any]], by_light: bool, unit: str | None) -> list[dict[str, Any]]:
    """Give every region its fill and text colour; returns the legend."""
    classes = scale_classes([r["value"] for r in rows if r["value"] is not None])
    for r in rows:
        r["value_text"] = value_text(r["value"], r["unit"], r["qualifier"])
        r["light_label"] = f"{r['light_zh']} {r['light_en']}" if r["light"] else ""
        r["tip_zh"], r["tip_en"] = _tips(r)
        if r["value"] is None:
            r["fill"] = NO_DATA
        elif by_light and r["light_colour"]:
            r["fill"] = r["light_colour"]
        else:
            r["fill"] = _class_of(r["value"], classes)["colour"]
        r["ink"], r["chip"] = tile_ink(r["fill"])
    if by_light:
        return [
            {"colour": light.colour, "zh": light.zh, "en": light.en, "code": light.code}
            for _, light in sorted(LIGHTS.items())
        ]
    return [
        {
            "colour": c["colour"],
            "zh": f"{value_text(c['lo'], unit)} – {value_text(c['hi'], unit)}",
            "en": f"{value_text(c['lo'], unit)} – {value_text(c['hi'], unit)}",
        }
        for c in classes
    ]


def _series_words(measure: str, period_type: str) -> tuple[str, str]:
    """'同比增速（1-n月累计）', 'YoY growth (year to date)'."""
    m, t = labels.pair(labels.MEASURE, measure), labels.pair(labels.PERIOD_TYPE, period_type)
    return f"{m[0]}（{t[0]}）", f"{m[1]} ({t[1]})"


def regions_context(
    ctx: Context, p: Principal, indicator: str, measure: str, period_type: str, colour: str
) -> dict[str, Any]:
    choice = d.choose(ctx, indicator, measure, period_type, colour)
    data = d.region_map(ctx, p, choice)
    ind = choice.indicator
    unit = ind.unit if choice.measure == "level" else "%"
    rows = data["rows"]
    legend = _paint(rows, choice.light, unit)
    grid_rows = max((r["tile"][0] for r in rows if r["tile"]), default=0) + 1
    grid_cols = max((r["tile"][1] for r in rows if r["tile"]), default=0) + 1
    periods = sorted({r["period"] for r in rows if r["period"]})
    reason = data["empty_reason"]
    series_zh, series_en = _series_words(choice.measure, choice.period_type)
    return {
        "indicator": {"code": ind.code, "zh": ind.name.zh, "en": ind.name.en, "unit": unit},
        "measure": choice.measure,
        "period_type": choice.period_type,
        "colour": "light" if choice.light else "scale",
        "series_zh": series_zh,
        "series_en": series_en,
        "periods": periods,
        "periods_differ": len(periods) > 1,
        "notices": [{"zh": zh, "en": en} for zh, en in choice.notices],
        "empty_reason": {"zh": reason[0], "en": reason[1]} if reason else None,
        "elsewhere": _elsewhere(ctx, p) if reason else [],
        "any_simulated": any(r["simulated"] for r in rows),
        "partly_hidden": data["partly_hidden"],
        "signal": data["signal"],
        "national": d.national_lights(ctx, p).get(ind.code),
        "legend": legend,
        "grid": {"rows": grid_rows, "cols": grid_cols},
        "options": {
            "indicators": [
                {"code": i.code, "zh": i.name.zh, "en": i.name.en}
                for i in d.map_indicators(ctx.catalogue)
            ],
            "measures": labels.options(
                {m.value: labels.MEASURE[m.value] for m in ind.measures}, "code"
            ),
            "period_types": labels.options(
                {k: labels.PERIOD_TYPE[k] for k in MAP_PERIOD_TYPES}, "code"
            ),
        },
        "table": rows,
        "columns": REGION_COLUMNS,
    }


def _elsewhere(ctx: Context, p: Principal) -> list[dict[str, Any]]:
    """Other regional series with figures to show, with the map's link for each."""
    out = []
    for x in d.other_region_series(ctx, p)[:8]:
        m, t = labels.MEASURE.get(x["measure"]), labels.PERIOD_TYPE.get(x["period_type"])
        if m is None or t is None:
            continue
        query = {k: x[k] for k in ("indicator", "measure", "period_type")}
        out.append(
            {
                **x,
                "series_zh": f"{x['zh']}{m[0]}（{t[0]}）",
                "series_en": f"{x['en']}, {m[1]} ({t[1]})",
                "href": f"/regions?{urlencode(query)}",
            }
        )
    return out


@router.get("/regions", response_class=HTMLResponse)
@router.get("/regions.{fmt}")
def regions_page(
    request: Request,
    ctx: CtxDep,
    p: PrincipalDep,
    indicator: str = "revenue_elec",
    measure: str = "yoy_pct",
    period_type: str = "cum_month",
    colour: str = "scale",
) -> Response:
    fmt = page_format(request, "regions")
    context = regions_context(ctx, p, indicator, measure, period_type, colour)
    return respond(request, "regions.html", context, fmt, "regions")


# -- one region -------------------------------------------------------------------------------
def region_context(ctx: Context, p: Principal, code: str, en: bool) -> dict[str, Any]:
    cat = ctx.catalogue
    e = d.region(cat, code)
    records = d.region_observations(ctx, p, e.code)
    in_scope = policy.entity_in_scope(p, e.code, cat)
    submissions = (
        [s.as_dict() for s in subs.list_submissions(ctx, p, reporter=e.code, limit=100)]
        if in_scope
        else None
    )
    warnings = (
        list_warnings(ctx, p, entity=e.code, limit=100) if policy.may_see_warnings(p) else None
    )
    enterprises = (
        d.region_enterprises(ctx, p, e.code)
        if policy.may_see_region_enterprises(p, e.code)
        else None
    )
    latest = latest_rows(cat, records)
    kind_zh, kind_en = labels.ENTITY_KIND[e.kind.value]
    parent = cat.entities.get(e.parent or "")
    return {
        "region": {
            "code": e.code,
            "zh": e.name.zh,
            "en": e.name.en,
            "kind": e.kind.value,
            "kind_zh": kind_zh,
            "kind_en": kind_en,
            "parent": e.parent if parent and parent.kind.value != "nation" else None,
            "parent_zh": parent.name.zh if parent else None,
            "parent_en": parent.name.en if parent else None,
        },
        "has_simulated": any(r.simulated for r in records),
        "hidden_note": not records and not p.authenticated,
        "latest": latest,
        "submissions": submissions,
        "warnings": warnings,
        "enterprises": enterprises,
        "table": latest,
        "columns": LATEST_COLUMNS,
        "_charts": region_charts(cat, d.last_months(records), d.WINDOW_MONTHS, en),
    }


@router.get("/regions/{name}", response_class=HTMLResponse)
def region_page(request: Request, ctx: CtxDep, p: PrincipalDep, name: str) -> Response:
    code, fmt = item_format(name, f"没有这个地区 / no such region: {name}")
    context = region_context(ctx, p, code, page_lang(request) == "en")
    return respond(request, "region.html", context, fmt, f"region-{context['region']['code']}")
