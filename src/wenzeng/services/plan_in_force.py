"""Which plan the pages open on: the plan in force on a date, else the latest.

A plan is in force from the first to the last year of its period.  When no stored plan is in
force on the date, the latest one is shown (the one whose period ends last).  A plan asked for
by its code is always the one given, whatever its state: an ended plan stays reachable with its
final assessment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from wenzeng.domain.plan import Plan
from wenzeng.services.context import Context
from wenzeng.services.plans import get_plan, stored_plans


class PlanState(StrEnum):
    """Where a plan stands on a date."""

    IN_FORCE = "in_force"
    ENDED = "ended"
    UPCOMING = "upcoming"

    @property
    def zh(self) -> str:
        return {"in_force": "执行中", "ended": "已结束", "upcoming": "未开始"}[self.value]

    @property
    def en(self) -> str:
        return {"in_force": "in force", "ended": "ended", "upcoming": "not yet started"}[self.value]


def plan_state(plan: Plan, on: date) -> PlanState:
    """The plan's state on ``on``: in force during the years of its period."""
    if on.year < plan.period.start:
        return PlanState.UPCOMING
    if on.year > plan.period.end:
        return PlanState.ENDED
    return PlanState.IN_FORCE


def _recency(plan: Plan) -> tuple[int, int, date, str]:
    return (plan.period.end, plan.period.start, plan.issued, plan.code)


def choose_plan(plans: Sequence[Plan], on: date) -> Plan | None:
    """The plan in force on ``on`` (the most recent one if several are), else the latest."""
    if not plans:
        return None
    in_force = [p for p in plans if plan_state(p, on) is PlanState.IN_FORCE]
    return max(in_force or plans, key=_recency)


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
    plans = sorted(stored_plans(ctx), key=_recency, reverse=True)
    return [PlanChoice(p, plan_state(p, when)) for p in plans]
