"""What is due (待办): for a reporter, each form it owes now with its due date and state; for
department staff, the submissions waiting for review and the reporters late with the forms
of the current period."""

from __future__ import annotations

from datetime import date
from typing import Any

from wenzeng.auth import policy
from wenzeng.auth.principal import Principal
from wenzeng.domain import labels
from wenzeng.domain.periods import Period, reporting_period
from wenzeng.domain.submissions import Status
from wenzeng.services import submissions as subs
from wenzeng.services import tracker as trk
from wenzeng.services.context import Context
from wenzeng.services.forms import LoadedForm, all_forms

# the order a reporter meets its forms in: what needs doing first
_URGENCY = {"returned": 0, "missing": 1, "draft": 1, "submitted": 2, "accepted": 3}


def default_period(form: LoadedForm) -> Period:
    """The period normally being reported now: last month, last quarter, or this year."""
    return reporting_period(form.form.period_type)


def my_forms(ctx: Context, p: Principal) -> list[LoadedForm]:
    cat = ctx.catalogue
    return [f for f in all_forms(ctx).values() if policy.fills_in(p, f.form.reporter, cat)]


def reporter_due(ctx: Context, p: Principal, today: date | None = None) -> list[dict[str, Any]]:
    """Each form ``p``'s organisation owes for the period being reported now: when it is
    due, how it stands, and whether it is late — what needs doing first, first."""
    today = today or date.today()
    if not p.entity:
        return []
    out = []
    for f in my_forms(ctx, p):
        per = default_period(f)
        due = trk.due_date(f.form.due, per)
        found = subs.list_submissions(ctx, p, form=f.code, reporter=p.entity, period=per.code)
        sub = found[0] if found else None
        status = sub.status.value if sub else trk.MISSING
        done = status in (Status.SUBMITTED.value, Status.ACCEPTED.value)
        zh, en = labels.pair(labels.REPORTING_STATUS, status)
        fz, fe = labels.pair(labels.FREQUENCY, f.form.frequency)
        out.append(
            {
                "form": f.code,
                "title_zh": f.form.title.zh,
                "title_en": f.form.title.en,
                "frequency": f.form.frequency,
                "frequency_zh": fz,
                "frequency_en": fe,
                "period": per.code,
                "period_zh": per.label_zh,
                "period_en": per.label_en,
                "due": due.isoformat(),
                "days_left": (due - today).days,
                "late": today > due and not done,
                "done": done,
                "status": status,
                "status_zh": zh,
                "status_en": en,
                "submission_id": sub.id if sub else None,
                "return_reason": sub.return_reason if sub else None,
                "url": f"/report/{f.code}/{per.code}",
            }
        )
    out.sort(key=lambda r: (bool(r["done"]), _URGENCY.get(str(r["status"]), 9), str(r["due"])))
    return out


def staff_todo(ctx: Context, p: Principal, today: date | None = None) -> dict[str, Any]:
    """For department staff: how many submissions wait for review, and per form the
    reporters late with the current period."""
    if not policy.may_review_submissions(p):
        return {}
    today = today or date.today()
    waiting = len(subs.list_submissions(ctx, p, status=Status.SUBMITTED.value, limit=10_000))
    late = []
    for f in all_forms(ctx).values():
        per = default_period(f)
        t = trk.tracker(ctx, p, f.code, per.code, today)
        n = t.counts["late"]
        if n:
            late.append(
                {
                    "form": f.code,
                    "title_zh": f.form.title.zh,
                    "title_en": f.form.title.en,
                    "period_zh": per.label_zh,
                    "period_en": per.label_en,
                    "due": t.due.isoformat(),
                    "late": n,
                    "reporters": len(t.rows),
                    "url": f"/tracker?form={f.code}&period={per.code}&status=late",
                }
            )
    return {"waiting": waiting, "late": late}
