"""Charts of places and organisations: a region's growth series, an enterprise's monthly
levels, and the revenue of the listed enterprises by sector."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from wenzeng.definitions.catalogue import Catalogue
from wenzeng.domain import labels
from wenzeng.domain.citing import cited
from wenzeng.domain.observation import ObservationRecord
from wenzeng.present import charts
from wenzeng.present.series_charts import month_ticks

SeriesKey = tuple[str, str, str]  # indicator, measure, period type

REGION_CHARTS: list[SeriesKey] = [
    ("revenue_elec", "yoy_pct", "cum_month"),
    ("profit_elec", "yoy_pct", "cum_month"),
    ("export_elec", "yoy_pct", "cum_month"),
]
VALUE_ADDED = ("va_elec_prov", "va_cce_prov")
ENTERPRISE_CHARTS = [
    (
        ("revenue_elec", "orders_new"),
        ("营业收入与新签订单（当月）", "Revenue and new orders (month)"),
    ),
    (("inventory_finished",), ("产成品存货（月末）", "Finished-goods inventory (end of month)")),
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


def series_name(cat: Catalogue, key: SeriesKey, en: bool, *, short: bool = False) -> str:
    """'营业收入同比增速（1-n月累计）': the indicator (its short name in charts), the measure
    (left out for levels in charts) and the period type."""
    ind = cat.indicators.get(key[0])
    full = (ind.name.zh, ind.name.en) if ind else (key[0], key[0])
    zh, en_name = SHORT.get(key[0], full) if short else full
    m, t = labels.pair(labels.MEASURE, key[1]), labels.pair(labels.PERIOD_TYPE, key[2])
    if short and key[1] == "level":
        return f"{en_name} ({t[1]})" if en else f"{zh}（{t[0]}）"
    return f"{en_name}, {m[1]} ({t[1]})" if en else f"{zh}{m[0]}（{t[0]}）"


def window(records: Sequence[ObservationRecord], months: int) -> tuple[str, str] | None:
    """The date range of the charts: the last ``months`` months (points sit at their periods'
    last days), with half a month of room on both sides."""
    if not records:
        return None
    newest = max(r.period_obj.end for r in records)
    first = newest.year * 12 + newest.month - 1 - months
    start = date(first // 12, first % 12 + 1, 15)
    return start.isoformat(), (newest + timedelta(days=16)).isoformat()


def grouped(records: Sequence[ObservationRecord]) -> dict[SeriesKey, list[ObservationRecord]]:
    out: dict[SeriesKey, list[ObservationRecord]] = {}
    for r in records:
        out.setdefault((r.indicator, r.measure, r.period_type), []).append(r)
    return out


def series_chart(
    cat: Catalogue,
    series: Sequence[tuple[SeriesKey, Sequence[ObservationRecord]]],
    en: bool,
    title: str,
    unit: str,
    *,
    span: tuple[str, str] | None = None,
    sparse: bool = False,
) -> dict[str, Any]:
    """A line chart of some series; ``sparse`` ones (a few published figures) as points."""
    traces = []
    simulated = False
    for i, (key, recs) in enumerate(series):
        simulated = simulated or any(r.simulated for r in recs)
        texts = [
            (r.period_obj.label_en if en else r.period_obj.label_zh)
            + (" · simulated" if en and r.simulated else " · 模拟数据" if r.simulated else "")
            for r in recs
        ]
        mode = "markers" if sparse or len(recs) < 2 else "lines+markers"
        traces.append(
            charts.line(
                series_name(cat, key, en, short=True),
                [r.period_obj.end.isoformat() for r in recs],
                [r.value for r in recs],
                colour=i,
                mode=mode,
                text=texts,
            )
        )
    if simulated:
        title += " · simulated" if en else " · 模拟数据"
    lay = month_ticks(charts.layout(title, unit, height=300), en)
    if span:
        lay["xaxis"] = {**lay["xaxis"], "range": list(span)}
    if sparse:
        for t in traces:
            t["marker"] = {"size": 9, "color": t["line"]["color"]}
    return charts.figure(traces, lay)


def foot(series: Sequence[tuple[SeriesKey, Sequence[ObservationRecord]]]) -> dict[str, Any]:
    """What goes under a chart of some series: their sources (publisher《release》, else the
    title of the copy read) in Chinese and in English, the newest date their figures
    were known by, and the query that lists the figures drawn: every indicator shown
    (``indicator`` once for each), its entity and measure, the period type when one, from the
    first period shown to the last.  With one indicator it is the explorer's query."""
    codes = list(dict.fromkeys(k[0] for k, _ in series))
    mine = [(k, r) for k, recs in series for r in recs]
    first = min(mine, key=lambda kr: kr[1].period_obj.end)[1]
    last = max(mine, key=lambda kr: kr[1].period_obj.end)[1]
    query = [("indicator", c) for c in codes]
    query += [("entity", first.entity), ("measure", series[0][0][1])]
    types = {k[2] for k, _ in mine}
    if len(types) == 1:
        query.append(("period_type", types.pop()))
    query += [("from", first.period), ("to", last.period)]
    everything = [r for _, recs in series for r in recs]
    return {
        "sources_zh": sorted(
            {cited(r.publisher, r.release, r.source_title, "zh") for r in everything}
        ),
        "sources_en": sorted(
            {cited(r.publisher, r.release, r.source_title, "en") for r in everything}
        ),
        "as_of": max(r.vintage for r in everything).isoformat(),
        "query": urlencode(query),
    }


def region_charts(
    cat: Catalogue, recent: Sequence[ObservationRecord], months: int, en: bool
) -> list[dict[str, Any]]:
    """A region's year-to-date growth of revenue, profit and exports, and its value added
    growth, from its ``recent`` figures."""
    groups = grouped(recent)
    span = window(recent, months)
    out = []
    for key in REGION_CHARTS:
        if key in groups:
            ind = cat.indicators[key[0]]
            name_zh, name_en = SHORT.get(key[0], (ind.name.zh, ind.name.en))
            title = f"{name_en}: YoY growth, year to date" if en else f"{name_zh}：累计同比增速"
            spec = series_chart(cat, [(key, groups[key])], en, title, "%", span=span)
            out.append({"id": f"chart_{key[0]}", "spec": spec, **foot([(key, groups[key])])})
    va = [
        (k, v)
        for k, v in sorted(groups.items())
        if k[0] in VALUE_ADDED and k[1] == "yoy_pct" and k[2] != "year"
    ]
    if va:
        title = "Value added: YoY growth" if en else "增加值同比增速"
        spec = series_chart(cat, va, en, title, "%", span=span, sparse=True)
        out.append({"id": "chart_va", "spec": spec, **foot(va)})
    return out


def sector_chart(summary: dict[str, Any], en: bool) -> dict[str, Any]:
    """The revenue of the listed enterprises by sector, as horizontal bars."""
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
            "hovertemplate": "%{y}: %{x:,.2f}<extra></extra>",  # on one scale: 9.50 (billion)
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
