"""The regions: the tile map of the provinces coloured by any indicator or by signal light,
and one region with its series, latest figures, submissions, warnings and key enterprises."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from wenzeng.analysis.detectors import LIGHTS
from wenzeng.auth import policy
from wenzeng.auth.principal import Principal
from wenzeng.domain import labels
from wenzeng.domain.periods import Period, PeriodError, parse_period
from wenzeng.errors import NotFound, ValidationFailed
from wenzeng.present.colours import tile_ink
from wenzeng.present.numbers import UNSCALED, common_scale, figure, number_text
from wenzeng.present.place_charts import region_charts
from wenzeng.services import directory as d
from wenzeng.services import submissions as subs
from wenzeng.services.context import Context
from wenzeng.web.deps import CtxDep
from wenzeng.web.pages.figures import LATEST_COLUMNS, latest_rows, value_text
from wenzeng.web.pages.formats import item_format, page_format, respond
from wenzeng.web.pages.names import entity_names, indicator_names, period_code_labels
from wenzeng.web.security import PrincipalDep
from wenzeng.web.templating import page_lang

router = APIRouter(include_in_schema=False)

# A sequential scale (light to dark blue), one colour a class of equal width.
SCALE = ["#dbe9f6", "#a6cbe6", "#6aa6d3", "#3680bd", "#0f4f8f"]
DARK_FROM = 3  # classes from this one on carry white text
NO_DATA = "#d9dee4"
# The period types in the order the map offers them.
MAP_PERIOD_TYPES = ("cum_month", "month", "quarter", "year")
DEFAULT_SERIES = ("revenue_elec", "yoy_pct", "cum_month")  # indicator, measure, period type

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


def _tips(r: dict[str, Any], period: tuple[str, str] | None) -> tuple[str, str]:
    """The tooltip of a tile: full name, value with its unit, period, light, simulated; or
    that the region has no figure for the map's ``period`` (and its own newest one)."""
    if r["value"] is None and r["latest_period"] and period:
        return (
            f"{r['name_zh']}：{period[0]}无数据（最新为{r['latest_label_zh']}）",
            f"{r['name_en']}: no figure for {period[1]} (latest {r['latest_label_en']})",
        )
    if r["value"] is None and period:
        return f"{r['name_zh']}：{period[0]}无数据", f"{r['name_en']}: no figure for {period[1]}"
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


def _en_decimals(top: float) -> int:
    """Decimals of an English legend by its largest bound: 985, 98.5, 9.85."""
    return 0 if abs(top) >= 100 else 1 if abs(top) >= 10 else 2


def legend_texts(classes: list[dict[str, Any]], unit: str | None) -> list[tuple[str, str]]:
    """Each class's bounds in one scale for the whole legend, in Chinese and in English:
    ('8209.0–9847.0亿元', '821–985 billion yuan'), ('5.2–8.1%', '5.2–8.1%')."""
    top = max((abs(c[k]) for c in classes for k in ("lo", "hi")), default=0.0)
    _, zh_unit = common_scale([top], unit)
    en_divisor, en_unit = common_scale([top], unit, en=True)
    places = _en_decimals(top / en_divisor)
    out = []
    for c in classes:
        lo, hi = (number_text(c[k], unit, prefer=zh_unit)[0] for k in ("lo", "hi"))
        if (unit or "") in UNSCALED:  # a rate: as the Chinese legend writes it, 5.2–8.1%
            en_lo, en_hi, gap = lo, hi, ""
        else:
            en_lo, en_hi = (f"{c[k] / en_divisor:,.{places}f}" for k in ("lo", "hi"))
            gap = " "
        dash = " – " if c["lo"] < 0 else "–"  # −3.5 – 0.8%, never −3.5–0.8%
        if lo == hi:  # every region has the same figure: one class, one value
            out.append((f"{lo}{zh_unit}", f"{en_lo}{gap}{en_unit}".rstrip()))
            continue
        out.append((f"{lo}{dash}{hi}{zh_unit}", f"{en_lo}{dash}{en_hi}{gap}{en_unit}".rstrip()))
    return out


def _paint(
    rows: list[dict[str, Any]], by_light: bool, unit: str | None, period: tuple[str, str] | None
) -> list[dict[str, Any]]:
    """Give every region its fill and text colour; returns the legend."""
    classes = scale_classes([r["value"] for r in rows if r["value"] is not None])
    for r in rows:
        r["value_text"] = value_text(r["value"], r["unit"], r["qualifier"])
        r["figure_zh"] = figure(r["value"], r["unit"], qualifier=r["qualifier"])
        r["figure_en"] = figure(r["value"], r["unit"], en=True, qualifier=r["qualifier"])
        r["light_label"] = f"{r['light_zh']} {r['light_en']}" if r["light"] else ""
        r["tip_zh"], r["tip_en"] = _tips(r, period)
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
        {"colour": c["colour"], "zh": zh, "en": en}
        for c, (zh, en) in zip(classes, legend_texts(classes, unit), strict=True)
    ]


def _series_words(measure: str, period_type: str) -> tuple[str, str]:
    """'同比增速（1-n月累计）', 'YoY growth (year to date)'."""
    m, t = labels.pair(labels.MEASURE, measure), labels.pair(labels.PERIOD_TYPE, period_type)
    return f"{m[0]}（{t[0]}）", f"{m[1]} ({t[1]})"


CANDIDATES = 6  # regional series tried when the default one shows nothing


def _shown_series(ctx: Context, p: Principal, colour: str) -> tuple[d.MapChoice, dict[str, Any]]:
    """When no series is asked for: the default one if the user may see figures of it, else
    of the regional series with figures the user may see (published ones for the public),
    the one whose map period has figures of the most regions — the public sees a map of
    published figures rather than an empty one, and is told why."""
    choice = d.choose(ctx, *DEFAULT_SERIES, colour)
    data = d.region_map(ctx, p, choice)
    if not data["empty_reason"]:
        return choice, data
    shown = {i.code for i in d.map_indicators(ctx.catalogue)}
    best: tuple[int, d.MapChoice, dict[str, Any], dict[str, Any]] | None = None
    tried = 0
    for x in d.other_region_series(ctx, p):
        if x["indicator"] not in shown or x["period_type"] not in MAP_PERIOD_TYPES:
            continue
        other = d.choose(ctx, x["indicator"], x["measure"], x["period_type"], colour)
        if (other.measure, other.period_type) != (x["measure"], x["period_type"]):
            continue  # not a series of the indicator's own (its figures would not show)
        found = d.region_map(ctx, p, other)
        count = sum(r["value"] is not None for r in found["rows"])
        if count and (best is None or count > best[0]):
            best = (count, other, found, x)
        tried += 1
        if tried == CANDIDATES:
            break
    if best is None:
        return choice, data
    _, other, found, x = best
    why_zh, why_en = (t.rstrip("。.") for t in data["empty_reason"])
    zh, en = _series_words(choice.measure, choice.period_type)
    to_zh, to_en = _series_words(other.measure, other.period_type)
    other.notices.append(
        (
            f"{choice.indicator.name.zh}{zh}：{why_zh}。改为显示有数据的{x['zh']}{to_zh}。",
            f"{choice.indicator.name.en}, {en}: {why_en}. Showing {x['en']}, {to_en}, instead.",
        )
    )
    return other, found


def regions_context(
    ctx: Context,
    p: Principal,
    indicator: str | None,
    measure: str | None,
    period_type: str | None,
    colour: str,
    period: str | None = None,
) -> dict[str, Any]:
    if indicator is None and measure is None and period_type is None and not period:
        choice, data = _shown_series(ctx, p, colour)
    else:
        default = DEFAULT_SERIES
        choice = d.choose(
            ctx,
            indicator or default[0],
            measure or default[1],
            period_type or default[2],
            colour,
            period,
        )
        data = d.region_map(ctx, p, choice)
    ind = choice.indicator
    unit = ind.unit if choice.measure == "level" else "%"
    rows = data["rows"]
    shown = (
        (data["period_label_zh"], data["period_label_en"]) if data["period"] is not None else None
    )
    legend = _paint(rows, choice.light, unit, shown)
    grid_rows = max((r["tile"][0] for r in rows if r["tile"]), default=0) + 1
    grid_cols = max((r["tile"][1] for r in rows if r["tile"]), default=0) + 1
    missing = [r for r in rows if r["latest_period"]]
    query = {
        "indicator": ind.code,
        "measure": choice.measure,
        "period_type": choice.period_type,
        "period": data["period"] or "",
        "colour": "light" if choice.light else "scale",
    }
    reason = data["empty_reason"]
    series_zh, series_en = _series_words(choice.measure, choice.period_type)
    return {
        "indicator": {"code": ind.code, "zh": ind.name.zh, "en": ind.name.en, "unit": unit},
        "measure": choice.measure,
        "period_type": choice.period_type,
        "colour": "light" if choice.light else "scale",
        "series_zh": series_zh,
        "series_en": series_en,
        "period": data["period"],
        "period_label_zh": data["period_label_zh"],
        "period_label_en": data["period_label_en"],
        "without_period": len(missing),
        "link": f"/regions?{urlencode(query)}",
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
            "periods": data["period_options"],
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
    indicator: str | None = None,
    measure: str | None = None,
    period_type: str | None = None,
    colour: str = "scale",
    period: str | None = None,
) -> Response:
    fmt = page_format(request, "regions")
    context = regions_context(ctx, p, indicator, measure, period_type, colour, period)
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
        [_warning_row(ctx, w) for w in d.region_warnings(ctx, p, e.code)]
        if policy.may_see_warnings(p)
        else None
    )
    enterprises = (
        d.region_enterprises(ctx, p, e.code)
        if policy.may_see_region_enterprises(p, e.code)
        else None
    )
    latest = latest_rows(cat, records)
    recent = d.last_months(records)
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
        "_charts": [
            {**c, "figures": _figures_path(e.code, c["query"])}
            for c in region_charts(cat, recent, d.WINDOW_MONTHS, en)
        ],
    }


def _figures_path(code: str, query: str) -> str:
    """Where the figures of a region's chart are downloaded: the explorer for a chart of one
    indicator, the region's own chart figures for a chart of several."""
    several = len(parse_qs(query).get("indicator", [])) > 1
    return f"/regions/{code}/figures" if several else "/explorer"


def _warning_row(ctx: Context, w: dict[str, Any]) -> dict[str, Any]:
    """A warning with its entity, indicator, period, severity and status by name."""
    ent, ind = entity_names(ctx, w["entity"]), indicator_names(ctx, w["indicator"])
    period = period_code_labels(str(w["period"]))
    severity = labels.pair(labels.WARNING_SEVERITY, w["severity"])
    status = labels.pair(labels.WARNING_STATUS, w["status"])
    return {
        **w,
        "entity_zh": ent[0],
        "entity_en": ent[1],
        "indicator_zh": ind[0],
        "indicator_en": ind[1],
        "period_label_zh": period[0],
        "period_label_en": period[1],
        "severity_zh": severity[0],
        "severity_en": severity[1],
        "status_zh": status[0],
        "status_en": status[1],
    }


CHART_COLUMNS = [
    ("entity", "地区代码 Region code"),
    *[c for c in LATEST_COLUMNS if c[0] in ("indicator", "indicator_zh")],
    ("indicator_en", "英文名称 English name"),
    *[c for c in LATEST_COLUMNS if c[0] not in ("indicator", "indicator_zh")],
]


def _bound(text: str | None, name: str) -> Period | None:
    if text is None or not text.strip():
        return None
    try:
        return parse_period(text)
    except PeriodError as exc:
        raise ValidationFailed(f"参数 {name}：{exc.zh} / parameter {name}: {exc.en}") from exc


def chart_figures_context(
    ctx: Context,
    p: Principal,
    code: str,
    indicators: list[str],
    measure: str | None,
    period_type: str | None,
    since: str | None,
    until: str | None,
) -> dict[str, Any]:
    """The figures of a region's chart of several indicators (the query under it): every
    indicator, of the measure and period type, from the period ``since`` to ``until``
    (periods that end between the ends of the two)."""
    cat = ctx.catalogue
    e = d.region(cat, code)
    wanted = [cat.indicator(i).code for i in indicators]  # an unknown code: 404, named
    if not wanted:
        raise ValidationFailed("参数 indicator 不能为空 / parameter indicator is required")
    first, last = _bound(since, "from"), _bound(until, "to")
    records = [
        r
        for r in d.region_observations(ctx, p, e.code)
        if r.indicator in wanted
        and (measure is None or r.measure == measure)
        and (period_type is None or r.period_type == period_type)
        and (first is None or r.period_obj.end >= first.end)
        and (last is None or r.period_obj.end <= last.end)
    ]
    records.sort(key=lambda r: (wanted.index(r.indicator), r.period_type, r.period_obj.end))
    table = []
    for r in records:
        ind = cat.indicators[r.indicator]
        table.append({**d.record_row(r), "indicator_zh": ind.name.zh, "indicator_en": ind.name.en})
    return {
        "region": {"code": e.code, "zh": e.name.zh, "en": e.name.en},
        "indicators": wanted,
        "table": table,
        "columns": CHART_COLUMNS,
    }


@router.get("/regions/{code}/figures.{fmt}")
def region_chart_figures(
    request: Request,
    ctx: CtxDep,
    p: PrincipalDep,
    code: str,
    fmt: str,
    indicator: Annotated[list[str] | None, Query()] = None,
    measure: str | None = None,
    period_type: str | None = None,
    since: Annotated[str | None, Query(alias="from")] = None,
    until: Annotated[str | None, Query(alias="to")] = None,
) -> Response:
    """The figures a region's chart draws, as CSV, Excel or JSON."""
    if fmt not in ("csv", "xlsx", "json"):
        raise NotFound(f"没有这个格式 / no such format: {fmt}")
    context = chart_figures_context(
        ctx, p, code, indicator or [], measure, period_type, since, until
    )
    return respond(request, "region.html", context, fmt, f"region-{context['region']['code']}")


@router.get("/regions/{name}", response_class=HTMLResponse)
def region_page(request: Request, ctx: CtxDep, p: PrincipalDep, name: str) -> Response:
    code, fmt = item_format(name, f"没有这个地区 / no such region: {name}")
    context = region_context(ctx, p, code, page_lang(request) == "en")
    return respond(request, "region.html", context, fmt, f"region-{context['region']['code']}")
