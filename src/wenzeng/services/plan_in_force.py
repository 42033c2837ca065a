"""Which plan the pages open on: the plan in force on a date, else the latest.

A plan is in force from the first to the last year of its period.  When no stored plan is in
force on the date, the latest one is shown (the one whose period ends last).  A plan asked for
by its code is always the one given, whatever its state: an ended plan stays reachable with its
final assessment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from wenzeng.domain.plan import Plan
from wenzeng.domain.plan_state import PlanState, choose_plan, plan_state, recency
from wenzeng.services.context import Context
from wenzeng.services.plans import get_plan, stored_plans

__all__ = [
    "PlanChoice",
    "PlanState",
    "choose_plan",
    "plan_choices",
    "plan_in_force",
    "plan_state",
]


def plan_in_force(ctx: Context, code: str | None = None, on: date | None = None) -> Plan:
    """The plan named by ``code``; without one, the plan in force on ``on`` (default today),
    else the latest stored plan.  Raises :class:`wenzeng.errors.NotFound` when none is stored
    or ``code`` names no stored plan."""
    if code is not None:
        return get_plan(ctx, code)
    chosen = choose_plan(stored_plans(ctx), on or date.today())
    if chosen is None:
        return get_plan(ctx)  # says that no plan is loaded
    return chosen


@dataclass(frozen=True)
class PlanChoice:
    """A stored plan as a page lists it: with its state on the date."""

    plan: Plan
    state: PlanState

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.plan.code,
            "title": self.plan.title.model_dump(),
            "period": [self.plan.period.start, self.plan.period.end],
            "state": self.state.value,
            "state_zh": self.state.zh,
            "state_en": self.state.en,
        }


def plan_choices(ctx: Context, on: date | None = None) -> list[PlanChoice]:
    """Every stored plan with its state on ``on`` (default today), the latest first."""
    when = on or date.today()
    plans = sorted(stored_plans(ctx), key=recency, reverse=True)
    return [PlanChoice(p, plan_state(p, when)) for p in plans]
