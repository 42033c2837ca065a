"""Reporting (填报): the forms an organisation owes, the entry form with its checks, and
uploads of filled-in templates with their validation report."""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from wenzeng.auth import policy
from wenzeng.auth.principal import Principal
from wenzeng.domain.periods import Period
from wenzeng.domain.submissions import Status
from wenzeng.errors import ValidationFailed, WenzengError
from wenzeng.services import form_files, jobs
from wenzeng.services import submissions as subs
from wenzeng.services.context import Context
from wenzeng.services.forms import LoadedForm, get_form
from wenzeng.web.deps import CtxDep
from wenzeng.web.pages.fields import parse_version
from wenzeng.web.pages.formats import page_format, respond
from wenzeng.web.pages.submission_words import submission_row
from wenzeng.web.pages.todo import my_forms, reporter_due
from wenzeng.web.security import UserDep
from wenzeng.web.templating import render

router = APIRouter(include_in_schema=False)

SUBMISSION_COLUMNS = [
    ("id", "编号 ID"),
    ("form_zh", "报表 Form"),
    ("reporter_zh", "单位 Reporter"),
    ("period_zh", "报告期 Period"),
    ("status_zh", "状态 Status"),
    ("form", "报表代码 Form code"),
    ("reporter", "单位代码 Reporter code"),
    ("period", "报告期代码 Period code"),
    ("status", "状态代码 Status code"),
    ("revision", "版次 Revision"),
    ("version", "版本 Version"),
    ("submitted_at", "报送时间 Submitted"),
    ("updated_at", "更新时间 Updated"),
]


@router.get("/report", response_class=HTMLResponse)
@router.get("/report.{fmt}")
def report_index(request: Request, ctx: CtxDep, p: UserDep) -> Response:
    fmt = page_format(request, "report")
    mine = [submission_row(ctx, s) for s in subs.list_submissions(ctx, p, limit=200)]
    context = {
        "due": reporter_due(ctx, p),
        "submissions": mine,
        "columns": SUBMISSION_COLUMNS,
        "table": mine,
    }
    return respond(request, "report_index.html", context, fmt, "submissions")


def _entry_context(
    ctx: Context,
    reporter: str,
    form: LoadedForm,
    period: Period,
    values: dict[str, Any] | None = None,
    problems: list[dict[str, Any]] | None = None,
    explanations: dict[str, str] | None = None,
    message: str | None = None,
) -> dict[str, Any]:
    with ctx.reading() as conn:
        sub = subs.current(conn, form, reporter, period)
    if values is None:
        values = dict(sub.values) if sub else {}
        problems = list(sub.problems) if sub else []
        explanations = dict(sub.explanations) if sub else {}
    by_field: dict[str, list[dict[str, Any]]] = {}
    for pr in problems or []:
        by_field.setdefault(pr.get("field") or "", []).append(pr)
    editable = sub is None or sub.status in (Status.DRAFT, Status.RETURNED)
    return {
        "form": form,
        "period": period,
        "sub": sub,
        "values": values,
        "problems": problems or [],
        "by_field": by_field,
        "explanations": explanations or {},
        "editable": editable,
        "message": message,
        "check_failed": False,
        "entity": ctx.catalogue.find_entity(reporter),
    }


@router.get("/report/{form_code}/{period}", response_class=HTMLResponse)
def report_form(request: Request, ctx: CtxDep, p: UserDep, form_code: str, period: str) -> Response:
    form = get_form(ctx, form_code)
    reporter = policy.require_reporter(p)
    policy.require_reporter_for(p, reporter, form.form.reporter, ctx.catalogue)
    per = subs.form_period(form, period)
    return render(request, "report_form.html", **_entry_context(ctx, reporter, form, per))


def _posted_values(form: LoadedForm, data: FormData) -> tuple[dict[str, Any], dict[str, str]]:
    values = {f.code: str(data.get(f"f_{f.code}") or "").strip() for f in form.fields}
    notes = {
        k[2:]: str(v).strip() for k, v in data.items() if k.startswith("x_") and str(v).strip()
    }
    return {k: v for k, v in values.items() if v}, notes


@router.post("/report/{form_code}/{period}", response_class=HTMLResponse)
async def report_save(
    request: Request, ctx: CtxDep, p: UserDep, form_code: str, period: str
) -> Response:
    form = get_form(ctx, form_code)
    reporter = policy.require_reporter(p)
    per = subs.form_period(form, period)
    data = await request.form()
    values, notes = _posted_values(form, data)
    version = parse_version(str(data.get("version") or ""))
    action = str(data.get("action") or "save")
    try:
        s = subs.save(
            ctx,
            p,
            form_code=form.code,
            reporter=reporter,
            period=per.code,
            values=values,
            explanations=notes,
            version=version,
            channel="web",
        )
        if action == "submit":
            s = subs.submit(ctx, p, s.id, version=s.version, explanations=notes)
            return RedirectResponse(f"/submissions/{s.id}?done=submitted", status_code=303)
    except ValidationFailed as exc:
        sub_ctx = _entry_context(ctx, reporter, form, per)
        return render(
            request,
            "report_form.html",
            status_code=422,
            **{**sub_ctx, "message": exc.message, "explanations": notes, "check_failed": True},
        )
    except WenzengError as exc:
        return render(
            request,
            "report_form.html",
            status_code=exc.status,
            **_entry_context(
                ctx, reporter, form, per, values=values, explanations=notes, message=exc.message
            ),
        )
    return RedirectResponse(f"/report/{form.code}/{per.code}?saved=1", status_code=303)


def _upload_page(
    request: Request,
    ctx: Context,
    p: Principal,
    chosen: str | None = None,
    *,
    status_code: int = 200,
    **shown: Any,
) -> Response:
    """The upload page: the form to upload with, and what came of the last upload or preview."""
    values = {"result": None, "issues": None, "message": None, "preview": None} | shown
    return render(
        request,
        "upload.html",
        status_code=status_code,
        forms=my_forms(ctx, p),
        chosen=chosen,
        **values,
    )


@router.get("/report/upload", response_class=HTMLResponse, name="upload_page")
def upload_page(request: Request, ctx: CtxDep, p: UserDep) -> Response:
    return _upload_page(request, ctx, p)


@router.post("/report/upload", response_class=HTMLResponse)
async def upload_post(
    request: Request,
    ctx: CtxDep,
    p: UserDep,
    form: Annotated[str, Form()],
    file: Annotated[UploadFile, File()],
    submit: Annotated[bool, Form()] = False,
    preview: Annotated[bool, Form()] = False,
) -> Response:
    """The upload becomes a job; its page shows the progress, then the stored submissions
    or the validation report.  A preview reads and checks the file here and writes nothing."""
    data = await file.read()
    name = PurePath(file.filename or "upload.csv").name
    try:
        if preview:
            found = await run_in_threadpool(form_files.preview, ctx, p, form, Path(name), data)
            return _upload_page(
                request, ctx, p, form, preview=found, issues=found.errors + found.warnings
            )
        params = {"form": form, "filename": file.filename or "upload.csv", "submit": submit}
        job, _ = await run_in_threadpool(jobs.start, ctx, p, "upload", params, data)
    except WenzengError as exc:
        return _upload_page(
            request, ctx, p, form, status_code=exc.status, issues=exc.issues, message=exc.message
        )
    return RedirectResponse(job["url"], status_code=303)
