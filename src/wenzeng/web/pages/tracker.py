"""Who has reported and who is late (报送进度), for department staff, with reminders."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from wenzeng.auth import policy
from wenzeng.auth.principal import Principal
from wenzeng.definitions.catalogue import Catalogue
from wenzeng.domain import labels
from wenzeng.domain.periods import Period, PeriodType
from wenzeng.errors import NotFound
from wenzeng.services import directory as d
from wenzeng.services import submissions as subs
from wenzeng.services import tracker as trk
from wenzeng.services.context import Context
from wenzeng.services.forms import all_forms, get_form
from wenzeng.web.deps import CtxDep
from wenzeng.web.pages.formats import page_format, respond
from wenzeng.web.pages.todo import default_period
from wenzeng.web.security import UserDep

router = APIRouter(include_in_schema=False)

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
        zh, en = labels.pair(labels.REPORTING_STATUS, r.status)
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
    fmt = page_format(request, "tracker")
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
