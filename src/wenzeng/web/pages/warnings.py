"""Early warnings (预警): the list with its filters, and one warning with its evidence and
chart; department staff acknowledge or close them with a note."""

from __future__ import annotations

import contextlib
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from wenzeng.auth import policy
from wenzeng.auth.principal import Principal
from wenzeng.domain import labels
from wenzeng.domain.detector_kinds import evidence_label
from wenzeng.domain.observation import SIMULATED_LABEL
from wenzeng.domain.periods import PeriodError, parse_period
from wenzeng.errors import ValidationFailed, WenzengError
from wenzeng.present.observation_rows import Row, record_row, span_labels
from wenzeng.present.place_charts import foot
from wenzeng.present.series_charts import thresholds, warning_chart
from wenzeng.services.context import Context
from wenzeng.services.early_warning import get_warning, list_warnings, set_warning_status
from wenzeng.services.series import SeriesQuery, observations
from wenzeng.web.deps import CtxDep
from wenzeng.web.pages.fields import blank
from wenzeng.web.pages.formats import ONE_THING, item_format, page_format, respond
from wenzeng.web.pages.names import entity_names, indicator_names, period_code_labels
from wenzeng.web.security import UserDep
from wenzeng.web.templating import page_lang, render

router = APIRouter(include_in_schema=False)

WARNING_MONTHS = 36  # how far back a warning's chart reaches
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
    ind_zh, ind_en = indicator_names(ctx, w["indicator"])
    ent_zh, ent_en = entity_names(ctx, w["entity"])
    label_zh, label_en = period_code_labels(str(w["period"]))
    klass, severity, status = (
        labels.pair(labels.WARNING_CLASS, w["klass"]),
        labels.pair(labels.WARNING_SEVERITY, w["severity"]),
        labels.pair(labels.WARNING_STATUS, w["status"]),
    )
    return {
        **w,
        "indicator_zh": ind_zh,
        "indicator_en": ind_en,
        "entity_zh": ent_zh,
        "entity_en": ent_en,
        "period_label_zh": label_zh,
        "period_label_en": label_en,
        "klass_zh": klass[0],
        "klass_en": klass[1],
        "severity_zh": severity[0],
        "severity_en": severity[1],
        "status_zh": status[0],
        "status_en": status[1],
        "flag": SIMULATED_LABEL if w.get("simulated") else "",
    }


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
            "klass": labels.options(labels.WARNING_CLASS),
            "severity": labels.options(labels.WARNING_SEVERITY),
            "status": labels.options(labels.WARNING_STATUS),
            "entity": [
                {"value": c, "zh": entity_names(ctx, c)[0], "en": entity_names(ctx, c)[1]}
                for c in entities
            ],
            "indicator": [
                {"value": c, "zh": indicator_names(ctx, c)[0], "en": indicator_names(ctx, c)[1]}
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
    fmt = page_format(request, "warnings")
    context = warnings_context(
        ctx,
        p,
        klass=blank(klass),
        severity=blank(severity),
        status=blank(status),
        entity=blank(entity),
        indicator=blank(indicator),
    )
    return respond(request, "warnings.html", context, fmt, "warnings")


# -- one warning ---------------------------------------------------------------------------------
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
        zh, en = indicator_names(ctx, value)
    elif key == "entity" and isinstance(value, str):
        zh, en = entity_names(ctx, value)
    elif key == "measure" and isinstance(value, str):
        zh, en = labels.pair(labels.MEASURE, value)
    elif key == "period_type" and isinstance(value, str):
        zh, en = labels.pair(labels.PERIOD_TYPE, value)
    elif key in ("period", "break_period_code") and isinstance(value, str):
        with contextlib.suppress(PeriodError):
            zh, en = span_labels(parse_period(value))
    return {"text_zh": zh, "text_en": en}


def _chart(
    ctx: Context, p: Principal, w: dict[str, Any], en: bool
) -> tuple[dict[str, Any] | None, list[Row], dict[str, Any] | None]:
    """The chart of the series a warning was raised on, over the three years to its period,
    the rows of that series and what goes under the chart; nothing when the series cannot
    be read."""
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
        return None, [], None
    last = period.year * 12 + period.last_month - 1
    first = last - WARNING_MONTHS + 1
    recs = [
        r for r in recs if first <= r.period_obj.year * 12 + r.period_obj.last_month - 1 <= last
    ]
    recs.sort(key=lambda r: r.period_obj.end)
    if not recs:
        return None, [], None
    zh, en_name = indicator_names(ctx, indicator)
    cuts = thresholds(ev.get("thresholds"))
    chart = warning_chart(recs, period, en_name if en else zh, measure, period_type, cuts, en)
    under = foot([((indicator, measure, period_type), recs)])
    return chart, [record_row(r) for r in recs], under


def warning_context(ctx: Context, p: Principal, wid: int, lang: str) -> dict[str, Any]:
    w = _warning_row(ctx, get_warning(ctx, p, wid))
    ev = w.get("evidence") or {}
    items = [
        {
            "key": k,
            "zh": evidence_label(k, "zh"),
            "en": evidence_label(k, "en"),
            "value": v,
            **_evidence_texts(ctx, k, v),
        }
        for k, v in ev.items()
    ]
    chart, series, under = _chart(ctx, p, w, lang == "en")
    return {
        "warning": w,
        "evidence": items,
        "series": series,
        "chart": chart,
        "_foot": under,
        "charts": chart is not None,
        "can_act": policy.may_handle_warnings(p) and w["status"] != "closed",
        "message": None,
    }


@router.get("/warnings/{name}", response_class=HTMLResponse)
def warning_page(request: Request, ctx: CtxDep, p: UserDep, name: str) -> Response:
    stem, fmt = item_format(
        name, f"没有这个预警 / no such warning: {name!r}", formats=ONE_THING, numeric=True
    )
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
