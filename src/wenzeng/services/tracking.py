"""Assessing a plan's targets as of a date, from the store; results are kept."""

from __future__ import annotations

from datetime import date

from wenzeng.analysis.tracking import Assessment, FigureKind, Peers, ProgressNote, assess
from wenzeng.auth.principal import SYSTEM
from wenzeng.definitions.catalogue import Catalogue
from wenzeng.domain.observation import ObservationRecord
from wenzeng.domain.periods import Period
from wenzeng.domain.plan import Plan, Target
from wenzeng.services.context import Context
from wenzeng.services.plans import get_plan, up_to_period
from wenzeng.services.series import read_observations
from wenzeng.store import Connection
from wenzeng.store import analysis as store
from wenzeng.store.submissions import submission_rows


def assess_plan(
    ctx: Context, plan: Plan, as_of: date | None = None, up_to: Period | None = None
) -> list[Assessment]:
    """Every target of ``plan``, judged on the data as known on ``as_of`` (default: today);
    kept until the data change.  The department's judgement: every figure but the simulated
    ones counts, as the system (staff) sees them.

    ``up_to`` (a month) judges the targets as they stood at that month: only the figures of
    periods that end by then count (as they are known on ``as_of``), the annual progress
    reports of its year and before, and the judgement is dated the month's last day (or
    ``as_of`` when that is earlier), so that a year still under way then is projected."""
    when = as_of or date.today()
    key = ("assess", plan.code, when, up_to.code if up_to else None)
    return ctx.memo(key, lambda: _assess(ctx, plan, when, up_to))


def _assess(ctx: Context, plan: Plan, when: date, up_to: Period | None = None) -> list[Assessment]:
    cat = ctx.catalogue
    judged_on = min(when, up_to.end) if up_to else when
    out = []
    with ctx.reading() as conn:

        def fetch_for(indicator: str, measure: str, entity: str) -> list[ObservationRecord]:
            found = read_observations(
                ctx,
                SYSTEM,
                conn=conn,
                indicator=indicator,
                entities=[entity],
                measure=measure,
                as_of=when,
                simulated=False,
            )
            return up_to_period(found, up_to)

        def entities(kind: str) -> list[tuple[str, str]]:
            return [(e.code, e.name.zh) for e in cat.entities.values() if e.kind == kind]

        def progress(t: Target) -> list[ProgressNote]:
            return _progress(conn, cat, t, when, up_to.year if up_to else None)

        peers = Peers(fetch_for, entities, progress)
        for t in plan.targets:

            def fetch(
                indicator: str, measure: str, entity: str = t.entity
            ) -> list[ObservationRecord]:
                return fetch_for(indicator, measure, entity)

            ind = None if t.is_qualitative else cat.indicator(t.indicator)
            out.append(assess(t, ind, cat.indicators, fetch, judged_on, peers))
    return out


PROGRESS_FORMS = ("annual_progress", "annual_progress_association")


def _progress(
    conn: Connection, cat: Catalogue, t: Target, when: date, last_year: int | None = None
) -> list[ProgressNote]:
    """Texts of the annual progress reports of the target's years (up to ``last_year``),
    submitted by ``when``, that name the target (its code or its Chinese title), newest
    first."""
    notes = []
    for form in PROGRESS_FORMS:
        for row in submission_rows(conn, form=form):
            at = row.get("submitted_at")
            if row["status"] not in ("submitted", "accepted") or at is None or at.date() > when:
                continue
            try:
                year = int(str(row["period"])[:4])
            except ValueError:
                continue
            if not t.period.start <= year <= min(t.period.end, last_year or t.period.end):
                continue
            entity = cat.entities.get(row["reporter"])
            who = entity.name.zh if entity else str(row["reporter"])
            notes += [
                ProgressNote(who, f"{year}年", text if len(text) <= 300 else text[:300] + "…")
                for text in (v for v in (row["values"] or {}).values() if isinstance(v, str))
                if t.code in text or t.title.zh in text
            ]
    return sorted(notes, key=lambda n: n.period, reverse=True)


FIGURE_PREFIX = {
    FigureKind.PROJECTED: "预计 ",
    FigureKind.LOWER_BOUND: "至少 ",
}


def figure_text(a: Assessment) -> str:
    """The figure a target is judged on, as a table shows it: ``预计 7.1%``, ``至少 3个``;
    ``—`` when there is none (no data, or a qualitative target)."""
    if a.figure is None:
        return "—"
    unit = a.target.unit_ or ""
    return f"{FIGURE_PREFIX.get(a.figure_kind, '')}{a.figure:,.6g}{unit}"


def target_rows(assessments: list[Assessment]) -> list[dict[str, str]]:
    """One row per target for ``plan show``: the same assessment ``analyze`` gives."""
    return [
        {
            "target": a.target.title.zh,
            "goal": a.target.goal_text(),
            "figure": figure_text(a),
            "status": a.status.zh,
            "basis": a.figure_note_zh or a.rule_zh,
            "source": a.evidence[0].source_title if a.evidence else "",
        }
        for a in assessments
    ]


def save_assessments(
    conn: Connection, run_id: int, plan: Plan, as_of: date, results: list[Assessment]
) -> None:
    store.replace_assessments(
        conn,
        plan.code,
        as_of,
        [
            {
                "run_id": run_id,
                "target": a.target.code,
                "status": a.status.value,
                "figure": a.figure,
                "payload": a.as_dict(),
            }
            for a in results
        ],
    )


def latest_assessments(ctx: Context, plan_code: str | None = None) -> list[dict[str, object]]:
    """The most recent stored assessment of each target of a plan."""
    plan = get_plan(ctx, plan_code)
    with ctx.reading() as conn:
        rows = store.assessment_payloads(conn, plan.code)
    seen: dict[str, dict[str, object]] = {}
    for target, payload in rows:
        seen.setdefault(target, payload)
    return [seen[t.code] for t in plan.targets if t.code in seen]
