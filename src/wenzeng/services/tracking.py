"""Assessing a plan's targets as of a date, from the store; results are kept."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, delete, insert, select

from wenzeng.analysis.tracking import Assessment, assess
from wenzeng.domain.observation import ObservationRecord
from wenzeng.domain.plan import Plan
from wenzeng.services.context import Context
from wenzeng.services.plans import get_plan
from wenzeng.store import repo
from wenzeng.store.tables import assessment


def assess_plan(ctx: Context, plan: Plan, as_of: date | None = None) -> list[Assessment]:
    """Every target of ``plan``, judged on the data as known on ``as_of`` (default: today);
    kept until the data change."""
    when = as_of or date.today()
    return ctx.memo(("assess", plan.code, when), lambda: _assess(ctx, plan, when))


def _assess(ctx: Context, plan: Plan, when: date) -> list[Assessment]:
    cat = ctx.base_catalogue
    out = []
    with ctx.reading() as conn:
        for t in plan.targets:

            def fetch(
                indicator: str, measure: str, entity: str = t.entity
            ) -> list[ObservationRecord]:
                return repo.query_observations(
                    conn,
                    units=ctx.units,
                    indicator=indicator,
                    entities=[entity],
                    measure=measure,
                    as_of=when,
                    simulated=False,
                )

            out.append(assess(t, cat.indicator(t.indicator), cat.indicators, fetch, when))
    return out


def save_assessments(
    conn: Connection, run_id: int, plan: Plan, as_of: date, results: list[Assessment]
) -> None:
    conn.execute(
        delete(assessment).where(assessment.c.plan == plan.code, assessment.c.as_of == as_of)
    )
    conn.execute(
        insert(assessment),
        [
            {
                "run_id": run_id,
                "plan": plan.code,
                "target": a.target.code,
                "as_of": as_of,
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
        rows = conn.execute(
            select(assessment)
            .where(assessment.c.plan == plan.code)
            .order_by(assessment.c.as_of.desc(), assessment.c.id.desc())
        ).all()
    seen: dict[str, dict[str, object]] = {}
    for r in rows:
        seen.setdefault(r.target, dict(r.payload))
    return [seen[t.code] for t in plan.targets if t.code in seen]
