"""The plans and the user's catalogue (计划与目录): every stored plan with its state (执行中,
已结束, 已归档, 不可用 with the reason), the catalogue entries users loaded with their file,
and the forms that cannot be used.  For department staff; its JSON twin is ``/catalog.json``,
and the plans table is also ``/catalog.csv`` and ``/catalog.xlsx``.  Administrators archive
and remove here too, refused with the reason as on the command line and in the API
(``/api/v1/plans``, ``/api/v1/catalog/entries``) while something depends on what they remove,
unless they force it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from wenzeng.auth import policy
from wenzeng.auth.principal import Principal
from wenzeng.errors import WenzengError
from wenzeng.services import catalog_admin
from wenzeng.services.context import Context
from wenzeng.web.deps import CtxDep
from wenzeng.web.pages.formats import page_format, respond
from wenzeng.web.security import UserDep
from wenzeng.web.templating import render

router = APIRouter(include_in_schema=False)

PLAN_COLUMNS = [
    ("code", "代码 code"),
    ("title_zh", "名称 title"),
    ("period", "期间 period"),
    ("state_zh", "状态 state"),
    ("problem_zh", "原因 reason"),
    ("origin", "来源 origin"),
]


DONE = {
    "archived": ("计划已归档", "The plan is archived"),
    "unarchived": ("计划已取消归档", "The plan is out of the archive"),
    "removed": ("已删除", "Removed"),
}


def catalog_context(
    ctx: Context, p: Principal, *, done: str | None = None, message: str | None = None
) -> dict[str, Any]:
    plans = catalog_admin.list_plans(ctx, p)  # asks the policy: staff only
    for row in plans:
        start, end = row["period_start"], row["period_end"]
        row["period"] = f"{start}—{end}" if start else ""
    return {
        "plans": plans,
        "entries": catalog_admin.list_entries(ctx, p),
        "unusable_forms": catalog_admin.unusable_form_rows(ctx, p),
        "admin": policy.may_administer_catalog(p),
        "notice": DONE.get(done or ""),
        "message": message,
        "table": plans,
        "columns": PLAN_COLUMNS,
    }


@router.get("/catalog", response_class=HTMLResponse)
@router.get("/catalog.{fmt}")
def catalog_page(request: Request, ctx: CtxDep, p: UserDep, done: str | None = None) -> Response:
    fmt = page_format(request, "catalog")
    return respond(request, "catalog.html", catalog_context(ctx, p, done=done), fmt, "catalog")


async def _act(request: Request, ctx: Context, p: Principal, action: Any, done: str) -> Response:
    """Carry out an administrator's action; a refusal is shown on the page with its reason."""
    force = (await request.form()).get("force") == "1"
    try:
        await run_in_threadpool(action, force)
    except WenzengError as exc:
        context = await run_in_threadpool(catalog_context, ctx, p, message=exc.message)
        return render(request, "catalog.html", status_code=exc.status, **context)
    return RedirectResponse(f"/catalog?done={done}", status_code=303)


@router.post("/catalog/plans/{code}/archive")
async def catalog_plan_archive(request: Request, ctx: CtxDep, p: UserDep, code: str) -> Response:
    return await _act(
        request, ctx, p, lambda _f: catalog_admin.archive_plan(ctx, p, code, archived=True),
        "archived",
    )  # fmt: skip


@router.post("/catalog/plans/{code}/unarchive")
async def catalog_plan_unarchive(request: Request, ctx: CtxDep, p: UserDep, code: str) -> Response:
    return await _act(
        request, ctx, p, lambda _f: catalog_admin.archive_plan(ctx, p, code, archived=False),
        "unarchived",
    )  # fmt: skip


@router.post("/catalog/plans/{code}/remove")
async def catalog_plan_remove(request: Request, ctx: CtxDep, p: UserDep, code: str) -> Response:
    return await _act(
        request, ctx, p, lambda f: catalog_admin.remove_plan(ctx, p, code, force=f), "removed"
    )


@router.post("/catalog/entries/{kind}/{code}/remove")
async def catalog_entry_remove(
    request: Request, ctx: CtxDep, p: UserDep, kind: str, code: str
) -> Response:
    return await _act(
        request, ctx, p, lambda f: catalog_admin.remove_entry(ctx, p, kind, code, force=f),
        "removed",
    )  # fmt: skip
