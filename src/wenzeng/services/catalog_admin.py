"""The plans and the user's catalogue entries as staff see and administrators change them
(the API and the catalogue page): each call asks :mod:`wenzeng.auth.policy` first, then the
same services as the command line, with the same refusals."""

from __future__ import annotations

from datetime import date
from typing import Any

from wenzeng.auth import policy
from wenzeng.auth.principal import Principal
from wenzeng.services import plan_lifecycle, report_kinds, user_catalog
from wenzeng.services.context import Context
from wenzeng.services.forms import unusable_forms

# a plan's state as the API and the page name it (the store's word in brackets):
# in_force (active), concluded (ended), archived, unusable
STATE = {
    "active": "in_force",
    "ended": "concluded",
    "archived": "archived",
    "unusable": "unusable",
}
STATE_NAMES = {
    "in_force": ("执行中", "in force"),
    "concluded": ("已结束", "concluded"),
    "archived": ("已归档", "archived"),
    "unusable": ("不可用", "unusable"),
}


def plan_row(e: plan_lifecycle.PlanEntry, today: date | None = None) -> dict[str, Any]:
    state = STATE[e.status(today)]
    period = e.plan.period if e.plan is not None else None
    return {
        "code": e.code,
        "title_zh": e.title_zh,
        "title_en": e.title_en,
        "period_start": period.start if period else None,
        "period_end": period.end if period else None,
        "state": state,
        "state_zh": STATE_NAMES[state][0],
        "state_en": STATE_NAMES[state][1],
        "problem_zh": e.problem_zh,
        "problem_en": e.problem_en,
        "builtin": e.builtin,
        "origin": e.origin,
        "loaded_at": e.loaded_at,
    }


def list_plans(ctx: Context, p: Principal) -> list[dict[str, Any]]:
    """Every stored plan with its state, and the reason when it is unusable (staff)."""
    policy.require_staff(p)
    return [plan_row(e) for e in plan_lifecycle.plan_entries(ctx)]


def get_plan(ctx: Context, p: Principal, code: str) -> dict[str, Any]:
    policy.require_staff(p)
    return plan_row(plan_lifecycle.find_plan_entry(ctx, code))


def archive_plan(ctx: Context, p: Principal, code: str, *, archived: bool) -> dict[str, Any]:
    """Archive a plan or take it out of the archive (administrators)."""
    policy.require_catalog_admin(p)
    plan_lifecycle.archive_plan(ctx, code, archived=archived, by=p)
    ctx.invalidate()
    return plan_row(plan_lifecycle.find_plan_entry(ctx, code))


def remove_plan(ctx: Context, p: Principal, code: str, *, force: bool) -> dict[str, Any]:
    """Remove a plan (administrators); refused as on the command line while something depends
    on it, unless ``force``.  Returns what went with it."""
    policy.require_catalog_admin(p)
    deps = plan_lifecycle.remove_plan(ctx, code, force=force, by=p)
    return {
        "forms": list(deps.forms),
        "submissions": deps.submissions,
        "assessments": deps.assessments,
    }


def entry_row(e: Any) -> dict[str, Any]:
    name = e.document.get("name") or e.document.get("title") or {}
    return {
        "kind": e.kind,
        "code": e.code,
        "name_zh": str(name.get("zh", "")),
        "name_en": str(name.get("en", "")),
        "version": e.version,
        "source_file": e.source_file,
        "loaded_at": e.loaded_at,
        "loaded_by": e.loaded_by,
        "replaces_builtin": e.kind == report_kinds.KIND and bool(e.document.get("replace")),
    }


def list_entries(ctx: Context, p: Principal, kind: str | None = None) -> list[dict[str, Any]]:
    """The user's catalogue entries in use (staff)."""
    policy.require_staff(p)
    return [entry_row(e) for e in user_catalog.user_entries(ctx, kind)]


def remove_entry(ctx: Context, p: Principal, kind: str, code: str, *, force: bool) -> list[str]:
    """Remove a user's catalogue entry (administrators); refused as on the command line while
    a plan, form, report definition, series or other entry uses it, unless ``force``.
    Returns what used it."""
    policy.require_catalog_admin(p)
    return user_catalog.remove_user_entry(ctx, kind, code, force=force, by=p)


def unusable_form_rows(ctx: Context, p: Principal) -> list[dict[str, Any]]:
    """The stored forms that cannot be used, with the reason (staff)."""
    policy.require_staff(p)
    return [
        {"code": f.code, "title_zh": f.title_zh, "problem_zh": f.problem_zh,
         "problem_en": f.problem_en}
        for f in unusable_forms(ctx)
    ]  # fmt: skip
