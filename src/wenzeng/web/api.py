"""The JSON API under /api/v1: forms, submissions, uploads, the tracker, observations, reports.

Routes are thin: they parse, call a service with the caller's principal, and
shape the answer in the documented body (``wenzeng.web.schemas``).  Who may do
what is decided in ``wenzeng.auth.policy``, by the services or, where a route
has no service to ask, by the route calling a policy function.
"""

import asyncio
import time
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from wenzeng.auth import policy
from wenzeng.errors import NotFound
from wenzeng.services import form_files, jobs, reports
from wenzeng.services import submissions as subs
from wenzeng.services import tracker as tracking
from wenzeng.services.early_warning import (
    get_warning,
    latest_run,
    list_warnings,
    set_warning_status,
)
from wenzeng.services.form_files import template_csv, template_xlsx
from wenzeng.services.forms import all_forms, get_form
from wenzeng.services.plan_in_force import plan_in_force
from wenzeng.services.series import SeriesQuery
from wenzeng.services.series import observations as series_observations
from wenzeng.services.tracking import assess_plan
from wenzeng.web.api_responses import CSV, DOCX, HTML, PDF, XLSX, download, errors
from wenzeng.web.deps import CtxDep
from wenzeng.web.json_body import StrictJsonRoute
from wenzeng.web.report_files import file_response
from wenzeng.web.schemas import (
    AnalysisIn,
    AnalysisOut,
    AuditOut,
    CheckOut,
    DeletedOut,
    FormDetailOut,
    FormsOut,
    JobOut,
    JobPage,
    MeOut,
    ObservationPage,
    RemindersOut,
    ReportIn,
    ReportOut,
    ReportPage,
    ReturnIn,
    SignalsOut,
    SubmissionIn,
    SubmissionOut,
    SubmissionPage,
    SubmissionPatch,
    SubmitIn,
    TargetOut,
    TargetsOut,
    TrackerOut,
    UploadOut,
    UploadPreviewOut,
    VersionIn,
    WarningOut,
    WarningPage,
    WarningStatusIn,
)
from wenzeng.web.security import PrincipalDep, UserDep

router = APIRouter(prefix="/api/v1", route_class=StrictJsonRoute)


def _sub(s: subs.Submission) -> SubmissionOut:
    return SubmissionOut.model_validate({"ok": True, "submission": s.as_dict()})


@router.get("/me", summary="The caller", responses=errors(401))
def me(p: UserDep) -> MeOut:
    return MeOut(
        ok=True,
        username=p.username,
        role=p.role,
        entity=p.entity,
        display_name=p.display_name,
    )


# -- forms ---------------------------------------------------------------------------------------
@router.get("/forms", summary="Report forms", responses=errors(401))
def forms(ctx: CtxDep, p: UserDep) -> FormsOut:
    return FormsOut.model_validate(
        {
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
    )


@router.get(
    "/forms/{code}",
    summary="One report form with its fields and rules",
    responses=errors(401, 404, 422),
)
def form_detail(ctx: CtxDep, p: UserDep, code: str) -> FormDetailOut:
    f = get_form(ctx, code)
    data = f.form.model_dump(mode="json", by_alias=True, exclude={"fields"})
    data["fields"] = [x.model_dump(mode="json") for x in f.fields]
    return FormDetailOut.model_validate({"ok": True, "form": data})


@router.get(
    "/forms/{code}/template.csv",
    summary="CSV template of a form",
    response_class=Response,
    responses=download(CSV) | errors(401, 404, 422),
)
def form_template_csv(ctx: CtxDep, p: UserDep, code: str) -> Response:
    body = template_csv(get_form(ctx, code))
    return Response(
        body,
        media_type=f"{CSV}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{code}.csv"'},
    )


@router.get(
    "/forms/{code}/template.xlsx",
    summary="Excel template of a form",
    response_class=Response,
    responses=download(XLSX) | errors(401, 404, 422),
)
def form_template_xlsx(ctx: CtxDep, p: UserDep, code: str) -> Response:
    body = template_xlsx(get_form(ctx, code))
    return Response(
        body,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{code}.xlsx"'},
    )


WaitQuery = Annotated[
    float,
    Query(
        ge=0,
        le=jobs.WAIT_MAX,
        description="seconds to wait for the job's end before answering (at most 30)",
    ),
]


async def _job_answer(
    ctx: CtxDep, p: UserDep, job: dict[str, Any], wait: float, response: Response
) -> JobOut:
    """The job, once it has ended or after ``wait`` seconds; polls the store off the event
    loop, so waiting holds no other request."""
    deadline = time.monotonic() + min(wait, jobs.WAIT_MAX)
    while not job["finished"] and time.monotonic() < deadline:
        await asyncio.sleep(min(0.2, max(0.0, deadline - time.monotonic())))
        job = await run_in_threadpool(jobs.get_job, ctx, p, job["id"])
    response.headers["Location"] = f"/api/v1/jobs/{job['id']}"
    model = _RESULTS.get(job["kind"])
    if job["status"] == "done" and model is not None:
        model.model_validate(job["result"])  # a result that drifts from its shape fails loudly
    return JobOut.model_validate({"ok": True, "job": job})


_RESULTS: dict[str, type[UploadOut] | type[AnalysisOut]] = {
    "upload": UploadOut,
    "analysis": AnalysisOut,
}


@router.post(
    "/forms/{code}/upload",
    status_code=202,
    summary="Upload a filled-in form (CSV or Excel): a job; its result is an UploadOut",
    responses=errors(401, 403, 404, 413, 422),
)
async def form_upload(
    ctx: CtxDep,
    p: UserDep,
    code: str,
    file: Annotated[UploadFile, File()],
    response: Response,
    submit: Annotated[bool, Form()] = False,
    wait: WaitQuery = 0,
) -> JobOut:
    """Accepted at once (202) as a job; all rows or none are written when it runs.  Follow
    it at ``/api/v1/jobs/{id}`` (or pass ``wait``); an identical upload while the first
    is queued or running is the same job."""
    data = await file.read()
    params = {"form": code, "filename": file.filename or "upload.csv", "submit": submit}
    job, _ = await run_in_threadpool(jobs.start, ctx, p, "upload", params, data)
    return await _job_answer(ctx, p, job, wait, response)


@router.post(
    "/forms/{code}/upload/preview",
    summary="How an upload would be read and what its checks find, writing nothing",
    responses=errors(401, 403, 404, 413, 422),
)
async def form_upload_preview(
    ctx: CtxDep, p: UserDep, code: str, file: Annotated[UploadFile, File()]
) -> UploadPreviewOut:
    """The columns read as the form's fields (with the unit each converts from), where the
    period comes from (a column or the title), the rows recognised as notes, each row's
    reporter and period, and every problem the form's checks find.  Nothing is stored."""
    data = await file.read()
    name = Path(file.filename or "upload.csv").name
    found = await run_in_threadpool(form_files.preview, ctx, p, code, Path(name), data)
    return UploadPreviewOut.model_validate(found.as_dict())


# -- jobs ----------------------------------------------------------------------------------------
@router.get("/jobs", summary="Jobs: one's own, or every job for staff", responses=errors(401, 422))
def jobs_list(ctx: CtxDep, p: UserDep, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> JobPage:
    rows = jobs.list_jobs(ctx, p, limit=limit)
    return JobPage.model_validate({"ok": True, "count": len(rows), "jobs": rows})


@router.get(
    "/jobs/{job_id}",
    summary="A job: its progress, its result or its errors (its starter and staff)",
    responses=errors(401, 404, 422),
)
async def job_detail(
    ctx: CtxDep, p: UserDep, job_id: int, response: Response, wait: WaitQuery = 0
) -> JobOut:
    job = await run_in_threadpool(jobs.get_job, ctx, p, job_id)
    return await _job_answer(ctx, p, job, wait, response)


# -- submissions ---------------------------------------------------------------------------------
@router.get("/submissions", summary="Submissions the caller may see", responses=errors(401, 422))
def submissions_list(
    ctx: CtxDep,
    p: UserDep,
    form: str | None = None,
    period: str | None = None,
    status: str | None = None,
    reporter: str | None = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> SubmissionPage:
    rows = subs.list_submissions(
        ctx, p, form=form, period=period, status=status, reporter=reporter, limit=limit
    )
    return SubmissionPage.model_validate(
        {"ok": True, "count": len(rows), "submissions": [s.as_dict() for s in rows]}
    )


@router.post(
    "/submissions",
    status_code=201,
    summary="Create a draft (or change it, with version)",
    responses=errors(401, 403, 404, 409, 422),
)
def submissions_create(
    ctx: CtxDep, p: UserDep, body: SubmissionIn, version: int | None = None
) -> SubmissionOut:
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


@router.post(
    "/submissions/check",
    summary="Check values without saving them",
    responses=errors(401, 403, 404, 422),
)
def submissions_check(ctx: CtxDep, p: UserDep, body: SubmissionIn) -> CheckOut:
    result = subs.preview(
        ctx, p, body.form, body.reporter, body.period, body.values, body.explanations
    )
    return CheckOut.model_validate(
        {
            "ok": True,
            "can_submit": result.can_submit,
            "values": result.values,
            "problems": [pr.as_dict() for pr in result.problems],
        }
    )


@router.get("/submissions/{sid}", summary="One submission", responses=errors(401, 404, 422))
def submissions_get(ctx: CtxDep, p: UserDep, sid: int) -> SubmissionOut:
    return _sub(subs.get_submission(ctx, p, sid))


@router.put(
    "/submissions/{sid}",
    summary="Change a draft or returned submission",
    responses=errors(401, 403, 404, 409, 422),
)
def submissions_update(ctx: CtxDep, p: UserDep, sid: int, body: SubmissionPatch) -> SubmissionOut:
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


@router.post(
    "/submissions/{sid}/submit",
    summary="Submit for review",
    responses=errors(401, 403, 404, 409, 422),
)
def submissions_submit(ctx: CtxDep, p: UserDep, sid: int, body: SubmitIn) -> SubmissionOut:
    subs.get_submission(ctx, p, sid)  # one the caller may not see is not found, as on reading
    return _sub(subs.submit(ctx, p, sid, version=body.version, explanations=body.explanations))


@router.post(
    "/submissions/{sid}/accept",
    summary="Accept (department staff)",
    responses=errors(401, 403, 404, 409, 422),
)
def submissions_accept(ctx: CtxDep, p: UserDep, sid: int, body: VersionIn) -> SubmissionOut:
    return _sub(subs.accept(ctx, p, sid, version=body.version))


@router.post(
    "/submissions/{sid}/return",
    summary="Return with reasons (department staff)",
    responses=errors(401, 403, 404, 409, 422),
)
def submissions_return(ctx: CtxDep, p: UserDep, sid: int, body: ReturnIn) -> SubmissionOut:
    return _sub(subs.return_(ctx, p, sid, version=body.version, reason=body.reason))


@router.post(
    "/submissions/{sid}/revise",
    summary="Reopen an accepted submission for correction",
    responses=errors(401, 403, 404, 409, 422),
)
def submissions_revise(ctx: CtxDep, p: UserDep, sid: int, body: VersionIn) -> SubmissionOut:
    subs.get_submission(ctx, p, sid)  # one the caller may not see is not found, as on reading
    return _sub(subs.revise(ctx, p, sid, version=body.version))


@router.get(
    "/submissions/{sid}/audit",
    summary="The audit trail of a submission",
    responses=errors(401, 404, 422),
)
def submissions_audit(ctx: CtxDep, p: UserDep, sid: int) -> AuditOut:
    return AuditOut.model_validate({"ok": True, "entries": subs.audit_trail(ctx, p, sid)})


# -- tracker -------------------------------------------------------------------------------------
@router.get(
    "/tracker/{form}/{period}",
    summary="Who has reported, who is late (staff)",
    responses=errors(401, 403, 404, 422),
)
def tracker_get(ctx: CtxDep, p: UserDep, form: str, period: str) -> TrackerOut:
    return TrackerOut.model_validate(
        {"ok": True, **tracking.tracker(ctx, p, form, period).as_dict()}
    )


@router.post(
    "/tracker/{form}/{period}/remind",
    summary="Queue reminders to late reporters",
    responses=errors(401, 403, 404, 422),
)
def tracker_remind(ctx: CtxDep, p: UserDep, form: str, period: str) -> RemindersOut:
    return RemindersOut(ok=True, queued=tracking.queue_reminders(ctx, p, form, period))


# -- observations --------------------------------------------------------------------------------
@router.get(
    "/observations",
    summary="Observations of one indicator and entity",
    responses=errors(401, 404, 422),
)
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
) -> ObservationPage:
    rows = series_observations(
        ctx,
        p,
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
    return ObservationPage.model_validate(
        {"ok": True, "count": len(rows), "observations": [r.as_dict() for r in rows]}
    )


# -- analysis: targets, signals, warnings --------------------------------------------------------
@router.post(
    "/analysis",
    status_code=202,
    summary="Run the analysis as of a date and keep it (staff): a job; its result is an AnalysisOut",
    responses=errors(401, 403, 422),
)
async def analysis_run(
    ctx: CtxDep, p: UserDep, body: AnalysisIn, response: Response, wait: WaitQuery = 0
) -> JobOut:
    policy.require_analysis_runner(p)
    params = {"as_of": body.as_of.isoformat() if body.as_of else None}
    job, _ = await run_in_threadpool(jobs.start, ctx, p, "analysis", params)
    return await _job_answer(ctx, p, job, wait, response)


@router.get(
    "/targets",
    summary="Target tracking: each target's status, figure, evidence",
    responses=errors(401, 404, 422),
)
def targets(
    ctx: CtxDep, p: PrincipalDep, plan: str | None = None, as_of: date | None = None
) -> TargetsOut:
    """Computed on request from the store as of ``as_of`` (default today); published data only."""
    chosen = plan_in_force(ctx, plan, as_of)
    items = assess_plan(ctx, chosen, as_of)
    return TargetsOut.model_validate(
        {
            "ok": True,
            "plan": chosen.code,
            "as_of": (as_of or date.today()).isoformat(),
            "targets": [a.as_dict() for a in items],
        }
    )


@router.get("/targets/{code}", summary="One target's assessment", responses=errors(401, 404, 422))
def target_detail(
    ctx: CtxDep, p: PrincipalDep, code: str, plan: str | None = None, as_of: date | None = None
) -> TargetOut:
    chosen = plan_in_force(ctx, plan, as_of)
    for a in assess_plan(ctx, chosen, as_of):
        if a.target.code == code:
            return TargetOut.model_validate({"ok": True, "target": a.as_dict()})
    raise NotFound(
        f"计划 {chosen.code} 没有目标 {code!r} / plan {chosen.code} has no target {code!r}"
    )


@router.get(
    "/signals",
    summary="Signal lights, composite and diffusion indexes (latest run)",
    responses=errors(401),
)
def signals(ctx: CtxDep, p: PrincipalDep) -> SignalsOut:
    latest = latest_run(ctx, p)
    return SignalsOut.model_validate({"ok": True, "run": latest})


@router.get("/warnings", summary="Warnings the caller may see", responses=errors(401, 422))
def warnings_list(
    ctx: CtxDep,
    p: UserDep,
    klass: str | None = None,
    severity: str | None = None,
    status: str | None = None,
    entity: str | None = None,
    indicator: str | None = None,
) -> WarningPage:
    rows = list_warnings(
        ctx, p, klass=klass, severity=severity, status=status, entity=entity, indicator=indicator
    )
    return WarningPage.model_validate({"ok": True, "count": len(rows), "warnings": rows})


@router.get(
    "/warnings/{wid}", summary="One warning with its evidence", responses=errors(401, 404, 422)
)
def warnings_get(ctx: CtxDep, p: UserDep, wid: int) -> WarningOut:
    return WarningOut.model_validate({"ok": True, "warning": get_warning(ctx, p, wid)})


@router.post(
    "/warnings/{wid}/acknowledge",
    summary="Acknowledge a warning (staff)",
    responses=errors(401, 403, 404, 422),
)
def warnings_ack(ctx: CtxDep, p: UserDep, wid: int, body: WarningStatusIn) -> WarningOut:
    changed = set_warning_status(ctx, p, wid, "acknowledged", body.note)
    return WarningOut.model_validate({"ok": True, "warning": changed})


@router.post(
    "/warnings/{wid}/close",
    summary="Close a warning with a note (staff)",
    responses=errors(401, 403, 404, 422),
)
def warnings_close(ctx: CtxDep, p: UserDep, wid: int, body: WarningStatusIn) -> WarningOut:
    changed = set_warning_status(ctx, p, wid, "closed", body.note)
    return WarningOut.model_validate({"ok": True, "warning": changed})


# -- reports -------------------------------------------------------------------------------------
@router.get(
    "/reports", summary="Reports: published ones, and drafts for staff", responses=errors(401)
)
def reports_list(ctx: CtxDep, p: PrincipalDep) -> ReportPage:
    rows = reports.list_reports(ctx, p)
    return ReportPage.model_validate({"ok": True, "count": len(rows), "reports": rows})


@router.post(
    "/reports",
    status_code=202,
    summary="Generate and keep a report, unpublished (staff): a job; its result names the report",
    responses=errors(401, 403, 422),
)
async def reports_create(
    ctx: CtxDep, p: UserDep, body: ReportIn, response: Response, wait: WaitQuery = 0
) -> JobOut:
    """A report takes several seconds (3–20, by the formats asked): accepted at once (202)
    as a job; the same request while it is queued or running is the same job (no
    duplicate report)."""
    params = {
        "kind": body.kind,
        "period": body.period,
        "lang": body.lang,
        "as_of": body.as_of.isoformat() if body.as_of else None,
        "formats": list(body.formats),
    }
    job, _ = await run_in_threadpool(jobs.start, ctx, p, "report", params)
    return await _job_answer(ctx, p, job, wait, response)


@router.get(
    "/reports/{rid}/file.{fmt}",
    summary="A report's file: html, pdf or docx",
    response_class=Response,
    responses=download(HTML, PDF, DOCX) | errors(401, 404, 422),
)
def reports_file(ctx: CtxDep, p: PrincipalDep, rid: int, fmt: str) -> Response:
    if fmt not in reports.FORMATS:
        raise NotFound(f"没有这种格式 / no such format: {fmt!r}")
    meta, body = reports.get_file(ctx, p, rid, fmt)
    return file_response(meta, body, fmt)


@router.post(
    "/reports/{rid}/publish",
    summary="Publish a report: the public can see it (staff)",
    responses=errors(401, 403, 404, 422),
)
def reports_publish(ctx: CtxDep, p: UserDep, rid: int) -> ReportOut:
    reports.set_published(ctx, p, rid, True)
    return _report(reports.get_report(ctx, p, rid))


@router.post(
    "/reports/{rid}/withdraw",
    summary="Withdraw a published report (staff)",
    responses=errors(401, 403, 404, 422),
)
def reports_withdraw(ctx: CtxDep, p: UserDep, rid: int) -> ReportOut:
    reports.set_published(ctx, p, rid, False)
    return _report(reports.get_report(ctx, p, rid))


@router.delete(
    "/reports/{rid}",
    summary="Delete an unpublished report (staff)",
    responses=errors(401, 403, 404, 422),
)
def reports_delete(ctx: CtxDep, p: UserDep, rid: int) -> DeletedOut:
    reports.delete_report(ctx, p, rid)
    return DeletedOut(ok=True, deleted=rid)


def _report(details: dict[str, Any]) -> ReportOut:
    return ReportOut.model_validate({"ok": True, "report": details})
