"""The JSON API under /api/v1: forms, submissions, uploads, the tracker, observations, reports.

Routes are thin: they parse, call a service with the caller's principal, and
shape the answer.  Services decide who may do what (``wenzeng.auth.policy``).
"""

from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from wenzeng.auth import policy
from wenzeng.errors import NotFound
from wenzeng.services import reports
from wenzeng.services import submissions as subs
from wenzeng.services import tracker as tracking
from wenzeng.services.early_warning import (
    get_warning,
    latest_run,
    list_warnings,
    run_analysis,
    set_warning_status,
)
from wenzeng.services.form_files import template_csv, template_xlsx, upload
from wenzeng.services.forms import all_forms, get_form
from wenzeng.services.plans import get_plan
from wenzeng.services.series import SeriesQuery
from wenzeng.services.series import observations as query_observations
from wenzeng.services.tracking import assess_plan
from wenzeng.web.deps import CtxDep
from wenzeng.web.json_body import StrictJsonRoute
from wenzeng.web.pages_reports import file_response
from wenzeng.web.security import PrincipalDep, UserDep

router = APIRouter(prefix="/api/v1", route_class=StrictJsonRoute)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class SubmissionIn(_In):
    form: str
    reporter: str
    period: str = Field(description="e.g. 2025-10 or 2025年10月")
    values: dict[str, Any] = Field(default_factory=dict)
    explanations: dict[str, str] = Field(default_factory=dict)


class SubmissionPatch(_In):
    version: int
    values: dict[str, Any]
    explanations: dict[str, str] = Field(default_factory=dict)


class VersionIn(_In):
    version: int


class SubmitIn(_In):
    version: int
    explanations: dict[str, str] = Field(default_factory=dict)


class ReturnIn(_In):
    version: int
    reason: str = Field(min_length=1)


def _sub(s: subs.Submission) -> dict[str, Any]:
    return {"ok": True, "submission": s.as_dict()}


@router.get("/me", summary="The caller")
def me(p: UserDep) -> dict[str, Any]:
    return {
        "ok": True,
        "username": p.username,
        "role": p.role.value,
        "entity": p.entity,
        "display_name": p.display_name,
    }


# -- forms ---------------------------------------------------------------------------------------
@router.get("/forms", summary="Report forms")
def forms(ctx: CtxDep, p: UserDep) -> dict[str, Any]:
    return {
        "ok": True,
        "forms": [
            {
                "code": f.code,
                "title": f.form.title.model_dump(),
                "reporter": f.form.reporter.value,
                "frequency": f.form.frequency,
                "period_type": f.form.period_type.value,
                "due": f.form.due.model_dump(exclude_none=True),
                "fields": len(f.fields),
                "rules": len(f.form.rules),
            }
            for f in all_forms(ctx).values()
        ],
    }


@router.get("/forms/{code}", summary="One report form with its fields and rules")
def form_detail(ctx: CtxDep, p: UserDep, code: str) -> dict[str, Any]:
    f = get_form(ctx, code)
    data = f.form.model_dump(mode="json", by_alias=True, exclude={"fields"})
    data["fields"] = [x.model_dump(mode="json") for x in f.fields]
    return {"ok": True, "form": data}


@router.get("/forms/{code}/template.csv", summary="CSV template of a form")
def form_template_csv(ctx: CtxDep, p: UserDep, code: str) -> Response:
    body = template_csv(get_form(ctx, code))
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{code}.csv"'},
    )


@router.get("/forms/{code}/template.xlsx", summary="Excel template of a form")
def form_template_xlsx(ctx: CtxDep, p: UserDep, code: str) -> Response:
    body = template_xlsx(get_form(ctx, code))
    return Response(
        body,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{code}.xlsx"'},
    )


@router.post("/forms/{code}/upload", summary="Upload a filled-in form (CSV or Excel)")
async def form_upload(
    ctx: CtxDep,
    p: UserDep,
    code: str,
    file: Annotated[UploadFile, File()],
    submit: Annotated[bool, Form()] = False,
) -> dict[str, Any]:
    data = await file.read()
    result = upload(ctx, p, code, Path(file.filename or "upload.csv"), data, submit=submit)
    return result.as_dict()


# -- submissions ---------------------------------------------------------------------------------
@router.get("/submissions", summary="Submissions the caller may see")
def submissions_list(
    ctx: CtxDep,
    p: UserDep,
    form: str | None = None,
    period: str | None = None,
    status: str | None = None,
    reporter: str | None = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> dict[str, Any]:
    rows = subs.list_submissions(
        ctx, p, form=form, period=period, status=status, reporter=reporter, limit=limit
    )
    return {"ok": True, "count": len(rows), "submissions": [s.as_dict() for s in rows]}


@router.post("/submissions", status_code=201, summary="Create a draft (or change it, with version)")
def submissions_create(
    ctx: CtxDep, p: UserDep, body: SubmissionIn, version: int | None = None
) -> dict[str, Any]:
    s = subs.save(
        ctx,
        p,
        form_code=body.form,
        reporter=body.reporter,
        period=body.period,
        values=body.values,
        explanations=body.explanations,
        version=version,
        channel="api",
    )
    return _sub(s)


@router.post("/submissions/check", summary="Check values without saving them")
def submissions_check(ctx: CtxDep, p: UserDep, body: SubmissionIn) -> dict[str, Any]:
    result = subs.preview(
        ctx, p, body.form, body.reporter, body.period, body.values, body.explanations
    )
    return {
        "ok": True,
        "can_submit": result.can_submit,
        "values": result.values,
        "problems": [pr.as_dict() for pr in result.problems],
    }


@router.get("/submissions/{sid}", summary="One submission")
def submissions_get(ctx: CtxDep, p: UserDep, sid: int) -> dict[str, Any]:
    return _sub(subs.get_submission(ctx, p, sid))


@router.put("/submissions/{sid}", summary="Change a draft or returned submission")
def submissions_update(ctx: CtxDep, p: UserDep, sid: int, body: SubmissionPatch) -> dict[str, Any]:
    s = subs.get_submission(ctx, p, sid)
    s = subs.save(
        ctx,
        p,
        form_code=s.form,
        reporter=s.reporter,
        period=s.period,
        values=body.values,
        explanations=body.explanations,
        version=body.version,
        channel="api",
    )
    return _sub(s)


@router.post("/submissions/{sid}/submit", summary="Submit for review")
def submissions_submit(ctx: CtxDep, p: UserDep, sid: int, body: SubmitIn) -> dict[str, Any]:
    subs.get_submission(ctx, p, sid)
    return _sub(subs.submit(ctx, p, sid, version=body.version, explanations=body.explanations))


@router.post("/submissions/{sid}/accept", summary="Accept (department staff)")
def submissions_accept(ctx: CtxDep, p: UserDep, sid: int, body: VersionIn) -> dict[str, Any]:
    return _sub(subs.accept(ctx, p, sid, version=body.version))


@router.post("/submissions/{sid}/return", summary="Return with reasons (department staff)")
def submissions_return(ctx: CtxDep, p: UserDep, sid: int, body: ReturnIn) -> dict[str, Any]:
    return _sub(subs.return_(ctx, p, sid, version=body.version, reason=body.reason))


@router.post("/submissions/{sid}/revise", summary="Reopen an accepted submission for correction")
def submissions_revise(ctx: CtxDep, p: UserDep, sid: int, body: VersionIn) -> dict[str, Any]:
    subs.get_submission(ctx, p, sid)
    return _sub(subs.revise(ctx, p, sid, version=body.version))


@router.get("/submissions/{sid}/audit", summary="The audit trail of a submission")
def submissions_audit(ctx: CtxDep, p: UserDep, sid: int) -> dict[str, Any]:
    return {"ok": True, "entries": subs.audit_trail(ctx, p, sid)}


# -- tracker -------------------------------------------------------------------------------------
@router.get("/tracker/{form}/{period}", summary="Who has reported, who is late (staff)")
def tracker_get(ctx: CtxDep, p: UserDep, form: str, period: str) -> dict[str, Any]:
    return {"ok": True, **tracking.tracker(ctx, p, form, period).as_dict()}


@router.post("/tracker/{form}/{period}/remind", summary="Queue reminders to late reporters")
def tracker_remind(ctx: CtxDep, p: UserDep, form: str, period: str) -> dict[str, Any]:
    return {"ok": True, "queued": tracking.queue_reminders(ctx, p, form, period)}


# -- observations --------------------------------------------------------------------------------
@router.get("/observations", summary="Observations of one indicator and entity")
def observations(
    ctx: CtxDep,
    p: PrincipalDep,
    indicator: str,
    entity: str = "CN",
    measure: str | None = None,
    period_type: str | None = None,
    period: str | None = None,
    as_of: date | None = None,
    vintages: bool = False,
) -> dict[str, Any]:
    rows = query_observations(
        ctx,
        SeriesQuery(
            indicator=indicator,
            entity=entity,
            measure=measure,
            period_type=period_type,
            period=period,
            as_of=as_of,
            all_vintages=vintages,
        ),
    )
    cat = ctx.catalogue
    visible = [r for r in rows if policy.may_see_record(p, r.entity, r.source_kind, cat)]
    return {"ok": True, "count": len(visible), "observations": [r.as_dict() for r in visible]}


# -- analysis: targets, signals, warnings --------------------------------------------------------
class AnalysisIn(_In):
    as_of: date | None = None


class WarningStatusIn(_In):
    note: str | None = None


@router.post("/analysis", summary="Run the analysis as of a date and keep it (staff)")
def analysis_run(ctx: CtxDep, p: UserDep, body: AnalysisIn) -> dict[str, Any]:
    policy.require_staff(p)
    return {"ok": True, **run_analysis(ctx, body.as_of).summary()}


@router.get("/targets", summary="Target tracking: each target's status, figure, evidence")
def targets(
    ctx: CtxDep, p: PrincipalDep, plan: str | None = None, as_of: date | None = None
) -> dict[str, Any]:
    """Computed on request from the store as of ``as_of`` (default today); published data only."""
    chosen = get_plan(ctx, plan)
    items = assess_plan(ctx, chosen, as_of)
    return {
        "ok": True,
        "plan": chosen.code,
        "as_of": (as_of or date.today()).isoformat(),
        "targets": [a.as_dict() for a in items],
    }


@router.get("/targets/{code}", summary="One target's assessment")
def target_detail(
    ctx: CtxDep, p: PrincipalDep, code: str, plan: str | None = None, as_of: date | None = None
) -> dict[str, Any]:
    chosen = get_plan(ctx, plan)
    for a in assess_plan(ctx, chosen, as_of):
        if a.target.code == code:
            return {"ok": True, "target": a.as_dict()}
    raise NotFound(
        f"计划 {chosen.code} 没有目标 {code!r} / plan {chosen.code} has no target {code!r}"
    )


@router.get("/signals", summary="Signal lights, composite and diffusion indexes (latest run)")
def signals(ctx: CtxDep, p: PrincipalDep) -> dict[str, Any]:
    latest = latest_run(ctx)
    return {"ok": True, "run": latest}


@router.get("/warnings", summary="Warnings the caller may see")
def warnings_list(
    ctx: CtxDep,
    p: UserDep,
    klass: str | None = None,
    severity: str | None = None,
    status: str | None = None,
    entity: str | None = None,
    indicator: str | None = None,
) -> dict[str, Any]:
    rows = list_warnings(
        ctx, p, klass=klass, severity=severity, status=status, entity=entity, indicator=indicator
    )
    return {"ok": True, "count": len(rows), "warnings": rows}


@router.get("/warnings/{wid}", summary="One warning with its evidence")
def warnings_get(ctx: CtxDep, p: UserDep, wid: int) -> dict[str, Any]:
    return {"ok": True, "warning": get_warning(ctx, p, wid)}


@router.post("/warnings/{wid}/acknowledge", summary="Acknowledge a warning (staff)")
def warnings_ack(ctx: CtxDep, p: UserDep, wid: int, body: WarningStatusIn) -> dict[str, Any]:
    return {"ok": True, "warning": set_warning_status(ctx, p, wid, "acknowledged", body.note)}


@router.post("/warnings/{wid}/close", summary="Close a warning with a note (staff)")
def warnings_close(ctx: CtxDep, p: UserDep, wid: int, body: WarningStatusIn) -> dict[str, Any]:
    return {"ok": True, "warning": set_warning_status(ctx, p, wid, "closed", body.note)}


# -- reports -------------------------------------------------------------------------------------
class ReportIn(_In):
    kind: str = Field(description="quarterly | meeting | annual")
    period: str = Field(description="e.g. 2024Q3 or 2024-Q3 (quarterly, meeting), 2024 (annual)")
    lang: str = Field(default="zh", description="zh | en")
    as_of: date | None = Field(default=None, description="the data as known on this day (today)")
    formats: list[str] = Field(default_factory=lambda: list(reports.FORMATS), min_length=1)


@router.get("/reports", summary="Reports: published ones, and drafts for staff")
def reports_list(ctx: CtxDep, p: PrincipalDep) -> dict[str, Any]:
    rows = reports.list_reports(ctx, p)
    return {"ok": True, "count": len(rows), "reports": rows}


@router.post("/reports", status_code=201, summary="Generate and keep a report, unpublished (staff)")
def reports_create(ctx: CtxDep, p: UserDep, body: ReportIn) -> dict[str, Any]:
    """Takes several seconds (3–20, by the formats asked); runs in the server's worker threads."""
    g = reports.generate(
        ctx, p, body.kind, body.period, formats=body.formats, lang=body.lang, as_of=body.as_of
    )
    assert g.report_id is not None
    return {"ok": True, "report": reports.get_report(ctx, p, g.report_id)}


@router.get("/reports/{rid}/file.{fmt}", summary="A report's file: html, pdf or docx")
def reports_file(ctx: CtxDep, p: PrincipalDep, rid: int, fmt: str) -> Response:
    if fmt not in reports.FORMATS:
        raise NotFound(f"没有这种格式 / no such format: {fmt!r}")
    meta, body = reports.get_file(ctx, p, rid, fmt)
    return file_response(meta, body, fmt)


@router.post("/reports/{rid}/publish", summary="Publish a report: the public can see it (staff)")
def reports_publish(ctx: CtxDep, p: UserDep, rid: int) -> dict[str, Any]:
    reports.set_published(ctx, p, rid, True)
    return {"ok": True, "report": reports.get_report(ctx, p, rid)}


@router.post("/reports/{rid}/withdraw", summary="Withdraw a published report (staff)")
def reports_withdraw(ctx: CtxDep, p: UserDep, rid: int) -> dict[str, Any]:
    reports.set_published(ctx, p, rid, False)
    return {"ok": True, "report": reports.get_report(ctx, p, rid)}


@router.delete("/reports/{rid}", summary="Delete an unpublished report (staff)")
def reports_delete(ctx: CtxDep, p: UserDep, rid: int) -> dict[str, Any]:
    reports.delete_report(ctx, p, rid)
    return {"ok": True, "deleted": rid}
