"""Initialising a store: schema, built-in plans, built-in published figures, demo data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from wenzeng.services.context import Context
from wenzeng.services.forms import load_builtin_forms
from wenzeng.services.loading import LoadResult, load_builtin, load_builtin_plans
from wenzeng.store.db import upgrade

Step = Callable[[str], None]


@dataclass(frozen=True)
class InitReport:
    plans: list[tuple[str, bool]]
    forms: list[tuple[str, bool]]
    builtin: LoadResult
    demo: LoadResult | None


def initialise(
    ctx: Context,
    *,
    demo: bool = False,
    step: Step | None = None,
    progress: Callable[[int], None] | None = None,
) -> InitReport:
    """Create or upgrade the schema and load what ships with WenZeng; safe to run again."""
    say = step or (lambda _msg: None)
    say("数据库结构 / schema")
    upgrade(ctx.engine)
    say("计划 / plans")
    plans = load_builtin_plans(ctx)
    say("报表 / forms")
    forms = load_builtin_forms(ctx)
    say("已发布数据 / published figures")
    builtin = load_builtin(ctx, progress)
    demo_result = None
    if demo:
        from wenzeng.services.demo import load_demo

        say("模拟演示数据 / simulated demo data")
        demo_result = load_demo(ctx, progress)
    ctx.invalidate()
    return InitReport(plans, forms, builtin, demo_result)
