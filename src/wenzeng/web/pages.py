"""Server-rendered pages for people: overview, login, reporting (填报) and review (审核).

Each page calls the same services as the API; the services decide who may
do what.  Every page that shows data has a JSON twin where noted.
"""

import hmac
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from wenzeng.auth import policy
from wenzeng.auth.principal import Principal
from wenzeng.domain.periods import Period
from wenzeng.domain.submissions import Status
from wenzeng.errors import Forbidden, NotFound, ValidationFailed, WenzengError
from wenzeng.services import accounts
from wenzeng.services import submissions as subs
from wenzeng.services.form_files import upload as upload_file
from wenzeng.services.forms import LoadedForm, all_forms, get_form
from wenzeng.web.deps import CtxDep
from wenzeng.web.security import PrincipalDep, UserDep, csrf_token
from wenzeng.web.templating import render
from wenzeng.web.twins import respond, split_format
from wenzeng.web.views import overview_context

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, ctx: CtxDep, p: PrincipalDep, plan: str | None = None) -> Response:
    return render(request, "overview.html", d=overview_context(ctx, plan, p), charts=True)


@router.get("/index.json")
def overview_json(ctx: CtxDep, p: PrincipalDep, plan: str | None = None) -> dict[str, Any]:
    return {"ok": True, **overview_context(ctx, plan, p)}


# -- login ---------------------------------------------------------------------------------------
@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, p: PrincipalDep, next: str = "/report") -> Response:
    return render(request, "login.html", next=_safe_next(next), error=None)


def _safe_next(target: str) -> str:
    """Only paths on this site: never redirect a user elsewhere after login."""
    return target if target.startswith("/") and not target.startswith("//") else "/report"


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    ctx: CtxDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf_token_: Annotated[str, Form(alias="csrf_token")] = "",
    next: Annotated[str, Form()] = "/report",
) -> Response:
    expected = request.session.get("csrf", "")
    if not expected or not hmac.compare_digest(str(expected), csrf_token_):
        raise Forbidden("CSRF 校验失败，请刷新页面后重试 / CSRF check failed; reload the page")
    try:
        p = accounts.authenticate(ctx, username, password)
    except WenzengError as exc:
        return render(
            request, "login.html", status_code=exc.status, next=_safe_next(next), error=exc.message
        )
    request.session.clear()
    request.session["uid"] = p.user_id
    csrf_token(request)  # a fresh token for the new session
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, p: UserDep) -> Response:
    request.session.clear()
    return RedirectResponse("/", status_code=303)


# -- reporting -----------------------------------------------------------------------------------
def _my_forms(ctx: Any, p: Principal) -> list[LoadedForm]:
    if p.entity is None:
        return []
    e = ctx.catalogue.find_entity(p.entity)
    if e is None:
        return []
    return [f for f in all_forms(ctx).values() if e.kind in policy.REPORTER_KINDS[f.form.reporter]]


def default_period(form: LoadedForm, today: date | None = None) -> Period:
    """The period normally being reported now: last month, last quarter, or this year."""
    today = today or date.today()
    if form.form.period_type.value == "year":
        return Period.annual(today.year)
    if form.form.period_type.value == "quarter":
        q = (today.month - 1) // 3
        return Period.quarter(today.year, q) if q else Period.quarter(today.year - 1, 4)
    if today.month == 1:
        return Period.month(today.year - 1, 12)
    return Period.month(today.year, today.month - 1)


SUBMISSION_COLUMNS = [
    ("id", "编号 ID"),
    ("form", "报表 Form"),
    ("reporter", "单位 Reporter"),
    ("period", "报告期 Period"),
    ("status", "状态 Status"),
    ("revision", "版次 Revision"),
    ("version", "版本 Version"),
    ("submitted_at", "报送时间 Submitted"),
    ("updated_at", "更新时间 Updated"),
]


@router.get("/report", response_class=HTMLResponse)
@router.get("/report.{fmt}")
def report_index(request: Request, ctx: CtxDep, p: UserDep, fmt: str = "html") -> Response:
    forms = [{"form": f, "period": default_period(f)} for f in _my_forms(ctx, p)]
    mine = subs.list_submissions(ctx, p, limit=200)
    context = {
        "forms": forms,
        "submissions": mine,
        "columns": SUBMISSION_COLUMNS,
        "table": [s.as_dict() for s in mine],
    }
    return respond(request, "report_index.html", context, fmt, "submissions")


def _entry_context(
    ctx: Any,
    p: Principal,
    form: LoadedForm,
    period: Period,
    values: dict[str, Any] | None = None,
    problems: list[dict[str, Any]] | None = None,
    explanations: dict[str, str] | None = None,
    message: str | None = None,
) -> dict[str, Any]:
    assert p.entity is not None
    with ctx.reading() as conn:
        sub = subs.current(conn, form, p.entity, period)
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
        "entity": ctx.catalogue.find_entity(p.entity),
    }


@router.get("/report/{form_code}/{period}", response_class=HTMLResponse)
def report_form(request: Request, ctx: CtxDep, p: UserDep, form_code: str, period: str) -> Response:
    form = get_form(ctx, form_code)
    if p.entity is None:
        raise Forbidden("只有报送单位可以填报 / only reporting organisations fill in forms")
    policy.require_reporter_for(p, p.entity, form.form.reporter, ctx.catalogue)
    per = subs.form_period(form, period)
    return render(request, "report_form.html", **_entry_context(ctx, p, form, per))


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
    if p.entity is None:
        raise Forbidden("只有报送单位可以填报 / only reporting organisations fill in forms")
    per = subs.form_period(form, period)
    data = await request.form()
    values, notes = _posted_values(form, data)
    version_text = str(data.get("version") or "")
    version = int(version_text) if version_text.isdigit() else None
    action = str(data.get("action") or "save")
    try:
        s = subs.save(
            ctx,
            p,
            form_code=form.code,
            reporter=p.entity,
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
        sub_ctx = _entry_context(ctx, p, form, per)
        return render(
            request,
            "report_form.html",
            status_code=422,
            **{**sub_ctx, "message": exc.message, "explanations": notes},
        )
    except WenzengError as exc:
        return render(
            request,
            "report_form.html",
            status_code=exc.status,
            **_entry_context(
                ctx, p, form, per, values=values, explanations=notes, message=exc.message
            ),
        )
    return RedirectResponse(f"/report/{form.code}/{per.code}?saved=1", status_code=303)


@router.get("/report/upload", response_class=HTMLResponse, name="upload_page")
def upload_page(request: Request, ctx: CtxDep, p: UserDep) -> Response:
    return render(
        request,
        "upload.html",
        forms=_my_forms(ctx, p),
        result=None,
        issues=None,
        message=None,
        chosen=None,
    )


@router.post("/report/upload", response_class=HTMLResponse)
async def upload_post(
    request: Request,
    ctx: CtxDep,
    p: UserDep,
    form: Annotated[str, Form()],
    file: Annotated[UploadFile, File()],
    submit: Annotated[bool, Form()] = False,
) -> Response:
    data = await file.read()
    try:
        result = upload_file(ctx, p, form, Path(file.filename or "upload.csv"), data, submit=submit)
    except ValidationFailed as exc:
        return render(
            request,
            "upload.html",
            status_code=422,
            forms=_my_forms(ctx, p),
            result=None,
            issues=exc.issues,
            message=exc.message,
            chosen=form,
        )
    return render(
        request,
        "upload.html",
        forms=_my_forms(ctx, p),
        result=result,
        issues=result.warnings,
        message=None,
        chosen=form,
    )


# -- a submission, and review -----------------------------------------------------------------
@router.get("/submissions/{name}", response_class=HTMLResponse)
def submission_page(request: Request, ctx: CtxDep, p: UserDep, name: str) -> Response:
    stem, fmt = split_format(name)
    if not stem.isdigit() or fmt not in ("html", "json"):
        raise NotFound(f"没有这个报送 / no such submission: {name}")
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
def review_queue(
    request: Request, ctx: CtxDep, p: UserDep, form: str | None = None, fmt: str = "html"
) -> Response:
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
    version = int(str(data.get("version") or "0"))
    if data.get("action") == "accept":
        subs.accept(ctx, p, sid, version=version)
    else:
        subs.return_(ctx, p, sid, version=version, reason=str(data.get("reason") or ""))
    return RedirectResponse("/review", status_code=303)
