"""A submission with its history, and review (审核): the queue of submissions waiting for
department staff, who accept them or return them with reasons — from the queue or from the
submission's own page, where the figures stand beside those of the period before."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from wenzeng.auth import policy
from wenzeng.auth.principal import Principal
from wenzeng.domain.forms import FormField
from wenzeng.domain.submissions import Status
from wenzeng.services import submissions as subs
from wenzeng.services.context import Context
from wenzeng.services.forms import LoadedForm, all_forms, get_form
from wenzeng.web.deps import CtxDep
from wenzeng.web.pages.fields import parse_version
from wenzeng.web.pages.formats import ONE_THING, item_format, page_format, respond
from wenzeng.web.pages.reporting import SUBMISSION_COLUMNS
from wenzeng.web.pages.submission_words import (
    explanation_rows,
    readable_trail,
    submission_names,
    submission_row,
)
from wenzeng.web.security import UserDep
from wenzeng.web.templating import page_lang

router = APIRouter(include_in_schema=False)


def _previous(
    ctx: Context, p: Principal, form: LoadedForm, s: subs.Submission
) -> subs.Submission | None:
    """The same reporter's submission of the period before (accepted first, else one
    awaiting review), if any: a draft or a returned report is no figure to judge against."""
    prev = subs.form_period(form, s.period).previous()
    if prev is None:
        return None
    found = [
        x
        for x in subs.list_submissions(ctx, p, form=s.form, reporter=s.reporter, period=prev.code)
        if x.status in (Status.ACCEPTED, Status.SUBMITTED)
    ]
    found.sort(key=lambda x: x.status is not Status.ACCEPTED)
    return found[0] if found else None


def _shown(f: FormField, value: Any, en: bool) -> Any:
    """A choice as its label (进行中, not in_progress); other values as they are."""
    for c in f.choices or []:
        if value == c.code:
            return c.label.en if en else c.label.zh
    return value


def _comparison(
    form: LoadedForm, s: subs.Submission, before: subs.Submission | None, en: bool
) -> list[dict[str, Any]]:
    """Each filled-in number beside the period before, with the change in per cent."""
    rows = []
    for f in form.fields:
        now = s.values.get(f.code)
        if now is None:
            continue
        then = before.values.get(f.code) if before else None
        change = None
        if isinstance(now, int | float) and isinstance(then, int | float) and then:
            change = (now - then) / abs(then) * 100
        rows.append(
            {
                "field": f.code,
                "label_zh": f.label.zh,
                "label_en": f.label.en,
                "unit": f.unit or "",
                "now": _shown(f, now, en),
                "then": _shown(f, then, en),
                "change": change,
                "number": isinstance(now, int | float),
            }
        )
    return rows


@router.get("/submissions/{name}", response_class=HTMLResponse)
def submission_page(request: Request, ctx: CtxDep, p: UserDep, name: str) -> Response:
    stem, fmt = item_format(
        name, f"没有这个报送 / no such submission: {name}", formats=ONE_THING, numeric=True
    )
    sid = int(stem)
    s = subs.get_submission(ctx, p, sid)
    form = get_form(ctx, s.form)
    en = page_lang(request) == "en"
    before = _previous(ctx, p, form, s)
    context = {
        "s": s,
        "names": submission_names(ctx, s),
        "form": form,
        "trail": subs.audit_trail(ctx, p, sid),
        "history": readable_trail(subs.audit_trail(ctx, p, sid), form, en),
        "explained": explanation_rows(s.explanations, form, en),
        "reporter": ctx.catalogue.find_entity(s.reporter),
        "before": submission_row(ctx, before) if before else None,
        "comparison": _comparison(form, s, before, en),
        "may_review": policy.may_review_submissions(p) and s.status is Status.SUBMITTED,
    }
    return respond(request, "submission.html", context, fmt, f"submission_{sid}")


@router.get("/review", response_class=HTMLResponse)
@router.get("/review.{fmt}")
def review_queue(request: Request, ctx: CtxDep, p: UserDep, form: str | None = None) -> Response:
    fmt = page_format(request, "review")
    policy.require_staff(p)
    waiting = subs.list_submissions(ctx, p, status=Status.SUBMITTED.value, form=form)
    rows = [submission_row(ctx, s) for s in waiting]
    context = {
        "waiting": rows,
        "forms": all_forms(ctx),
        "columns": SUBMISSION_COLUMNS,
        "table": rows,
        "done": request.query_params.get("done"),
        "done_id": request.query_params.get("id"),
    }
    return respond(request, "review.html", context, fmt, "review")


@router.post("/review/{sid}")
async def review_action(request: Request, ctx: CtxDep, p: UserDep, sid: int) -> Response:
    data = await request.form()
    version = parse_version(str(data.get("version") or "")) or 0
    if data.get("action") == "accept":
        subs.accept(ctx, p, sid, version=version)
        done = "accepted"
    else:
        subs.return_(ctx, p, sid, version=version, reason=str(data.get("reason") or ""))
        done = "returned"
    back = "/review" if data.get("back") != "submission" else f"/submissions/{sid}"
    return RedirectResponse(f"{back}?{urlencode({'done': done, 'id': sid})}", status_code=303)
