"""View contexts: the data behind each page, served as HTML or as its JSON twin."""

from __future__ import annotations

import contextlib
from functools import partial
from typing import Any

from wenzeng.auth.principal import ANONYMOUS, SYSTEM, Principal
from wenzeng.domain.observation import QUALIFIER_TEXT, ObservationRecord
from wenzeng.domain.plan import Target
from wenzeng.domain.units import UnitError, convert
from wenzeng.present import charts
from wenzeng.services.context import Context
from wenzeng.services.early_warning import list_warnings
from wenzeng.services.plans import get_plan, stored_plans, target_figures
from wenzeng.services.series import read_observations
from wenzeng.services.tracking import assess_plan


def display_value(rec: ObservationRecord, unit: str | None) -> dict[str, Any]:
    """A figure in the unit the reader expects (the target's), with its qualifier."""
    value, shown_unit = rec.value, rec.unit
    if unit and rec.unit and rec.measure == "level":
        with contextlib.suppress(UnitError):
            value, shown_unit = convert(rec.value, rec.unit, unit), unit
    q_zh, q_en = QUALIFIER_TEXT.get(rec.qualifier, ("", ""))
    text = f"{value:,.4g}" if abs(value) >= 1000 else f"{value:.4g}"
    return {
        "value": value,
        "unit": shown_unit,
        "text_zh": f"{q_zh}{text}{shown_unit or ''}",
        "text_en": f"{q_en + ' ' if q_en else ''}{text}{shown_unit or ''}",
    }


def sparkline(ctx: Context, t: Target) -> dict[str, Any] | None:
    """A small chart of the target's series: annual and year-to-date values, the goal dashed."""
    ind = ctx.base_catalogue.indicators.get(t.indicator)
    codes = [t.indicator, *(ind.same_as if ind else [])]
    with ctx.reading() as conn:  # as the target cards read them (services.plans)
        records = [
            r
            for code in codes
            for r in read_observations(
                ctx,
                SYSTEM,
                conn=conn,
                indicator=code,
                entities=[t.entity],
                measure=t.measure.value,
                simulated=False,
            )
            if r.period_type in ("year", "cum_month")
        ]
    if len(records) < 2:
        return None
    records.sort(key=lambda r: r.period_obj.end)
    x = [r.period_obj.end.isoformat() for r in records]
    y = [display_value(r, t.unit)["value"] for r in records]
    labels = [r.period_obj.label_zh for r in records]
    lay = charts.layout(height=110)
    lay.update(
        {
            "margin": {"l": 30, "r": 6, "t": 4, "b": 20},
            "showlegend": False,
            "yaxis": {"tickfont": {"size": 9}},
            "xaxis": {"type": "date", "tickfont": {"size": 9}},
        }
    )
    return charts.figure(
        [charts.line(t.title.zh, x, y, text=labels, mode="markers+lines")],
        lay,
        [charts.hline(t.value, "goal")],
    )


def overview_context(
    ctx: Context, plan_code: str | None, p: Principal = ANONYMOUS
) -> dict[str, Any]:
    plan = get_plan(ctx, plan_code)
    assessed = {a.target.code: a for a in assess_plan(ctx, plan)}
    cards = []
    for fig in target_figures(ctx, plan):
        t = fig.target
        rec = fig.shown
        card = fig.as_dict()
        card["goal_text"] = f"{t.comparator.symbol}{t.value:g}{t.unit}" + (
            f"（±{t.tolerance:g}）" if t.tolerance else ""
        )
        card["display"] = display_value(rec, t.unit) if rec else None
        card["has_exact"] = fig.exact is not None
        card["scope_note"] = t.scope_note.model_dump() if t.scope_note else None
        a = assessed[t.code]
        card["assessment"] = {
            "status": a.status.value,
            "status_zh": a.status.zh,
            "status_en": a.status.en,
            "figure": a.figure,
            "figure_kind": a.figure_kind.value,
            "figure_note_zh": a.figure_note_zh,
            "figure_note_en": a.figure_note_en,
            "rule_zh": a.rule_zh,
            "rule_en": a.rule_en,
            "probability": a.projection.probability if a.projection else None,
        }
        card["sparkline"] = ctx.memo(("sparkline", plan.code, t.code), partial(sparkline, ctx, t))
        cards.append(card)
    return {
        "plan": {
            "code": plan.code,
            "title": plan.title.model_dump(),
            "document_number": plan.document_number,
            "period": [plan.period.start, plan.period.end],
            "issued": plan.issued.isoformat(),
        },
        "plans": [{"code": p.code, "title": p.title.model_dump()} for p in stored_plans(ctx)],
        "targets": cards,
        "warnings": list_warnings(ctx, p, status="new", limit=8) if p.authenticated else [],
    }
