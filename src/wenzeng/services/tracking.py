"""Assessing a plan's targets as of a date, from the store; results are kept."""

from __future__ import annotations

from datetime import date

from wenzeng.analysis.tracking import Assessment, assess
from wenzeng.auth.principal import SYSTEM
from wenzeng.domain.observation import ObservationRecord
from wenzeng.domain.plan import Plan
from wenzeng.services.context import Context
from wenzeng.services.plans import get_plan
from wenzeng.services.series import read_observations
from wenzeng.store import Connection
from wenzeng.store import analysis as store


def assess_plan(ctx: Context, plan: Plan, as_of: date | None = None) -> list[Assessment]:
    """Every target of ``plan``, judged on the data as known on ``as_of`` (default: today);
    kept until the data change.  The department's judgement: every figure but the simulated
    ones counts, as the system (staff) sees them."""
    when = as_of or date.today()
    return ctx.memo(("assess", plan.code, when), lambda: _assess(ctx, plan, when))


def _assess(ctx: Context, plan: Plan, when: date) -> list[Assessment]:
    cat = ctx.catalogue
    out = []
    with ctx.reading() as conn:
        for t in plan.targets:

            def fetch(
                indicator: str, measure: str, entity: str = t.entity
            ) -> list[ObservationRecord]:
                return read_observations(
                    ctx,
                    SYSTEM,
                    conn=conn,
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
