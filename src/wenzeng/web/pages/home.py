"""The overview (运行总览): the plan's headline targets as cards, and the newest warnings."""

from __future__ import annotations

from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from wenzeng.auth import policy
from wenzeng.auth.principal import ANONYMOUS, Principal
from wenzeng.domain import labels
from wenzeng.domain.periods import Period, PeriodError, parse_period
from wenzeng.domain.plan import Target
from wenzeng.errors import ValidationFailed
from wenzeng.present.target_charts import display_value, goal_text, headline_figure, sparkline
from wenzeng.services.context import Context
from wenzeng.services.early_warning import list_warnings
from wenzeng.services.plan_in_force import plan_choices, plan_in_force, plan_state
from wenzeng.services.plans import plan_months, target_figures
from wenzeng.services.target_series import target_history
from wenzeng.services.tracking import assess_plan
from wenzeng.web.deps import CtxDep
from wenzeng.web.etag import cached_json
from wenzeng.web.pages.todo import reporter_due, staff_todo
from wenzeng.web.security import PrincipalDep
from wenzeng.web.templating import render

router = APIRouter(include_in_schema=False)


def _sparklines(ctx: Context, t: Target, up_to: Period | None) -> dict[str, Any]:
    """The target's small chart for a Chinese and for an English page, from one reading."""
    history = target_history(ctx, t, up_to)
    return {"zh": sparkline(t, history), "en": sparkline(t, history, en=True)}


def asked_month(text: str | None) -> Period | None:
    """The month asked for in ``?period=`` (2025-09 or 2025年9月); None when none is."""
    if text is None or not text.strip():
        return None
    try:
        return parse_period(text, "month")
    except PeriodError as exc:
        raise ValidationFailed(
            f"参数 period 应为月份，如 2025-09：{exc.zh} / parameter period must be a month, "
            f"e.g. 2025-09: {exc.en}"
        ) from exc


def _period_choice(months: list[Period], chosen: Period) -> dict[str, Any]:
    """The month the overview shows and the months one may choose, newest first."""
    if chosen not in months:
        months = sorted({*months, chosen}, reverse=True)
    return {
        "code": chosen.code,
        "zh": chosen.label_zh,
        "en": chosen.label_en,
        "newest": chosen == months[0],
        "options": [{"code": m.code, "zh": m.label_zh, "en": m.label_en} for m in months],
    }


def overview_context(
    ctx: Context, plan_code: str | None, p: Principal = ANONYMOUS, period: str | None = None
) -> dict[str, Any]:
    today = date.today()
    plan = plan_in_force(ctx, plan_code, today)
    state = plan_state(plan, today)
    months = plan_months(ctx, plan, today)
    up_to = asked_month(period) or months[0]
    # the newest month (or a later one) is the plan as it stands: everything known counts,
    # the figures of other indicators it is judged on and warnings on newer figures too
    limit = up_to if up_to < months[0] else None
    assessed = {a.target.code: a for a in assess_plan(ctx, plan, up_to=limit)}
    cards = []
    for fig in target_figures(ctx, plan, limit):
        t = fig.target
        rec = fig.shown
        card = fig.as_dict()
        card["goal_text"] = goal_text(t)
        card["goal_text_en"] = goal_text(t, en=True)
        card["display"] = display_value(rec, t.unit) if rec else None
        card["has_exact"] = fig.exact is not None
        card["scope_note"] = t.scope_note.model_dump() if t.scope_note else None
        a = assessed[t.code]
        card["assessment"] = {
            "status": a.status.value,
            "status_zh": a.status.zh,
            "status_en": a.status.en,
            "figure": a.figure,
            "figure_text": headline_figure(t, a.figure),
            "figure_kind": a.figure_kind.value,
            "figure_note_zh": a.figure_note_zh,
            "figure_note_en": a.figure_note_en,
            "rule_zh": a.rule_zh,
            "rule_en": a.rule_en,
            "probability": a.projection.probability if a.projection else None,
        }
        small = ctx.memo(
            ("sparkline", plan.code, t.code, limit.code if limit else None),
            partial(_sparklines, ctx, t, limit),
        )
        card["sparkline"], card["sparkline_en"] = small["zh"], small["en"]
        cards.append(card)
    return {
        "plan": {
            "code": plan.code,
            "title": plan.title.model_dump(),
            "document_number": plan.document_number,
            "period": [plan.period.start, plan.period.end],
            "issued": plan.issued.isoformat(),
            "state": state.value,
            "state_zh": state.zh,
            "state_en": state.en,
        },
        "plans": [c.as_dict() for c in plan_choices(ctx, today)],
        "period": _period_choice(months, up_to),
        "nothing": not any(c["shown"] or c["assessment"]["figure"] is not None for c in cards),
        "targets": cards,
        **_warnings(ctx, p, limit),
        "todo": _todo(ctx, p),
    }


def _about_up_to(w: dict[str, Any], up_to: Period) -> bool:
    """Whether a warning is about figures of a period that ends by the end of ``up_to``."""
    try:
        return parse_period(str(w["period"])).end <= up_to.end
    except PeriodError:
        return True  # a period that cannot be read is never hidden


def _warnings(ctx: Context, p: Principal, up_to: Period | None) -> dict[str, Any]:
    """The newest open warnings (about figures up to ``up_to``, when given), and how many
    there are of each severity, in its words."""
    if not policy.may_see_warnings(p):
        return {"warnings": [], "warning_counts": []}
    found = [
        w
        for w in list_warnings(ctx, p, status="new", limit=100_000)
        if up_to is None or _about_up_to(w, up_to)
    ]
    counts = []
    for code, (zh, en) in labels.WARNING_SEVERITY.items():
        n = sum(1 for w in found if w["severity"] == code)
        counts.append({"severity": code, "zh": zh, "en": en, "count": n})
    newest = []
    for w in found[:4]:
        sz, se = labels.pair(labels.WARNING_SEVERITY, w["severity"])
        kz, ke = labels.pair(labels.WARNING_CLASS, w["klass"])
        newest.append({**w, "severity_zh": sz, "severity_en": se, "klass_zh": kz, "klass_en": ke})
    return {"warnings": newest, "warning_counts": counts, "warning_total": len(found)}


def _todo(ctx: Context, p: Principal) -> dict[str, Any]:
    """The day's to-dos of the user who is logged in: nothing for a visitor."""
    if not p.authenticated:
        return {}
    due = [r for r in reporter_due(ctx, p) if not r["done"]]
    return {"due": due, **staff_todo(ctx, p)}


FAVICON = Path(__file__).parents[1] / "static" / "favicon.svg"


@router.get("/favicon.ico")
def favicon() -> Response:
    """The site's icon where browsers look for it first (an SVG: every current browser
    draws it)."""
    return FileResponse(
        FAVICON, media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"}
    )


@router.get("/", response_class=HTMLResponse)
def overview(
    request: Request,
    ctx: CtxDep,
    p: PrincipalDep,
    plan: str | None = None,
    period: str | None = None,
) -> Response:
    d = overview_context(ctx, plan, p, period)
    return render(request, "overview.html", d=d, charts=True)


@router.get("/index.json")
def overview_json(
    request: Request,
    ctx: CtxDep,
    p: PrincipalDep,
    plan: str | None = None,
    period: str | None = None,
) -> Response:
    return cached_json(request, ctx, p, lambda: overview_context(ctx, plan, p, period))
