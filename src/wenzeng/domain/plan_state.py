"""Where a plan stands on a date, and which of several plans is the one in force.

A plan is in force from the first to the last year of its period.  When none is in force on
the date, the latest one (the one whose period ends last) stands in for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum

from wenzeng.domain.plan import Plan


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


def recency(plan: Plan) -> tuple[int, int, date, str]:
    """How recent a plan is: the later its period ends (then starts, then issued), the more."""
    return (plan.period.end, plan.period.start, plan.issued, plan.code)


def choose_plan(plans: Sequence[Plan], on: date) -> Plan | None:
    """The plan in force on ``on`` (the most recent one if several are), else the latest."""
    if not plans:
        return None
    in_force = [p for p in plans if plan_state(p, on) is PlanState.IN_FORCE]
    return max(in_force or plans, key=recency)
