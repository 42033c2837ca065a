"""Initialising a store: schema, built-in plans, built-in published figures, demo data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from wenzeng.auth.principal import SYSTEM
from wenzeng.services import accounts
from wenzeng.services.context import Context
from wenzeng.services.forms import load_builtin_forms
from wenzeng.services.loading import LoadResult, load_builtin, load_builtin_plans

Step = Callable[[str], None]


@dataclass(frozen=True)
class InitReport:
    plans: list[tuple[str, bool]]
    forms: list[tuple[str, bool]]
    builtin: LoadResult
    demo: LoadResult | None
    demo_users: list[str]


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
    ctx.store.upgrade()
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
    users = demo_accounts(ctx) if demo else []
    return InitReport(plans, forms, builtin, demo_result, users)


DEMO_PASSWORD = "wenzeng-demo"
DEMO_ACCOUNTS = [
    # username, role, entity, display name
    ("admin", "admin", None, "系统管理员（演示）"),
    ("analyst", "analyst", None, "电子信息司分析员（演示）"),
    ("guangdong", "province", "440000", "广东省工业和信息化厅（演示）"),
    ("sichuan", "province", "510000", "四川省经济和信息化厅（演示）"),
    ("ceia", "association", "assoc_ceia", "中国电子信息行业联合会（演示）"),
    ("e0001", "enterprise", "E0001", "重点企业 E0001 填报员（演示）"),
]


def demo_accounts(ctx: Context) -> list[str]:
    """Demo accounts, all with the password ``wenzeng-demo``, made only in a store that has no
    accounts yet, so that a new user can try every role.  Never use them in production."""
    if accounts.list_users(ctx):
        return []
    made = []
    for username, role, entity, name in DEMO_ACCOUNTS:
        if entity and ctx.catalogue.find_entity(entity) is None:
            continue
        accounts.add_user(
            ctx,
            SYSTEM,
            username=username,
            role=role,
            entity=entity,
            display_name=name,
            password=DEMO_PASSWORD,
        )
        made.append(username)
    return made
