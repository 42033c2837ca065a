"""Analysis pages: one target in depth, the early warnings, and the indicator explorer.

Like the other pages, each route calls the services, which decide who may
see what, and builds one context dict; :func:`wenzeng.web.twins.respond`
renders it as HTML, JSON, CSV or Excel as the URL asks (``/warnings``,
``/warnings.json``, ``/warnings.csv``, ``/warnings.xlsx``).  Figures carry
their period, unit, vintage and source; charts are Plotly specifications
built by :mod:`wenzeng.present.charts` and shipped in the JSON twin too.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

import polars as pl
from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from wenzeng.analysis.tracking import Assessment, Evidence, Status
from wenzeng.analysis.transforms import (
    COMBINED_SPAN,
    cum_to_month,
    month_to_cum,
    yoy_from_annual,
    yoy_from_levels,
)
from wenzeng.auth import policy
from wenzeng.auth.principal import ANONYMOUS, Principal
from wenzeng.domain.catalog import EntityKind, Measure
from wenzeng.domain.observation import SIMULATED_LABEL, ObservationRecord
from wenzeng.domain.periods import Period, PeriodError, PeriodType, parse_period
from wenzeng.domain.plan import Comparator, Computation, Target
from wenzeng.domain.units import UnitError, convert
from wenzeng.errors import NotFound, ValidationFailed, WenzengError
from wenzeng.present import charts
from wenzeng.services.context import Context
from wenzeng.services.early_warning import get_warning, list_warnings, set_warning_status
from wenzeng.services.plans import get_plan
from wenzeng.services.series import SeriesQuery, observations
from wenzeng.services.tracking import assess_plan
from wenzeng.web.deps import CtxDep
from wenzeng.web.security import PrincipalDep, UserDep
from wenzeng.web.templating import page_lang, render
from wenzeng.web.twins import respond, split_format

router = APIRouter(include_in_schema=False)

Row = dict[str, Any]

MEASURE_TEXT = {
    "level": ("水平值", "level"),
    "yoy_pct": ("同比增速", "YoY growth"),
    "share_pct": ("占比", "share"),
}
PERIOD_TYPE_TEXT = {
    "month": ("当月", "single month"),
    "cum_month": ("1-n月累计", "year to date"),
    "quarter": ("季度", "quarter"),
    "year": ("年度", "annual"),
}
FIGURE_KIND_TEXT = {
    "actual": ("目标口径实际值", "the target's own figure"),
    "alternate": ("同一行业、另一发布机构的数据", "the same industry from another publisher"),
    "derived": ("由分子、分母计算", "computed from its numerator and denominator"),
    "lower_bound": ("已发布组成部分之和（下限）", "the sum of its published parts (a floor)"),
    "projected": ("按年内累计数预测", "projected from the year to date"),
    "none": ("无可用数据", "no figure"),
}
KLASS_TEXT = {
    "emerging": ("苗头性", "emerging"),
    "trending": ("倾向性", "trending"),
    "latent": ("潜在性", "latent"),
}
SEVERITY_TEXT = {"high": ("高", "high"), "medium": ("中", "medium"), "low": ("低", "low")}
WARNING_STATUS_TEXT = {
    "new": ("新发现", "new"),
    "acknowledged": ("已知悉", "acknowledged"),
    "closed": ("已关闭", "closed"),
}
EVIDENCE_TEXT = {
    "indicator": ("指标", "indicator"),
    "entity": ("地区/主体", "entity"),
    "measure": ("口径", "measure"),
    "period_type": ("期间类型", "period type"),
    "period": ("期间", "period"),
    "value": ("数值", "value"),
    "values": ("各期数值", "values"),
    "before": ("变点前中枢", "level before"),
    "after": ("变点后中枢", "level after"),
    "break_period": ("变点期间", "break period"),
    "break_period_code": ("变点期间代码", "break period code"),
    "score": ("信号灯分值", "light score"),
    "light": ("信号灯", "light"),
    "light_en": ("信号灯（英文）", "light (English)"),
    "thresholds": ("信号灯分界", "light cut-offs"),
    "median": ("近期中位数", "recent median"),
    "z": ("稳健z值", "robust z"),
    "n": ("参照期数", "periods compared"),
    "drop": ("降幅（百分点）", "drop (points)"),
    "declines": ("连续下降期数", "declines in a row"),
    "probability": ("达标概率", "probability of meeting"),
    "target": ("目标", "target"),
    "status": ("状态", "status"),
    "previous": ("上期数值", "previous value"),
    "start": ("起始值", "starting value"),
    "runs": ("连续回落期数", "periods falling in a row"),
    "excess": ("本期超出（百分点）", "excess now (points)"),
    "gap": ("阈值（百分点）", "threshold (points)"),
    "periods": ("持续期数", "periods"),
    "share": ("前几位合计占比（%）", "share of the leaders (%)"),
    "top": ("统计前几位", "leaders counted"),
    "growth": ("合计增速（%）", "total growth (%)"),
    "leaders": ("主要贡献地区", "leading regions"),
    "leaders_codes": ("主要贡献地区代码", "leading region codes"),
    "nation": ("全国数值", "national value"),
    "shortfall": ("低于全国（百分点）", "shortfall (points)"),
    "figure": ("评估数值", "figure"),
    "light_zh": ("信号灯", "light"),
    "rule": ("规则", "rule"),
    "rule_en": ("规则（英文）", "rule (English)"),
}
TRANSFORMS = {
    "as_stored": ("按存储口径", "as stored"),
    "single_month": ("由累计值推算当月值", "single month from year-to-date levels"),
    "cumulative": ("由当月值累加为累计值", "year to date from single-month levels"),
    "yoy": ("由水平值计算同比增速", "YoY growth from levels"),
}
WARNING_MONTHS = 36


# -- shared helpers -------------------------------------------------------------------------------
def _format_of(request: Request, stem: str) -> str:
    """The format asked by the last path segment ('warnings.csv' → 'csv'); 404 for another name."""
    name, fmt = split_format(request.url.path.rsplit("/", 1)[-1])
    if name != stem:
        raise NotFound(f"没有这个页面 / no such page: {request.url.path}")
    return fmt


def _blank(value: str | None) -> str | None:
    """A GET form sends empty fields as ''; those mean 'not chosen'."""
    if value is None:
        return None
    value = value.strip()
    return value or None


def parse_date(text: str | None) -> date | None:
    """A YYYY-MM-DD date from a form or query field; blank is None."""
    text = _blank(text)
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(
            f"日期格式应为 YYYY-MM-DD / a date is written YYYY-MM-DD: {text!r}"
        ) from None


def _parse_period(text: str | None) -> Period | None:
    text = _blank(text)
    if text is None:
        return None
    try:
        return parse_period(text)
    except PeriodError as exc:
        raise ValidationFailed(str(exc)) from exc


def _x(p: Period) -> str:
    """Where a period sits on a time axis: its last day."""
    return p.end.isoformat()


def _labels(p: Period, span: str | None = None) -> tuple[str, str]:
    if span == COMBINED_SPAN and p.type is PeriodType.MONTH:
        return f"{p.year}年1-2月", f"Jan–Feb {p.year}"
    return p.label_zh, p.label_en


def _text(table: dict[str, tuple[str, str]], key: str | None, en: bool) -> str:
    if key is None:
        return ""
    pair = table.get(key)
    return (pair[1] if en else pair[0]) if pair else key


def _published(records: Iterable[ObservationRecord]) -> list[ObservationRecord]:
    return [r for r in records if r.source_kind in policy.PUBLISHED_SOURCES and not r.simulated]


def _indicator_names(ctx: Context, code: str) -> tuple[str, str]:
    ind = ctx.catalogue.indicators.get(code)
    return (ind.name.zh, ind.name.en) if ind else (code, code)


def _entity_names(ctx: Context, code: str) -> tuple[str, str]:
    if code == "regions":
        return "各地区", "the regions"
    e = ctx.catalogue.find_entity(code)
    return (e.name.zh, e.name.en) if e else (code, code)


def _record_row(r: ObservationRecord) -> Row:
    p = r.period_obj
    return {
        "indicator": r.indicator,
        "entity": r.entity,
        "measure": r.measure,
        "period_type": r.period_type,
        "period": r.period,
        "period_label_zh": p.label_zh,
        "period_label_en": p.label_en,
        "x": _x(p),
        "value": r.value,
        "qualifier": r.qualifier,
        "unit": r.unit,
        "vintage": r.vintage.isoformat(),
        "source_kind": r.source_kind,
        "source_title": r.source_title,
        "source_url": r.source_url,
        "note": r.note,
        "simulated": r.simulated,
        "flag": SIMULATED_LABEL if r.simulated else "",
        "derived": False,
        "span": None,
    }


STEP_MONTHS = {"month": 1, "cum_month": 1, "quarter": 3, "year": 12}


def _continues(prev: Period, p: Period) -> bool:
    """Whether ``p`` follows ``prev`` without a missing period between them.  A year-to-date
    series starts again each year, often with January–February after January–November."""
    if (
        p.type is PeriodType.CUM_MONTH
        and p.year == prev.year + 1
        and p.index <= 2
        and prev.last_month >= 11
    ):
        return True
    months = (p.year - prev.year) * 12 + p.last_month - prev.last_month
    return months <= STEP_MONTHS[p.type.value]


def _month_ticks(lay: dict[str, Any], en: bool) -> dict[str, Any]:
    if not en:
        lay["xaxis"] = {**lay["xaxis"], "tickformat": "%Y年%-m月"}
    return lay


def _gapped(rows: Sequence[Row], en: bool) -> tuple[list[str], list[float | None], list[str]]:
    """Chart points of rows of one period type, in time order, with a break (a null) wherever
    periods are missing, so that a line never bridges a gap in publication."""
    xs: list[str] = []
    ys: list[float | None] = []
    texts: list[str] = []
    last: Period | None = None
    for r in sorted(rows, key=lambda r: str(r["x"])):
        p = parse_period(str(r["period"]))
        if last is not None and not _continues(last, p):
            xs.append(str(r["x"]))
            ys.append(None)
            texts.append("")
        last = p
        xs.append(str(r["x"]))
        ys.append(r["value"])
        texts.append(str(r["period_label_en"] if en else r["period_label_zh"]))
    return xs, ys, texts


def _annotation(y: float, text: str, colour: str, *, below: bool = False) -> dict[str, Any]:
    return {
        "xref": "paper",
        "x": 0,
        "y": y,
        "yref": "y",
        "text": text,
        "showarrow": False,
        "xanchor": "left",
        "yanchor": "top" if below else "bottom",
        "font": {"color": colour, "size": 11},
    }


def _yearly_axis(lay: dict[str, Any]) -> dict[str, Any]:
    """Year labels centred on their year, so that a value at 31 December reads as that year's."""
    lay["xaxis"] = {**lay["xaxis"], "ticklabelmode": "period", "dtick": "M12", "tickformat": "%Y"}
    return lay


# -- 1. a target in depth -------------------------------------------------------------------------
def _goal_text(t: Target) -> str:
    return f"{t.comparator.symbol}{t.value:g}{t.unit}" + (
        f"（±{t.tolerance:g}）" if t.tolerance else ""
    )


def _in_unit(r: ObservationRecord, unit: str) -> tuple[float, str | None]:
    if r.measure == "level" and r.unit and unit and r.unit != unit:
        with contextlib.suppress(UnitError):
            return convert(r.value, r.unit, unit), unit
    return r.value, r.unit


def _evidence_row(ctx: Context, e: Evidence) -> Row:
    zh, en = _indicator_names(ctx, e.indicator)
    p = parse_period(e.period)
    return {
        "indicator": e.indicator,
        "indicator_zh": zh,
        "indicator_en": en,
        "period": e.period,
        "period_label_zh": p.label_zh,
        "period_label_en": p.label_en,
        "value": e.value,
        "qualifier": e.qualifier,
        "unit": e.unit,
        "vintage": e.vintage,
        "source_title": e.source_title,
        "source_url": e.source_url,
        "role": e.role,
    }


def _vintages(ctx: Context, t: Target, evidence: Sequence[Evidence], as_of: date) -> list[Row]:
    """Every stored (published) vintage of each evidence period: how the figure was revised."""
    rows: list[Row] = []
    seen: set[tuple[str, str]] = set()
    for e in evidence:
        if (e.indicator, e.period) in seen:
            continue
        seen.add((e.indicator, e.period))
        p = parse_period(e.period)
        try:
            found = observations(
                ctx,
                ANONYMOUS,  # published figures only
                SeriesQuery(
                    e.indicator,
                    entity=t.entity,
                    period=e.period,
                    period_type=p.type.value,
                    all_vintages=True,
                ),
            )
        except WenzengError:
            continue
        found = [r for r in _published(found) if r.vintage <= as_of]
        # the measure of the evidence: the one holding its value at its vintage
        measures = {
            r.measure for r in found if r.value == e.value and r.vintage.isoformat() == e.vintage
        }
        measure = min(measures) if measures else t.measure.value
        zh, en = _indicator_names(ctx, e.indicator)
        previous: float | None = None
        for r in sorted(
            (r for r in found if r.measure == measure), key=lambda r: (r.vintage, r.value)
        ):
            row = _record_row(r)
            row.update(
                indicator_zh=zh,
                indicator_en=en,
                shown=r.vintage.isoformat() == e.vintage and r.value == e.value,
                used=e.role == "used" and r.vintage.isoformat() == e.vintage and r.value == e.value,
                revision=None if previous is None else round(r.value - previous, 6),
            )
            previous = r.value
            rows.append(row)
    return rows


def _cum_trace_points(
    records: Sequence[ObservationRecord], unit: str
) -> tuple[list[str | None], list[float | None], list[str]]:
    """Year-to-date values with a gap between years, so that a line never joins December to
    the next February."""
    xs: list[str | None] = []
    ys: list[float | None] = []
    texts: list[str] = []
    last_year: int | None = None
    for r in sorted(records, key=lambda r: r.period_obj.end):
        p = r.period_obj
        if last_year is not None and p.year != last_year:
            xs.append(f"{p.year}-01-01")
            ys.append(None)
            texts.append("")
        last_year = p.year
        xs.append(_x(p))
        ys.append(_in_unit(r, unit)[0])
        texts.append(p.label_zh)
    return xs, ys, texts


def _target_chart(ctx: Context, t: Target, a: Assessment, as_of: date, en: bool) -> dict[str, Any]:
    ind = ctx.catalogue.indicator(t.indicator)
    codes = [t.indicator, *ind.same_as]
    if t.measure is Measure.SHARE_PCT:
        codes += list(ind.lower_bound_from)
    first_year = t.period.start - 4
    traces: list[dict[str, Any]] = []
    colour = 0
    for code in codes:
        try:
            recs = observations(
                ctx,
                ANONYMOUS,  # the newest published vintage of each period
                SeriesQuery(code, entity=t.entity, measure=t.measure.value, as_of=as_of),
            )
        except WenzengError:
            continue
        recs = [r for r in _published(recs) if first_year <= r.period_obj.year <= t.period.end]
        zh, en_name = _indicator_names(ctx, code)
        name = en_name if en else zh
        annual = sorted((r for r in recs if r.period_type == "year"), key=lambda r: r.period)
        if annual:
            traces.append(
                charts.line(
                    f"{name}（{'annual' if en else '年度'}）",
                    [_x(r.period_obj) for r in annual],
                    [_in_unit(r, t.unit)[0] for r in annual],
                    colour=colour,
                    text=[r.period_obj.label_en if en else r.period_obj.label_zh for r in annual],
                )
            )
        cum = [r for r in recs if r.period_type == "cum_month"]
        if cum:
            xs, ys, texts = _cum_trace_points(cum, t.unit)
            traces.append(
                charts.line(
                    f"{name}（{'year to date' if en else '1-n月累计'}）",
                    [x or "" for x in xs],
                    ys,
                    colour=colour,
                    dash="dot",
                    text=texts,
                )
            )
        if annual or cum:
            colour += 1
    end_x = f"{t.period.end}-12-31"
    if a.projection is not None:
        pr = a.projection
        traces.append(
            charts.interval(
                (
                    ("projected average growth, 80 % interval" if en else "预计平均增速及80%区间")
                    if t.computation is Computation.AVERAGE_ANNUAL_GROWTH
                    else ("projection, 80 % interval" if en else "预测值及80%区间")
                ),
                end_x,
                pr.mean,
                pr.lower,
                pr.upper,
            )
        )
    elif a.figure is not None:
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": (
                    ("average growth judged on" if en else "评估所用平均增速")
                    if t.computation is Computation.AVERAGE_ANNUAL_GROWTH
                    else ("figure judged on" if en else "评估所用数值")
                ),
                "x": [end_x],
                "y": [a.figure],
                "marker": {"color": "#067647", "size": 14, "symbol": "star"},
            }
        )
    goal = _goal_text(t)
    shapes = [charts.hline(t.value, f"目标 {goal}")]
    notes = [_annotation(t.value, f"{'target' if en else '目标'} {goal}", "#b42318")]
    if t.comparator is Comparator.APPROX and t.tolerance:
        low = t.value - t.tolerance
        shapes.append(charts.hline(low, "容差下限", colour="#b54708"))
        shapes.append(
            {
                "type": "rect",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "y0": low,
                "y1": t.value + t.tolerance,
                "fillcolor": "rgba(180,35,24,0.07)",
                "line": {"width": 0},
                "layer": "below",
            }
        )
        notes.append(
            _annotation(
                low,
                f"{'tolerance floor' if en else '容差下限'} {low:g}{t.unit}",
                "#b54708",
                below=True,
            )
        )
    lay = _yearly_axis(charts.layout("", t.unit, height=380))
    # the last years up to the end of the target period, with room for the projection marker
    lay["xaxis"]["range"] = [f"{first_year}-01-01", f"{t.period.end + 1}-02-15"]
    lay["annotations"] = notes
    lay["legend"] = {"orientation": "h", "y": -0.18}
    lay["showlegend"] = True
    return charts.figure(traces, lay, shapes)


def _find_target(ctx: Context, plan: str | None, code: str) -> tuple[Any, Target]:
    the_plan = get_plan(ctx, plan)
    for t in the_plan.targets:
        if t.code == code:
            return the_plan, t
    raise NotFound(
        f"未找到目标 / no such target: {code!r} "
        f"(targets of {the_plan.code}: {', '.join(t.code for t in the_plan.targets)})"
    )


def target_context(
    ctx: Context, code: str, plan: str | None, as_of: date | None, lang: str
) -> dict[str, Any]:
    the_plan, t = _find_target(ctx, plan, code)
    when = as_of or date.today()
    a = next(x for x in assess_plan(ctx, the_plan, when) if x.target.code == t.code)
    ind = ctx.catalogue.indicator(t.indicator)
    done = a.status is Status.ACHIEVED
    required_zh = a.required_zh or (
        "已达到目标，无需测算后续所需增速或水平。" if done else "现有数据不足以测算所需路径。"
    )
    required_en = a.required_en or (
        "the target is met; no further path is required."
        if done
        else "the data do not allow the required path to be computed."
    )
    assessment = a.as_dict()
    kind = a.figure_kind.value
    return {
        "plan": {
            "code": the_plan.code,
            "title": the_plan.title.model_dump(),
            "document_number": the_plan.document_number,
        },
        "target": {
            **t.summary(),
            "entity": t.entity,
            "measure": t.measure.value,
            "period_type": t.period_type.value,
            "period": [t.period.start, t.period.end],
            "period_text": str(t.period.end)
            if t.period.start == t.period.end
            else f"{t.period.start}–{t.period.end}",
            "goal_text": _goal_text(t),
            "strictness": t.strictness.value,
            "computation": t.computation.value,
            "scope_note": t.scope_note.model_dump() if t.scope_note else None,
        },
        "indicator": {
            "code": ind.code,
            "name": ind.name.model_dump(),
            "unit": ind.unit,
            "publisher": ind.publisher,
            "same_as": list(ind.same_as),
        },
        "as_of": when.isoformat(),
        "assessment": {
            **assessment,
            "figure_kind_zh": FIGURE_KIND_TEXT[kind][0],
            "figure_kind_en": FIGURE_KIND_TEXT[kind][1],
            "required_zh": required_zh,
            "required_en": required_en,
        },
        "projection": a.projection.__dict__ if a.projection else None,
        "evidence": [_evidence_row(ctx, e) for e in [*a.evidence, *a.related]],
        "vintages": _vintages(ctx, t, [*a.evidence, *a.related], when),
        "chart": _target_chart(ctx, t, a, when, lang == "en"),
        "charts": True,
    }


@router.get("/targets/{name}", response_class=HTMLResponse)
def target_page(
    request: Request,
    ctx: CtxDep,
    p: PrincipalDep,
    name: str,
    plan: str | None = None,
    as_of: date | None = None,
) -> Response:
    code, fmt = split_format(name)
    if fmt not in ("html", "json"):
        raise NotFound(f"此页面只有 JSON 数据 / this page has a JSON twin only, not {fmt}")
    lang = page_lang(request)
    context = ctx.memo(
        ("target_page", code, plan, as_of or date.today(), lang),
        lambda: target_context(ctx, code, plan, as_of, lang),
    )
    return respond(request, "target.html", context, fmt, f"target_{code}")


# -- 2. early warnings ----------------------------------------------------------------------------
WARNING_COLUMNS = [
    ("id", "编号 ID"),
    ("severity_zh", "严重程度 Severity"),
    ("klass_zh", "类别 Class"),
    ("entity_zh", "地区/主体 Entity"),
    ("indicator_zh", "指标 Indicator"),
    ("period_label_zh", "期间 Period"),
    ("explanation_zh", "说明 Explanation (zh)"),
    ("explanation_en", "说明（英文） Explanation (en)"),
    ("status_zh", "状态 Status"),
    ("first_seen", "首次发现 First seen"),
    ("last_seen", "最近发现 Last seen"),
    ("times_seen", "发现次数 Times seen"),
    ("flag", "模拟数据 Simulated"),
]


def _warning_row(ctx: Context, w: dict[str, Any]) -> Row:
    ind_zh, ind_en = _indicator_names(ctx, w["indicator"])
    ent_zh, ent_en = _entity_names(ctx, w["entity"])
    try:
        label_zh, label_en = _labels(parse_period(w["period"]))
    except PeriodError:
        label_zh = label_en = str(w["period"])
    return {
        **w,
        "indicator_zh": ind_zh,
        "indicator_en": ind_en,
        "entity_zh": ent_zh,
        "entity_en": ent_en,
        "period_label_zh": label_zh,
        "period_label_en": label_en,
        "klass_zh": _text(KLASS_TEXT, w["klass"], False),
        "klass_en": _text(KLASS_TEXT, w["klass"], True),
        "severity_zh": _text(SEVERITY_TEXT, w["severity"], False),
        "severity_en": _text(SEVERITY_TEXT, w["severity"], True),
        "status_zh": _text(WARNING_STATUS_TEXT, w["status"], False),
        "status_en": _text(WARNING_STATUS_TEXT, w["status"], True),
        "flag": SIMULATED_LABEL if w.get("simulated") else "",
    }


def _options(pairs: dict[str, tuple[str, str]]) -> list[dict[str, str]]:
    return [{"value": k, "zh": zh, "en": en} for k, (zh, en) in pairs.items()]


def warnings_context(
    ctx: Context,
    p: Principal,
    *,
    klass: str | None,
    severity: str | None,
    status: str | None,
    entity: str | None,
    indicator: str | None,
) -> dict[str, Any]:
    entity_code = entity
    if entity is not None:
        found = ctx.catalogue.find_entity(entity)
        entity_code = found.code if found else entity
    every = list_warnings(ctx, p)
    rows = list_warnings(
        ctx,
        p,
        klass=klass,
        severity=severity,
        status=status,
        entity=entity_code,
        indicator=indicator,
    )
    rank = {"high": 2, "medium": 1, "low": 0}
    rows.sort(
        key=lambda w: (w["last_seen"] or "", rank.get(w["severity"], 0), w["id"]), reverse=True
    )
    entities = sorted({w["entity"] for w in every} | ({entity_code} if entity_code else set()))
    indicators = sorted({w["indicator"] for w in every} | ({indicator} if indicator else set()))
    return {
        "filters": {
            "klass": klass,
            "severity": severity,
            "status": status,
            "entity": entity_code,
            "indicator": indicator,
        },
        "options": {
            "klass": _options(KLASS_TEXT),
            "severity": _options(SEVERITY_TEXT),
            "status": _options(WARNING_STATUS_TEXT),
            "entity": [
                {"value": c, "zh": _entity_names(ctx, c)[0], "en": _entity_names(ctx, c)[1]}
                for c in entities
            ],
            "indicator": [
                {"value": c, "zh": _indicator_names(ctx, c)[0], "en": _indicator_names(ctx, c)[1]}
                for c in indicators
            ],
        },
        "count": len(rows),
        "total": len(every),
        "columns": WARNING_COLUMNS,
        "table": [_warning_row(ctx, w) for w in rows],
    }


@router.get("/warnings", response_class=HTMLResponse)
@router.get("/warnings.{fmt}")
def warnings_page(
    request: Request,
    ctx: CtxDep,
    p: UserDep,
    klass: str | None = None,
    severity: str | None = None,
    status: str | None = None,
    entity: str | None = None,
    indicator: str | None = None,
) -> Response:
    fmt = _format_of(request, "warnings")
    context = warnings_context(
        ctx,
        p,
        klass=_blank(klass),
        severity=_blank(severity),
        status=_blank(status),
        entity=_blank(entity),
        indicator=_blank(indicator),
    )
    return respond(request, "warnings.html", context, fmt, "warnings")


def _evidence_text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list | tuple):
        return "，".join(_evidence_text(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}: {_evidence_text(v)}" for k, v in value.items())
    return "" if value is None else str(value)


def _evidence_texts(ctx: Context, key: str, value: Any) -> dict[str, str]:
    """An evidence value for people, in both languages: names for codes, labels for periods."""
    zh = en = _evidence_text(value)
    if key == "indicator" and isinstance(value, str):
        zh, en = _indicator_names(ctx, value)
    elif key == "entity" and isinstance(value, str):
        zh, en = _entity_names(ctx, value)
    elif key == "measure" and isinstance(value, str):
        zh, en = _text(MEASURE_TEXT, value, False), _text(MEASURE_TEXT, value, True)
    elif key == "period_type" and isinstance(value, str):
        zh, en = _text(PERIOD_TYPE_TEXT, value, False), _text(PERIOD_TYPE_TEXT, value, True)
    elif key in ("period", "break_period_code") and isinstance(value, str):
        with contextlib.suppress(PeriodError):
            zh, en = _labels(parse_period(value))
    return {"text_zh": zh, "text_en": en}


def _thresholds(text: Any) -> list[float]:
    out: list[float] = []
    for part in str(text or "").split("/"):
        with contextlib.suppress(ValueError):
            out.append(float(part))
    return out


def _warning_chart(
    ctx: Context, p: Principal, w: dict[str, Any], en: bool
) -> tuple[dict[str, Any] | None, list[Row]]:
    ev = w.get("evidence") or {}
    indicator = str(ev.get("indicator") or w["indicator"])
    entity = str(ev.get("entity") or w["entity"])
    if entity == "regions" or ctx.catalogue.find_entity(entity) is None:
        entity = "CN"
    measure = str(ev.get("measure") or "yoy_pct")
    period_type = str(ev.get("period_type") or "month")
    try:
        period = parse_period(str(w["period"]))
        recs = observations(
            ctx,
            p,
            SeriesQuery(indicator, entity=entity, measure=measure, period_type=period_type),
        )
    except (WenzengError, PeriodError):
        return None, []
    last = period.year * 12 + period.last_month - 1
    first = last - WARNING_MONTHS + 1
    recs = [
        r for r in recs if first <= r.period_obj.year * 12 + r.period_obj.last_month - 1 <= last
    ]
    recs.sort(key=lambda r: r.period_obj.end)
    if not recs:
        return None, []
    zh, en_name = _indicator_names(ctx, indicator)
    unit = "%" if measure != "level" else (recs[0].unit or "")
    kind = f"{_text(MEASURE_TEXT, measure, en)}，{_text(PERIOD_TYPE_TEXT, period_type, en)}"
    xs, ys, texts = _gapped([_record_row(r) for r in recs], en)
    traces = [charts.line(f"{en_name if en else zh}（{kind}）", xs, ys, text=texts)]
    hit = [r for r in recs if r.period == period.code]
    if hit:
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": "warning period" if en else "预警期",
                "x": [_x(period)],
                "y": [hit[0].value],
                "marker": {
                    "color": "#b42318",
                    "size": 14,
                    "symbol": "circle-open",
                    "line": {"width": 3},
                },
            }
        )
    shapes: list[dict[str, Any]] = [
        {
            "type": "rect",
            "xref": "x",
            "yref": "paper",
            # the month the point stands at (a year-to-date period ends in its last month)
            "x0": date(period.year, period.last_month, 1).isoformat(),
            "x1": period.end.isoformat(),
            "y0": 0,
            "y1": 1,
            "fillcolor": "rgba(180,35,24,0.12)",
            "line": {"width": 0},
            "layer": "below",
        }
    ]
    for cut in _thresholds(ev.get("thresholds")):
        shapes.append(
            {
                **charts.hline(cut, f"{cut:g}", colour="#9aa5b1"),
                "line": {"color": "#9aa5b1", "dash": "dot", "width": 1},
            }
        )
    lay = _month_ticks(charts.layout("", unit, height=340), en)
    chart = charts.figure(traces, lay, shapes)
    return chart, [_record_row(r) for r in recs]


def warning_context(ctx: Context, p: Principal, wid: int, lang: str) -> dict[str, Any]:
    w = _warning_row(ctx, get_warning(ctx, p, wid))
    ev = w.get("evidence") or {}
    items = [
        {
            "key": k,
            "zh": _text(EVIDENCE_TEXT, k, False),
            "en": _text(EVIDENCE_TEXT, k, True),
            "value": v,
            **_evidence_texts(ctx, k, v),
        }
        for k, v in ev.items()
    ]
    chart, series = _warning_chart(ctx, p, w, lang == "en")
    return {
        "warning": w,
        "evidence": items,
        "series": series,
        "chart": chart,
        "charts": chart is not None,
        "can_act": p.role.is_staff and w["status"] != "closed",
        "message": None,
    }


@router.get("/warnings/{name}", response_class=HTMLResponse)
def warning_page(request: Request, ctx: CtxDep, p: UserDep, name: str) -> Response:
    stem, fmt = split_format(name)
    if not stem.isdigit() or fmt not in ("html", "json"):
        raise NotFound(f"没有这个预警 / no such warning: {name!r}")
    context = warning_context(ctx, p, int(stem), page_lang(request))
    return respond(request, "warning.html", context, fmt, f"warning_{stem}")


@router.post("/warnings/{wid}/acknowledge")
def warning_acknowledge(ctx: CtxDep, p: UserDep, wid: int) -> Response:
    set_warning_status(ctx, p, wid, "acknowledged")
    return RedirectResponse(f"/warnings/{wid}", status_code=303)


@router.post("/warnings/{wid}/close", response_class=HTMLResponse)
def warning_close(
    request: Request,
    ctx: CtxDep,
    p: UserDep,
    wid: int,
    note: Annotated[str, Form()] = "",
) -> Response:
    try:
        set_warning_status(ctx, p, wid, "closed", note)
    except ValidationFailed as exc:
        context = warning_context(ctx, p, wid, page_lang(request))
        context["message"] = exc.message
        return render(request, "warning.html", status_code=422, **context)
    return RedirectResponse(f"/warnings/{wid}", status_code=303)


# -- 3. the indicator explorer --------------------------------------------------------------------
EXPLORER_COLUMNS = [
    ("period_label_zh", "期间 Period"),
    ("period", "期间代码 Period code"),
    ("measure", "口径 Measure"),
    ("value", "数值 Value"),
    ("qualifier", "限定 Qualifier"),
    ("unit", "单位 Unit"),
    ("vintage", "可得日期 Vintage"),
    ("source_title", "来源 Source"),
    ("source_url", "来源链接 Source URL"),
    ("derived", "计算值 Derived"),
    ("flag", "模拟数据 Simulated"),
]


@dataclass(frozen=True)
class ExplorerQuery:
    indicator: str | None
    entity: str
    measure: str | None
    period_type: str | None
    start: str | None
    end: str | None
    transform: str
    as_of: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "entity": self.entity,
            "measure": self.measure,
            "period_type": self.period_type,
            "from": self.start,
            "to": self.end,
            "transform": self.transform,
            "as_of": self.as_of,
        }


def _frame(records: Sequence[ObservationRecord], *, annual: bool = False) -> pl.DataFrame:
    data: dict[str, list[Any]] = {
        "entity": [r.entity for r in records],
        "year": [r.period_obj.year for r in records],
        "value": [r.value for r in records],
    }
    schema: dict[str, Any] = {"entity": pl.Utf8, "year": pl.Int32, "value": pl.Float64}
    if not annual:
        data["month"] = [r.period_obj.index for r in records]
        schema["month"] = pl.Int8
    return pl.DataFrame(data, schema=schema)


def _derived_row(
    period: Period,
    value: float | None,
    base: ObservationRecord,
    inputs: Sequence[ObservationRecord],
    *,
    measure: str,
    unit: str | None,
    span: str | None = None,
) -> Row:
    zh, en = _labels(period, span)
    used = [r for r in inputs if r is not None] or [base]
    simulated = any(r.simulated for r in used)
    return dict(
        indicator=base.indicator,
        entity=base.entity,
        measure=measure,
        period_type=period.type.value,
        period=period.code,
        period_label_zh=zh,
        period_label_en=en,
        x=_x(period),
        value=None if value is None else round(value, 6),
        qualifier="",
        unit=unit,
        vintage=max(r.vintage for r in used).isoformat(),
        source_kind=base.source_kind,
        source_title=base.source_title,
        source_url=base.source_url,
        note="；".join(f"{r.period_obj.label_zh} {r.value:g}" for r in used),
        simulated=simulated,
        flag=SIMULATED_LABEL if simulated else "",
        derived=True,
        span=span,
    )


def _by_index(records: Sequence[ObservationRecord]) -> dict[tuple[int, int], ObservationRecord]:
    return {(r.period_obj.year, r.period_obj.index): r for r in records}


def _single_months(records: Sequence[ObservationRecord]) -> list[Row]:
    src = [r for r in records if r.period_type == PeriodType.CUM_MONTH.value]
    if not src:
        return []
    at = _by_index(src)
    rows = []
    for y, m, v, span in (
        cum_to_month(_frame(src), ["entity"]).select("year", "month", "value", "span").iter_rows()
    ):
        base = at[(y, m)]
        inputs = [base] + ([at[(y, m - 1)]] if (y, m - 1) in at and span != COMBINED_SPAN else [])
        rows.append(
            _derived_row(
                Period.month(y, m), v, base, inputs, measure="level", unit=base.unit, span=span
            )
        )
    return rows


def _cumulative(records: Sequence[ObservationRecord]) -> list[Row]:
    src = [r for r in records if r.period_type == PeriodType.MONTH.value]
    if not src:
        return []
    at = _by_index(src)
    rows = []
    for y, m, v in (
        month_to_cum(_frame(src), ["entity"]).select("year", "month", "value").iter_rows()
    ):
        inputs = [at[(y, k)] for k in range(1, m + 1) if (y, k) in at]
        base = at[(y, m)]
        rows.append(
            _derived_row(Period.cum_month(y, m), v, base, inputs, measure="level", unit=base.unit)
        )
    return rows


def _yoy(records: Sequence[ObservationRecord]) -> list[Row]:
    rows: list[Row] = []
    for ptype in PeriodType:
        src = [r for r in records if r.period_type == ptype.value]
        if not src:
            continue
        at = _by_index(src)
        if ptype is PeriodType.YEAR:
            result = yoy_from_annual(_frame(src, annual=True), ["entity"]).with_columns(
                pl.lit(0).alias("month")
            )
        else:
            result = yoy_from_levels(_frame(src), ["entity"])
        for y, m, v in result.select("year", "month", "value").iter_rows():
            base = at[(y, m)]
            before = at.get((y - 1, m))
            rows.append(
                _derived_row(
                    Period(y, ptype, m),
                    None if v is None else round(v, 2),  # growth is published to 0.1 point
                    base,
                    [base, *([before] if before else [])],
                    measure="yoy_pct",
                    unit="%",
                )
            )
    return rows


DERIVE: dict[str, Callable[[Sequence[ObservationRecord]], list[Row]]] = {
    "single_month": _single_months,
    "cumulative": _cumulative,
    "yoy": _yoy,
}
SOURCE_PERIOD_TYPE = {"single_month": "cum_month", "cumulative": "month"}


def _explorer_chart(rows: Sequence[Row], en: bool) -> dict[str, Any]:
    """One line per measure and period type; percentages on a second axis beside levels.

    A combined January–February value (two months in one) is drawn as separate markers,
    never joined to the single months around it."""
    groups: dict[tuple[str, str, bool], list[Row]] = {}
    for r in sorted(rows, key=lambda r: str(r["x"])):
        combined = r.get("span") == COMBINED_SPAN
        groups.setdefault((r["measure"], r["period_type"], combined), []).append(r)
    mixed = len({m == "level" for m, _, _ in groups}) > 1
    traces = []
    for i, ((measure, ptype, combined), items) in enumerate(groups.items()):
        kind = f"{_text(MEASURE_TEXT, measure, en)}，{_text(PERIOD_TYPE_TEXT, ptype, en)}"
        if combined:
            kind = (
                f"{_text(MEASURE_TEXT, measure, en)}，{'Jan–Feb combined' if en else '1-2月合计'}"
            )
        unit = next((r["unit"] for r in items if r["unit"]), "")
        xs, ys, texts = _gapped(items, en)
        trace = charts.line(
            f"{kind}（{unit}）" if unit else kind,
            xs,
            ys,
            colour=i,
            mode="markers" if combined else "lines+markers",
            text=texts,
        )
        if mixed and measure != "level":
            trace["yaxis"] = "y2"
        traces.append(trace)
    units = sorted({str(r["unit"]) for r in rows if r["unit"] and r["measure"] == "level"})
    pct = any(r["measure"] != "level" for r in rows)
    lay = _month_ticks(
        charts.layout("", "/".join(units) if units else ("%" if pct else ""), height=400), en
    )
    lay["legend"] = {"orientation": "h", "y": -0.15}
    lay["showlegend"] = True  # says what the line is, even when there is only one
    if mixed:
        lay["yaxis2"] = {
            "title": {"text": "%"},
            "overlaying": "y",
            "side": "right",
            "tickmode": "auto",
            "showgrid": False,
            "zeroline": False,
        }
        lay["margin"] = {**lay["margin"], "r": 56}
    return charts.figure(traces, lay)


def explore(ctx: Context, p: Principal, q: ExplorerQuery, lang: str) -> dict[str, Any]:
    """The rows and chart of an explorer query; raises WenzengError on a bad query."""
    if q.indicator is None:
        return {
            "rows": [],
            "chart": None,
            "info": None,
            "entity_info": None,
            "published_only": False,
        }
    ind = ctx.catalogue.indicator(q.indicator)
    entity = ctx.catalogue.entity(q.entity)
    if q.transform not in TRANSFORMS:
        raise ValidationFailed(
            f"未知变换 / unknown transform: {q.transform!r} (expected {', '.join(TRANSFORMS)})"
        )
    if q.measure is not None and q.measure not in {m.value for m in Measure}:
        raise ValidationFailed(
            f"未知口径 / unknown measure: {q.measure!r} (expected level, yoy_pct or share_pct)"
        )
    if q.period_type is not None and q.period_type not in {t.value for t in PeriodType}:
        raise ValidationFailed(
            f"未知期间类型 / unknown period type: {q.period_type!r} "
            "(expected month, cum_month, quarter or year)"
        )
    start, end = _parse_period(q.start), _parse_period(q.end)
    as_of = parse_date(q.as_of)
    if q.transform == "as_stored":
        measure, period_type = q.measure, q.period_type
    else:
        measure = "level"
        period_type = SOURCE_PERIOD_TYPE.get(q.transform, q.period_type)
    seen = observations(
        ctx,
        p,
        SeriesQuery(
            ind.code, entity=entity.code, measure=measure, period_type=period_type, as_of=as_of
        ),
    )
    if q.transform == "as_stored":
        rows = [_record_row(r) for r in seen]
    else:
        rows = DERIVE[q.transform](seen)
    rows = [
        r
        for r in rows
        if (start is None or r["x"] >= start.end.isoformat())
        and (end is None or r["x"] <= end.end.isoformat())
    ]
    rows.sort(key=lambda r: (r["x"], r["period_type"], r["measure"]), reverse=True)
    return {
        "rows": rows,
        "chart": _explorer_chart(rows, lang == "en") if rows else None,
        "info": {
            "code": ind.code,
            "name": ind.name.model_dump(),
            "unit": ind.unit,
            "publisher": ind.publisher,
            "scope": ind.scope.model_dump() if ind.scope else None,
            "description": ind.description.model_dump() if ind.description else None,
            "measures": [m.value for m in ind.measures],
        },
        "entity_info": {"code": entity.code, "name": entity.name.model_dump()},
        "published_only": not policy.entity_in_scope(p, entity.code, ctx.catalogue),
    }


def _explorer_options(ctx: Context, p: Principal) -> dict[str, Any]:
    cat = ctx.catalogue
    entities = [
        {"value": e.code, "zh": e.name.zh, "en": e.name.en}
        for e in cat.entities.values()
        if e.kind is not EntityKind.ENTERPRISE or policy.entity_in_scope(p, e.code, cat)
    ]
    return {
        "indicator": [
            {"value": i.code, "zh": i.name.zh, "en": i.name.en} for i in cat.indicators.values()
        ],
        "entity": entities,
        "measure": _options(MEASURE_TEXT),
        "period_type": _options(PERIOD_TYPE_TEXT),
        "transform": _options(TRANSFORMS),
    }


@router.get("/explorer", response_class=HTMLResponse)
@router.get("/explorer.{fmt}")
def explorer_page(
    request: Request,
    ctx: CtxDep,
    p: PrincipalDep,
    indicator: str | None = None,
    entity: str | None = None,
    measure: str | None = None,
    period_type: str | None = None,
    start: Annotated[str | None, Query(alias="from")] = None,
    end: Annotated[str | None, Query(alias="to")] = None,
    transform: str | None = None,
    as_of: str | None = None,
) -> Response:
    fmt = _format_of(request, "explorer")
    q = ExplorerQuery(
        indicator=_blank(indicator),
        entity=_blank(entity) or "CN",
        measure=_blank(measure),
        period_type=_blank(period_type),
        start=_blank(start),
        end=_blank(end),
        transform=_blank(transform) or "as_stored",
        as_of=_blank(as_of),
    )
    base = {"query": q.as_dict(), "options": _explorer_options(ctx, p), "columns": EXPLORER_COLUMNS}
    lang = page_lang(request)
    try:
        # the same question by the same user on the same data gives the same answer
        key = ("explorer", tuple(sorted(q.as_dict().items())), p.username, p.role.value, lang)
        found = ctx.memo(key, lambda: explore(ctx, p, q, lang))
    except WenzengError as exc:
        if fmt != "html":
            raise ValidationFailed(exc.message) from exc
        return render(
            request,
            "explorer.html",
            status_code=422,
            **base,
            error=exc.message,
            table=[],
            chart=None,
            info=None,
            entity_info=None,
            published_only=False,
        )
    context = {
        **base,
        "error": None,
        "table": found["rows"],
        "chart": found["chart"],
        "charts": found["chart"] is not None,
        "info": found["info"],
        "entity_info": found["entity_info"],
        "published_only": found["published_only"],
    }
    return respond(request, "explorer.html", context, fmt, "explorer")
