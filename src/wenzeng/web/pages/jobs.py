"""A job's page (任务): how far an upload, a report or an analysis run has got, its result or
its errors (an upload's validation report, by file, row and column), and who started it.

While the job runs the page reloads itself every two seconds (a ``<meta http-equiv=refresh>``,
no script); its JSON twin is ``GET /api/v1/jobs/{id}``.  Only the job's starter and department
staff see it (the service asks the policy)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from wenzeng.services import jobs
from wenzeng.services.context import Context
from wenzeng.web.deps import CtxDep
from wenzeng.web.pages.submission_words import code_names
from wenzeng.web.security import UserDep
from wenzeng.web.templating import render

router = APIRouter(include_in_schema=False)


def _where(loc: list[Any]) -> dict[str, Any]:
    """An error's ``loc`` (["file", f, "row", 12, "column", c]) as a mapping."""
    pairs = zip(loc[::2], loc[1::2], strict=False)
    return {str(k): v for k, v in pairs if isinstance(k, str)}


def _named(ctx: Context, s: dict[str, Any]) -> dict[str, Any]:
    """A stored submission of an upload with the names a person reads."""
    return {**s, **code_names(ctx, s["form"], s["reporter"], s["period"], s["status"])}


def job_context(job: dict[str, Any], ctx: Context | None = None) -> dict[str, Any]:
    errors = [{**e, "where": _where(e.get("loc", []))} for e in job["errors"]]
    result = job["result"] if job["status"] == "done" else None
    warnings = [
        {**w, "where": _where(w.get("loc", []))} for w in (result or {}).get("warnings", [])
    ]
    if result and ctx is not None and "submissions" in result:
        result = {**result, "submissions": [_named(ctx, x) for x in result["submissions"]]}
    percent = None
    if job["total"]:
        percent = min(100, round(100 * job["done"] / job["total"]))
    return {
        "job": job,
        "errors": errors,
        "result": result,
        "warnings": warnings,
        "percent": percent,
        "refresh": not job["finished"],
    }


@router.get("/jobs/{job_id}", response_class=HTMLResponse, name="job_page")
def job_page(request: Request, ctx: CtxDep, p: UserDep, job_id: int) -> Response:
    job = jobs.get_job(ctx, p, job_id)
    return render(request, "job.html", **job_context(job, ctx))
