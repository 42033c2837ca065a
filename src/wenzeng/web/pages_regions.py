"""Pages of places and organisations: the region tile map, a region, the key enterprise and
supply-chain lists, an enterprise, and who is late with their reports (报送进度).

Each view builds one context and answers it as the format its URL asks for
(``/regions``, ``/regions.json``, ``/regions.csv``, ``/regions.xlsx``); the
services decide who may see what.
"""

import re
from datetime import date, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from wenzeng.analysis.detectors import LIGHTS
from wenzeng.auth import policy
from wenzeng.auth.principal import Principal
from wenzeng.definitions.catalogue import Catalogue
from wenzeng.domain.observation import ObservationRecord
from wenzeng.domain.periods import Period, PeriodType
from wenzeng.errors import NotFound
from wenzeng.present import charts
from wenzeng.services import directory as d
from wenzeng.services import submissions as subs
from wenzeng.services import tracker as trk
from wenzeng.services.context import Context
from wenzeng.services.early_warning import list_warnings
from wenzeng.services.forms import all_forms, get_form
from wenzeng.web.deps import CtxDep
from wenzeng.web.pages import default_period
from wenzeng.web.security import PrincipalDep, UserDep
from wenzeng.web.templating import page_lang
from wenzeng.web.twins import respond, split_format

router = APIRouter(include_in_schema=False)

MEASURES = {
    "yoy_pct": ("同比增速", "YoY growth"),
    "level": ("水平值", "level"),
    "share_pct": ("占比", "share"),
}
PERIOD_TYPES = {
    "cum_month": ("1-本月累计", "year to date"),
    "month": ("当月", "month"),
    "quarter": ("季度", "quarter"),
    "year": ("年度", "year"),
}
# A sequential scale (light to dark blue), one colour a class of equal width.
SCALE = ["#dbe9f6", "#a6cbe6", "#6aa6d3", "#3680bd", "#0f4f8f"]
DARK_FROM = 3  # classes from this one on carry white text
NO_DATA = "#d9dee4"
STATUS_TEXT = {
    "missing": ("未报送", "missing"),
    "draft": ("草稿", "draft"),
    "submitted": ("已报送待审核", "submitted"),
    "accepted": ("已接受", "accepted"),
    "returned": ("已退回", "returned"),
}


def _format(request: Request, base: str) -> str:
    """The format a list page's URL asks for: /regions → html, /regions.csv → csv."""
    name, fmt = split_format(request.url.path.rstrip("/").rsplit("/", 1)[-1])
    if name != base:
        raise NotFound(f"没有这个页面 / no such page: {request.url.path}")
    return fmt


def _value_text(value: float | None, unit: str | None, qualifier: str | None = "") -> str:
    if value is None:
        return "—"
    mark = {">": "≥", "<": "≤", "~": "≈"}.get(qualifier or "", "")
    if unit == "%":
        return f"{mark}{value:.1f}%"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.4g}"
    return f"{mark}{text}"


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
        r["value_text"] = _value_text(r["value"], r["unit"], r["qualifier"])
        r["light_label"] = f"{r['light_zh']} {r['light_en']}" if r["light"] else ""
        r["tip_zh"], r["tip_en"] = _tips(r)
        if r["value"] is None:
            r["fill"], r["ink"] = NO_DATA, "#52606d"
        elif by_light and r["light_colour"]:
            r["fill"] = r["light_colour"]
            r["ink"] = "#1f2933" if r["light"] in ("yellow", "light_blue") else "#ffffff"
        else:
            c = _class_of(r["value"], classes)
            r["fill"], r["ink"] = c["colour"], "#ffffff" if c["dark"] else "#1f2933"
    if by_light:
        return [
            {"colour": light.colour, "zh": light.zh, "en": light.en, "code": light.code}
            for _, light in sorted(LIGHTS.items())
        ]
    return [
        {
            "colour": c["colour"],
            "zh": f"{_value_text(c['lo'], unit)} – {_value_text(c['hi'], unit)}",
            "en": f"{_value_text(c['lo'], unit)} – {_value_text(c['hi'], unit)}",
        }
        for c in classes
    ]


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
    return {
        "indicator": {"code": ind.code, "zh": ind.name.zh, "en": ind.name.en, "unit": unit},
        "measure": choice.measure,
        "period_type": choice.period_type,
        "colour": "light" if choice.light else "scale",
        "series_zh": f"{MEASURES[choice.measure][0]}（{PERIOD_TYPES[choice.period_type][0]}）",
        "series_en": f"{MEASURES[choice.measure][1]} ({PERIOD_TYPES[choice.period_type][1]})",
        "periods": periods,
        "periods_differ": len(periods) > 1,
        "notices": [{"zh": zh, "en": en} for zh, en in choice.notices],
        "empty_reason": {"zh": reason[0], "en": reason[1]} if reason else None,
        "elsewhere": _elsewhere(ctx, p) if reason else [],
        "any_simulated": any(r["simulated"] for r in rows),
        "partly_hidden": data["partly_hidden"],
        "signal": data["signal"],
        "national": d.national_lights(ctx).get(ind.code),
        "legend": legend,
        "grid": {"rows": grid_rows, "cols": grid_cols},
        "options": {
            "indicators": [
                {"code": i.code, "zh": i.name.zh, "en": i.name.en}
                for i in d.map_indicators(ctx.catalogue)
            ],
            "measures": [
                {"code": m.value, "zh": MEASURES[m.value][0], "en": MEASURES[m.value][1]}
                for m in ind.measures
            ],
            "period_types": [
                {"code": k, "zh": zh, "en": en} for k, (zh, en) in PERIOD_TYPES.items()
            ],
        },
        "table": rows,
        "columns": REGION_COLUMNS,
    }


def _elsewhere(ctx: Context, p: Principal) -> list[dict[str, Any]]:
    """Other regional series with figures to show, with the map's link for each."""
    out = []
    for x in d.other_region_series(ctx, p)[:8]:
        m, t = MEASURES.get(x["measure"]), PERIOD_TYPES.get(x["period_type"])
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
    fmt = _format(request, "regions")
    context = regions_context(ctx, p, indicator, measure, period_type, colour)
    return respond(request, "regions.html", context, fmt, "regions")


# -- one region -------------------------------------------------------------------------------
REGION_CHARTS = [
    ("revenue_elec", "yoy_pct", "cum_month"),
    ("profit_elec", "yoy_pct", "cum_month"),
    ("export_elec", "yoy_pct", "cum_month"),
]
VALUE_ADDED = ("va_elec_prov", "va_cce_prov")
LATEST_COLUMNS = [
    ("indicator", "指标代码 Indicator"),
    ("indicator_zh", "指标 Indicator name"),
    ("measure", "口径 Measure"),
    ("period_type", "期间类型 Period type"),
    ("period", "报告期 Period"),
    ("value", "数值 Value"),
    ("unit", "单位 Unit"),
    ("flag", "模拟数据 Simulated"),
    ("source_title", "来源 Source"),
    ("source_url", "来源链接 Source URL"),
    ("vintage", "可得日期 Known by"),
]


# Short names for the charts' titles and legends (the tables give the catalogue's full names).
SHORT = {
    "revenue_elec": ("营业收入", "Revenue"),
    "profit_elec": ("利润总额", "Total profit"),
    "export_elec": ("出口交货值", "Export delivery value"),
    "va_elec_prov": ("电子信息制造业增加值", "Value added, electronic information"),
    "va_cce_prov": ("计算机通信电子设备制造业增加值", "Value added, C39"),
    "orders_new": ("新签订单", "New orders"),
    "inventory_finished": ("产成品存货", "Finished-goods inventory"),
}


def _short_name(cat: Catalogue, key: tuple[str, str, str], en: bool) -> str:
    zh, en_name = SHORT.get(
        key[0], (cat.indicators[key[0]].name.zh, cat.indicators[key[0]].name.en)
    )
    m, t = MEASURES.get(key[1], (key[1], key[1])), PERIOD_TYPES.get(key[2], (key[2], key[2]))
    if key[1] == "level":
        return f"{en_name} ({t[1]})" if en else f"{zh}（{t[0]}）"
    return f"{en_name}, {m[1]} ({t[1]})" if en else f"{zh}{m[0]}（{t[0]}）"


def _series_name(cat: Catalogue, key: tuple[str, str, str], en: bool) -> str:
    ind = cat.indicators[key[0]]
    m, t = MEASURES.get(key[1], (key[1], key[1])), PERIOD_TYPES.get(key[2], (key[2], key[2]))
    if en:
        return f"{ind.name.en}, {m[1]} ({t[1]})"
    return f"{ind.name.zh}{m[0]}（{t[0]}）"


def _chart(
    cat: Catalogue,
    series: list[tuple[tuple[str, str, str], list[ObservationRecord]]],
    en: bool,
    title: str,
    unit: str,
    *,
    window: tuple[str, str] | None = None,
    sparse: bool = False,
) -> dict[str, Any]:
    """A line chart of some series; ``sparse`` ones (a few published figures) as points."""
    traces = []
    simulated = False
    for i, (key, recs) in enumerate(series):
        simulated = simulated or any(r.simulated for r in recs)
        labels = [
            (r.period_obj.label_en if en else r.period_obj.label_zh)
            + (" · simulated" if en and r.simulated else " · 模拟数据" if r.simulated else "")
            for r in recs
        ]
        mode = "markers" if sparse or len(recs) < 2 else "lines+markers"
        traces.append(
            charts.line(
                _short_name(cat, key, en),
                [r.period_obj.end.isoformat() for r in recs],
                [r.value for r in recs],
                colour=i,
                mode=mode,
                text=labels,
            )
        )
    if simulated:
        title += " · simulated" if en else " · 模拟数据"
    lay = charts.layout(title, unit, height=300)
    if window:
        lay["xaxis"] = {**lay["xaxis"], "range": list(window)}
    if sparse:
        for t in traces:
            t["marker"] = {"size": 9, "color": t["line"]["color"]}
    return charts.figure(traces, lay)


def _window(records: list[ObservationRecord]) -> tuple[str, str] | None:
    """The date range of the charts: the last 36 months (points sit at their periods' last
    days), with half a month of room on both sides."""
    if not records:
        return None
    newest = max(r.period_obj.end for r in records)
    months = newest.year * 12 + newest.month - 1 - d.WINDOW_MONTHS
    start = date(months // 12, months % 12 + 1, 15)
    return start.isoformat(), (newest + timedelta(days=16)).isoformat()


def _grouped(
    records: list[ObservationRecord],
) -> dict[tuple[str, str, str], list[ObservationRecord]]:
    out: dict[tuple[str, str, str], list[ObservationRecord]] = {}
    for r in records:
        out.setdefault((r.indicator, r.measure, r.period_type), []).append(r)
    return out


_BILINGUAL = re.compile(
    r"^(?P<zh>.*[\u4e00-\u9fff\uff08-\uff09].*?)\s*/\s*(?P<en>[^\u4e00-\u9fff]+)$"
)


def _halves(text: str) -> tuple[str, str]:
    """'中文 / English' → both halves; a text in one language serves for both."""
    m = _BILINGUAL.match(text or "")
    return (m["zh"].strip(), m["en"].strip()) if m else (text, text)


def _latest_rows(cat: Catalogue, records: list[ObservationRecord]) -> list[dict[str, Any]]:
    order = {code: i for i, code in enumerate(cat.indicators)}
    latest = sorted(
        d.latest_by_series(records),
        key=lambda r: (order.get(r.indicator, 999), r.measure, r.period_type),
    )
    rows = []
    for r in latest:
        row = d.record_row(r)
        ind = cat.indicators.get(r.indicator)
        row["indicator_zh"] = ind.name.zh if ind else r.indicator
        row["indicator_en"] = ind.name.en if ind else r.indicator
        row["series_zh"] = _series_name(cat, (r.indicator, r.measure, r.period_type), False)
        row["series_en"] = _series_name(cat, (r.indicator, r.measure, r.period_type), True)
        row["value_text"] = _value_text(r.value, r.unit, r.qualifier)
        row["source_zh"], row["source_en"] = _halves(r.source_title)
        rows.append(row)
    return rows


def _region_charts(
    cat: Catalogue, records: list[ObservationRecord], en: bool
) -> list[dict[str, Any]]:
    recent = d.last_months(records)
    groups = _grouped(recent)
    window = _window(recent)
    out = []
    for key in REGION_CHARTS:
        if key in groups:
            ind = cat.indicators[key[0]]
            name_zh, name_en = SHORT.get(key[0], (ind.name.zh, ind.name.en))
            title = f"{name_en}: YoY growth, year to date" if en else f"{name_zh}：累计同比增速"
            spec = _chart(cat, [(key, groups[key])], en, title, "%", window=window)
            out.append({"id": f"chart_{key[0]}", "spec": spec})
    va = [
        (k, v)
        for k, v in sorted(groups.items())
        if k[0] in VALUE_ADDED and k[1] == "yoy_pct" and k[2] != "year"
    ]
    if va:
        title = "Value added: YoY growth" if en else "增加值同比增速"
        spec = _chart(cat, va, en, title, "%", window=window, sparse=True)
        out.append({"id": "chart_va", "spec": spec})
    return out


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
    warnings = list_warnings(ctx, p, entity=e.code, limit=100) if p.authenticated else None
    enterprises = (
        d.region_enterprises(ctx, p, e.code)
        if policy.may_see_region_enterprises(p, e.code)
        else None
    )
    latest = _latest_rows(cat, records)
    kind_zh, kind_en = d.REGION_KIND_TEXT[e.kind.value]
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
        "_charts": _region_charts(cat, records, en),
    }


@router.get("/regions/{name}", response_class=HTMLResponse)
def region_page(request: Request, ctx: CtxDep, p: PrincipalDep, name: str) -> Response:
    code, fmt = split_format(name)
    context = region_context(ctx, p, code, page_lang(request) == "en")
    return respond(request, "region.html", context, fmt, f"region-{context['region']['code']}")


# -- the key enterprise lists -------------------------------------------------------------------
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


def _sector_chart(summary: dict[str, Any], en: bool) -> dict[str, Any]:
    rows = [r for r in summary["rows"] if r["enterprises"]]
    names = [r["sector_en"] if en else r["sector_zh"] for r in rows]
    traces: list[dict[str, Any]] = [
        {
            "type": "bar",
            "orientation": "h",
            "y": names,
            "x": [r["revenue"] for r in rows],
            "name": "revenue" if en else "营业收入",
            "marker": {"color": charts.COLOURS[1]},
            "text": [f"{r['enterprises']} firms" if en else f"{r['enterprises']} 家" for r in rows],
            "textposition": "auto",
            "hovertemplate": "%{y}: %{x:,.0f}<extra></extra>",
        }
    ]
    period = summary["period_label_en"] if en else summary["period_label_zh"]
    title = (
        f"Revenue of the listed enterprises, {period}, {summary['unit']}"
        if en
        else f"名单企业营业收入（{period}，{summary['unit']}）"
    )
    if any(r["simulated"] for r in rows):
        title += " · simulated" if en else " · 模拟数据"
    lay = charts.layout(title, "", height=max(220, 34 * len(rows) + 80))
    lay["xaxis"] = {"type": "linear", "title": {"text": summary["unit"]}}
    lay["yaxis"] = {"automargin": True, "autorange": "reversed"}
    lay["margin"] = {"l": 12, "r": 16, "t": 36, "b": 40}
    lay["hovermode"] = "closest"
    return charts.figure(traces, lay)


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
            "chain_positions": [
                {"code": k, "zh": zh, "en": en_} for k, (zh, en_) in d.CHAIN_POSITIONS.items()
            ],
        },
        "total": len(everyone),
        "count": len(rows),
        "sectors": summary,
        "table": rows,
        "columns": ENTERPRISE_COLUMNS,
        "_charts": [{"id": "chart_sectors", "spec": _sector_chart(summary, en)}]
        if summary["period"]
        else [],
    }


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
    fmt = _format(request, "enterprises")
    f = d.EnterpriseFilter(region or None, sector or None, chain_position or None)
    context = enterprises_context(ctx, p, f, page_lang(request) == "en")
    return respond(request, "enterprises.html", context, fmt, "enterprises")


SERIES_COLUMNS = LATEST_COLUMNS
ENTERPRISE_CHARTS = [
    (
        ("revenue_elec", "orders_new"),
        ("营业收入与新签订单（当月）", "Revenue and new orders (month)"),
    ),
    (("inventory_finished",), ("产成品存货（月末）", "Finished-goods inventory (end of month)")),
]


def _enterprise_charts(
    cat: Catalogue, records: list[ObservationRecord], en: bool
) -> list[dict[str, Any]]:
    recent = d.last_months([r for r in records if r.measure == "level"])
    groups = _grouped(recent)
    window = _window(recent)
    out = []
    for codes, (zh, en_title) in ENTERPRISE_CHARTS:
        series = [
            ((c, "level", "month"), groups[(c, "level", "month")])
            for c in codes
            if (c, "level", "month") in groups
        ]
        if series:
            unit = cat.indicators[codes[0]].unit or ""
            spec = _chart(cat, series, en, en_title if en else zh, unit, window=window)
            out.append({"id": f"chart_{codes[0]}", "spec": spec})
    return out


def enterprise_context(ctx: Context, p: Principal, code: str, en: bool) -> dict[str, Any]:
    cat = ctx.catalogue
    info = d.enterprise(ctx, p, code)
    e = info["enterprise"]
    records = d.visible_observations(ctx, p, entities=[e["code"]]).records
    latest = _latest_rows(cat, records)
    return {
        **info,
        "latest": latest,
        "table": latest,
        "columns": SERIES_COLUMNS,
        "_charts": _enterprise_charts(cat, records, en),
    }


@router.get("/enterprises/{name}", response_class=HTMLResponse)
def enterprise_page(request: Request, ctx: CtxDep, p: PrincipalDep, name: str) -> Response:
    code, fmt = split_format(name)
    context = enterprise_context(ctx, p, code, page_lang(request) == "en")
    return respond(
        request, "enterprise.html", context, fmt, f"enterprise-{context['enterprise']['code']}"
    )


# -- who is late --------------------------------------------------------------------------------
TRACKER_COLUMNS = [
    ("reporter", "单位代码 Reporter code"),
    ("name_zh", "单位 Reporter"),
    ("name_en", "英文名称 English name"),
    ("status", "状态 Status"),
    ("status_zh", "状态（中文）Status (Chinese)"),
    ("late", "逾期 Late"),
    ("submission_id", "报送编号 Submission"),
    ("link", "链接 Link"),
]


def _entity_page(cat: Catalogue, code: str) -> str | None:
    e = cat.find_entity(code)
    if e is None:
        return None
    if e.kind in d.REGION_KINDS:
        return f"/regions/{e.code}"
    return f"/enterprises/{e.code}" if e.kind.value == "enterprise" else None


def _recent_periods(period: Period, n: int = 12) -> list[str]:
    out = [period.code]
    cur: Period | None = period
    while len(out) < n and cur is not None:
        if cur.type is PeriodType.CUM_MONTH:
            break
        cur = cur.previous()
        if cur is not None:
            out.append(cur.code)
    return out


def tracker_context(
    ctx: Context,
    p: Principal,
    form: str | None,
    period: str | None,
    queued: int | None,
    status: str | None = None,
) -> dict[str, Any]:
    policy.require_staff(p)
    forms = all_forms(ctx)
    if not forms:
        raise NotFound("尚未加载报表 / no forms are loaded")
    loaded = get_form(ctx, form or next(iter(forms)))
    usual = default_period(loaded)
    t = trk.tracker(ctx, p, loaded.code, period or usual.code)
    rows = []
    for r in t.rows:
        zh, en = STATUS_TEXT.get(r.status, (r.status, r.status))
        rows.append(
            {
                **r.as_dict(),
                "status_zh": zh,
                "status_en": en,
                "link": f"/submissions/{r.submission_id}" if r.submission_id else None,
                "page": _entity_page(ctx.catalogue, r.reporter),
            }
        )
    per = subs.form_period(loaded, t.period)
    if status == "late":
        rows = [r for r in rows if r["late"]]
    elif status:
        rows = [r for r in rows if r["status"] == status]
    return {
        "forms": [
            {"code": f.code, "zh": f.form.title.zh, "en": f.form.title.en} for f in forms.values()
        ],
        "form": {"code": loaded.code, "zh": loaded.form.title.zh, "en": loaded.form.title.en},
        "period": t.period,
        "period_label_zh": per.label_zh,
        "period_label_en": per.label_en,
        "periods": _recent_periods(usual),
        "due": t.due.isoformat(),
        "overdue": date.today() > t.due,
        "counts": t.counts,
        "reporters": len(t.rows),
        "status": status,
        "queued": queued,
        "table": rows,
        "columns": TRACKER_COLUMNS,
    }


@router.get("/tracker", response_class=HTMLResponse)
@router.get("/tracker.{fmt}")
def tracker_page(
    request: Request,
    ctx: CtxDep,
    p: UserDep,
    form: str | None = None,
    period: str | None = None,
    queued: int | None = None,
    status: str | None = None,
) -> Response:
    fmt = _format(request, "tracker")
    context = tracker_context(ctx, p, form or None, period or None, queued, status or None)
    return respond(request, "tracker.html", context, fmt, "tracker")


@router.post("/tracker/remind")
def tracker_remind(
    ctx: CtxDep,
    p: UserDep,
    form: Annotated[str, Form()],
    period: Annotated[str, Form()],
) -> Response:
    n = trk.queue_reminders(ctx, p, form, period)
    query = urlencode({"form": form, "period": period, "queued": n})
    return RedirectResponse(f"/tracker?{query}", status_code=303)
