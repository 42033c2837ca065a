"""A submission with its history, and review (审核): the queue of submissions waiting for
department staff, who accept them or return them with reasons."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from wenzeng.auth import policy
from wenzeng.domain.submissions import Status
from wenzeng.services import submissions as subs
from wenzeng.services.forms import all_forms, get_form
from wenzeng.web.deps import CtxDep
from wenzeng.web.pages.fields import parse_version
from wenzeng.web.pages.formats import ONE_THING, item_format, page_format, respond
from wenzeng.web.pages.reporting import SUBMISSION_COLUMNS
from wenzeng.web.security import UserDep

router = APIRouter(include_in_schema=False)


@router.get("/submissions/{name}", response_class=HTMLResponse)
def submission_page(request: Request, ctx: CtxDep, p: UserDep, name: str) -> Response:
    stem, fmt = item_format(
        name, f"没有这个报送 / no such submission: {name}", formats=ONE_THING, numeric=True
    )
    sid = int(stem)
    s = subs.get_submission(ctx, p, sid)
    context = {
        "s": s,
        "form": get_form(ctx, s.form),
        "trail": subs.audit_trail(ctx, p, sid),
        "reporter": ctx.catalogue.find_entity(s.reporter),
    }
    return respond(request, "submission.html", context, fmt, f"submission_{sid}")


@router.get("/review", response_class=HTMLResponse)
@router.get("/review.{fmt}")
def review_queue(request: Request, ctx: CtxDep, p: UserDep, form: str | None = None) -> Response:
    fmt = page_format(request, "review")
    policy.require_staff(p)
    waiting = subs.list_submissions(ctx, p, status=Status.SUBMITTED.value, form=form)
    context = {
        "waiting": waiting,
        "forms": all_forms(ctx),
        "columns": SUBMISSION_COLUMNS,
        "table": [s.as_dict() for s in waiting],
    }
    return respond(request, "review.html", context, fmt, "review")


@router.post("/review/{sid}")
async def review_action(request: Request, ctx: CtxDep, p: UserDep, sid: int) -> Response:
    data = await request.form()
    version = parse_version(str(data.get("version") or "")) or 0
    if data.get("action") == "accept":
        subs.accept(ctx, p, sid, version=version)
    else:
        subs.return_(ctx, p, sid, version=version, reason=str(data.get("reason") or ""))
    return RedirectResponse("/review", status_code=303)
