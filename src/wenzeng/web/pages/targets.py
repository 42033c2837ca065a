"""A target in depth: its series with the goal and the projection, the required path, the
rule that gave its status, the evidence with sources, and every vintage of the evidence."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from wenzeng.analysis.tracking import Assessment, Evidence, Status
from wenzeng.auth import policy
from wenzeng.auth.principal import ANONYMOUS
from wenzeng.domain import labels
from wenzeng.domain.catalog import Measure
from wenzeng.domain.periods import parse_period
from wenzeng.domain.plan import Plan, Target
from wenzeng.errors import NotFound, WenzengError
from wenzeng.present.observation_rows import Row, record_row
from wenzeng.present.target_charts import Series, goal_text, headline_figure, target_chart
from wenzeng.services.context import Context
from wenzeng.services.plan_in_force import plan_in_force
from wenzeng.services.series import SeriesQuery, observations
from wenzeng.services.tracking import assess_plan
from wenzeng.web.deps import CtxDep
from wenzeng.web.etag import cached_json
from wenzeng.web.pages.formats import FORMATS, item_format, respond
from wenzeng.web.pages.names import indicator_names
from wenzeng.web.security import PrincipalDep
from wenzeng.web.templating import page_lang
from wenzeng.web.twins import twin_data

router = APIRouter(include_in_schema=False)


TARGET_COLUMNS = [
    ("indicator_zh", "指标 Indicator"),
    ("period_label_zh", "报告期 Period"),
    ("value", "数值 Value"),
    ("unit", "单位 Unit"),
    ("qualifier", "限定 Qualifier"),
    ("vintage", "可得日期 Known by"),
    ("publisher", "发布机构 Publisher"),
    ("release", "发布稿 Release"),
    ("source_title", "来源 Source"),
    ("source_url", "链接 Link"),
    ("indicator", "指标代码 Indicator code"),
    ("period", "报告期代码 Period code"),
]


def _evidence_row(ctx: Context, e: Evidence) -> Row:
    zh, en = indicator_names(ctx, e.indicator)
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
        "publisher": e.publisher,
        "release": e.release,
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
        found = [r for r in policy.published_records(found) if r.vintage <= as_of]
        # the measure of the evidence: the one holding its value at its vintage
        measures = {
            r.measure for r in found if r.value == e.value and r.vintage.isoformat() == e.vintage
        }
        measure = min(measures) if measures else t.measure.value
        zh, en = indicator_names(ctx, e.indicator)
        previous: float | None = None
        for r in sorted(
            (r for r in found if r.measure == measure), key=lambda r: (r.vintage, r.value)
        ):
            row = record_row(r)
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


def _chart_series(ctx: Context, t: Target, as_of: date, first_year: int) -> list[Series]:
    """The published figures of the target's indicator, of those measuring the same thing,
    and (for a share) of the parts whose sum bounds it, from ``first_year``."""
    ind = ctx.catalogue.indicator(t.indicator)
    codes = [t.indicator, *ind.same_as]
    if t.measure is Measure.SHARE_PCT:
        codes += list(ind.lower_bound_from)
    out: list[Series] = []
    for code in codes:
        try:
            recs = observations(
                ctx,
                ANONYMOUS,  # the newest published vintage of each period
                SeriesQuery(code, entity=t.entity, measure=t.measure.value, as_of=as_of),
            )
        except WenzengError:
            continue
        recs = [
            r
            for r in policy.published_records(recs)
            if first_year <= r.period_obj.year <= t.period.end
        ]
        out.append((indicator_names(ctx, code), recs))
    return out


def _chart(ctx: Context, t: Target, a: Assessment, as_of: date, en: bool) -> dict[str, Any]:
    first_year = t.period.start - 4
    return target_chart(t, a, _chart_series(ctx, t, as_of, first_year), first_year, en)


def _find_target(
    ctx: Context, plan: str | None, code: str, on: date | None = None
) -> tuple[Plan, Target]:
    the_plan = plan_in_force(ctx, plan, on)
    for t in the_plan.targets:
        if t.code == code:
            return the_plan, t
    raise NotFound(
        f"未找到目标 / no such target: {code!r} "
        f"(targets of {the_plan.code}: {', '.join(t.code for t in the_plan.targets)})"
    )


def _plan_context(the_plan: Plan) -> dict[str, Any]:
    return {
        "code": the_plan.code,
        "title": the_plan.title.model_dump(),
        "document_number": the_plan.document_number,
    }


def _qualitative_context(the_plan: Plan, t: Target, a: Assessment, when: date) -> dict[str, Any]:
    """A target without a number: its words, period and the progress reported on it."""
    return {
        "plan": _plan_context(the_plan),
        "target": {
            **t.summary(),
            "entity": t.entity,
            "period": [t.period.start, t.period.end],
            "period_text": f"{t.period.start}–{t.period.end}",
            "goal_text": t.goal_text(),
            "strictness": t.strictness.value,
            "scope_note": t.scope_note.model_dump() if t.scope_note else None,
        },
        "qualitative": True,
        "indicator": None,
        "as_of": when.isoformat(),
        "assessment": a.as_dict(),
        "projection": None,
        "evidence": [],
        "vintages": [],
        "chart": None,
        "charts": False,
    }


def target_context(
    ctx: Context, code: str, plan: str | None, as_of: date | None, lang: str
) -> dict[str, Any]:
    the_plan, t = _find_target(ctx, plan, code, as_of)
    when = as_of or date.today()
    a = next(x for x in assess_plan(ctx, the_plan, when) if x.target.code == t.code)
    if t.is_qualitative:
        return _qualitative_context(the_plan, t, a, when)
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
    kind_zh, kind_en = labels.FIGURE_KIND[a.figure_kind.value]
    evidence = [_evidence_row(ctx, e) for e in [*a.evidence, *a.related]]
    vintages = _vintages(ctx, t, [*a.evidence, *a.related], when)
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
            "goal_text": goal_text(t),
            "goal_text_en": goal_text(t, en=True),
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
            **a.as_dict(),
            "figure_text": headline_figure(t, a.figure),
            "figure_kind_zh": kind_zh,
            "figure_kind_en": kind_en,
            "required_zh": required_zh,
            "required_en": required_en,
        },
        "projection": a.projection.__dict__ if a.projection else None,
        "evidence": evidence,
        "vintages": vintages,
        "chart": _chart(ctx, t, a, when, lang == "en"),
        "charts": True,
        # the figures the target is judged on, as the page's table (its CSV and Excel twins)
        "table": vintages or evidence,
        "columns": TARGET_COLUMNS,
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
    asked = name.rsplit(".", 1)[-1]
    code, fmt = item_format(
        name, f"此页面没有 {asked} 格式 / this page has no {asked} twin", formats=FORMATS
    )
    lang = page_lang(request)

    def context() -> dict[str, Any]:
        return ctx.memo(
            ("target_page", code, plan, as_of or date.today(), lang),
            lambda: target_context(ctx, code, plan, as_of, lang),
        )

    if fmt == "json":  # the same for every reader, but kept per reader all the same
        return cached_json(request, ctx, p, lambda: twin_data(context()))
    return respond(request, "target.html", context(), fmt, f"target_{code}")
