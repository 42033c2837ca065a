"""Who owes what: per form and period, who has submitted, who is late, who was returned."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from wenzeng.auth import policy
from wenzeng.auth.principal import Principal
from wenzeng.domain.periods import Period
from wenzeng.domain.plan import Due
from wenzeng.domain.submissions import Status
from wenzeng.services.context import Context
from wenzeng.services.forms import get_form
from wenzeng.services.outbox import queue_for_entity
from wenzeng.services.submissions import form_period
from wenzeng.store.submissions import submission_statuses

MISSING = "missing"


def due_date(due: Due, period: Period) -> date:
    """The day a report for ``period`` is due."""
    if due.month is not None:
        year = period.year
        return date(year, due.month, min(due.day, calendar.monthrange(year, due.month)[1]))
    months = due.months_after_period or 0
    y, m = period.end.year, period.end.month + months
    y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
    return date(y, m, min(due.day, calendar.monthrange(y, m)[1]))


@dataclass(frozen=True)
class TrackerRow:
    reporter: str
    name_zh: str
    name_en: str
    status: str  # missing | draft | submitted | accepted | returned
    late: bool
    submission_id: int | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Tracker:
    form: str
    period: str
    due: date
    rows: list[TrackerRow]

    @property
    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.rows:
            out[r.status] = out.get(r.status, 0) + 1
        out["late"] = sum(r.late for r in self.rows)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "form": self.form,
            "period": self.period,
            "due": self.due.isoformat(),
            "counts": self.counts,
            "rows": [r.as_dict() for r in self.rows],
        }


def tracker(
    ctx: Context, p: Principal, form_code: str, period_text: str, today: date | None = None
) -> Tracker:
    policy.require_staff(p)
    form = get_form(ctx, form_code)
    per = form_period(form, period_text)
    due = due_date(form.form.due, per)
    today = today or date.today()
    reporters = ctx.catalogue.entities_of(*policy.REPORTER_KINDS[form.form.reporter])
    with ctx.reading() as conn:
        found = {r["reporter"]: r for r in submission_statuses(conn, form.code, per.code)}
    rows = []
    for e in sorted(reporters, key=lambda e: e.code):
        r = found.get(e.code)
        status = r["status"] if r else MISSING
        done = status in (Status.SUBMITTED.value, Status.ACCEPTED.value)
        rows.append(
            TrackerRow(
                e.code,
                e.name.zh,
                e.name.en,
                status,
                late=today > due and not done,
                submission_id=r["id"] if r else None,
            )
        )
    return Tracker(form.code, per.code, due, rows)


def queue_reminders(
    ctx: Context, p: Principal, form_code: str, period_text: str, today: date | None = None
) -> int:
    """Queue one reminder per late reporter's users (once per form and period)."""
    t = tracker(ctx, p, form_code, period_text, today)
    form = get_form(ctx, form_code)
    queued = 0
    with ctx.transaction() as conn:
        for row in t.rows:
            if not row.late:
                continue
            what = "被退回后尚未重新报送" if row.status == Status.RETURNED.value else "尚未报送"
            queued += queue_for_entity(
                conn,
                entity=row.reporter,
                kind="reminder",
                dedupe_key=f"reminder:{form.code}:{t.period}:{row.reporter}",
                subject=f"催报：{form.form.title.zh} {t.period} / reminder: {form.form.title.en}",
                body=(
                    f"{row.name_zh}：{form.form.title.zh}（{t.period}）应于 {t.due} 前报送，"
                    f"目前{what}。\n{row.name_en}: {form.form.title.en} for {t.period} was due "
                    f"on {t.due} and has not been "
                    + (
                        "resubmitted after it was returned."
                        if row.status == "returned"
                        else "submitted."
                    )
                ),
            )
    return queued
