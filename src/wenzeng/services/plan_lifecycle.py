"""The life of a stored plan: listed with its status (执行中, 已结束, 已归档, or unusable
because it names what the catalogue no longer has), archived, removed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from wenzeng.auth.principal import SYSTEM, Principal
from wenzeng.definitions.catalogue import Catalogue
from wenzeng.definitions.yaml_doc import load_yaml, validate_document
from wenzeng.domain.issues import Issue
from wenzeng.domain.plan import Plan
from wenzeng.domain.units import UnitRegistry
from wenzeng.errors import Conflict, NotFound, ValidationFailed
from wenzeng.services.context import Context
from wenzeng.store.audit import audit
from wenzeng.store.definitions import form_documents, plan_documents
from wenzeng.store.plan_status import (
    ACTIVE,
    ARCHIVED,
    assessment_count,
    delete_plan,
    set_plan_status,
    submission_count,
)

STATUS_ZH = {"active": "执行中", "ended": "已结束", "archived": "已归档", "unusable": "不可用"}


@dataclass(frozen=True)
class PlanEntry:
    """A stored plan as the store holds it, read against the catalogue in use: ``plan`` is
    None when it cannot be read, and ``problem_zh``/``problem_en`` say why."""

    code: str
    title_zh: str
    title_en: str
    file: str | None
    builtin: bool
    loaded_at: datetime
    archived: bool
    plan: Plan | None
    problem_zh: str = ""
    problem_en: str = ""

    @property
    def usable(self) -> bool:
        return self.plan is not None

    def status(self, today: date | None = None) -> str:
        """active | ended | archived | unusable."""
        if self.archived:
            return "archived"
        if self.plan is None:
            return "unusable"
        return "ended" if self.plan.period.end < (today or date.today()).year else "active"

    def status_zh(self, today: date | None = None) -> str:
        return STATUS_ZH[self.status(today)]

    @property
    def origin(self) -> str:
        """内置, or the file it was loaded from."""
        return "内置" if self.builtin else (self.file or "")


def _unknown(plan: Plan, cat: Catalogue, registry: UnitRegistry) -> dict[str, list[str]]:
    """What the plan names that the catalogue lacks, by kind: indicators, entities, units."""
    quantified = [t for t in plan.targets if not t.is_qualitative]  # no indicator, no unit
    indicators = [t.indicator for t in quantified if t.indicator not in cat.indicators]
    indicators += [c for m in plan.measures for c in m.indicators if c not in cat.indicators]
    entities = [t.entity for t in plan.targets if cat.find_entity(t.entity) is None]
    units = [t.unit for t in quantified if t.unit and registry.find(t.unit) is None]
    return {
        "indicator": list(dict.fromkeys(indicators)),
        "entity": list(dict.fromkeys(entities)),
        "unit": list(dict.fromkeys(units)),
    }


_KIND = {"indicator": ("指标", "indicator"), "entity": ("主体", "entity"), "unit": ("单位", "unit")}


def _problem(code: str, plan: Plan | None, issues: list[Issue], ctx: Context) -> tuple[str, str]:
    if plan is not None:
        missing = _unknown(plan, ctx.catalogue, ctx.unit_registry)
        named = [(k, v) for k, v in missing.items() if v]
        if named:
            zh = "、".join(f"未知{_KIND[k][0]} {'、'.join(v)}" for k, v in named)
            en = "; ".join(f"unknown {_KIND[k][1]} {', '.join(v)}" for k, v in named)
            return (
                f"计划 {code} 引用了{zh}：该计划暂不可用",
                f"plan {code} names {en}: the plan is unavailable for now",
            )
    zh = "；".join(i.msg_zh for i in issues[:3]) or "无法读取"
    en = "; ".join(i.msg_en for i in issues[:3]) or "cannot be read"
    return (
        f"计划 {code} 有误（{zh}）：该计划暂不可用",
        f"plan {code} is invalid ({en}): unavailable",
    )


def _read(ctx: Context, row: dict[str, object]) -> PlanEntry:
    code = str(row["code"])
    name = str(row["file"] or code)
    plan: Plan | None = None
    issues: list[Issue] = []
    try:
        data, lines = load_yaml(Path(name), str(row["document"]))
        plan = validate_document(Plan, data, name, lines)
        issues = ctx.catalogue.check_plan(plan, name)
    except ValidationFailed as exc:
        issues = exc.issues
    problem = _problem(code, plan, issues, ctx) if issues else ("", "")
    return PlanEntry(
        code=code,
        title_zh=str(row["title_zh"]),
        title_en=str(row["title_en"]),
        file=str(row["file"]) if row["file"] else None,
        builtin=bool(row["builtin"]),
        loaded_at=row["loaded_at"],  # type: ignore[arg-type]
        archived=row.get("status") == ARCHIVED,
        plan=None if issues else plan,
        problem_zh=problem[0],
        problem_en=problem[1],
    )


def plan_entries(ctx: Context) -> list[PlanEntry]:
    """Every stored plan, archived and unusable ones too, by code."""

    def read() -> list[PlanEntry]:
        with ctx.reading() as conn:
            rows = plan_documents(conn)
        return [_read(ctx, r) for r in rows]

    return ctx.memo(("plan_entries",), read, on=("entities", "definitions"))


def active_plans(ctx: Context) -> list[Plan]:
    """The plans the default views show: usable and not archived."""
    return [e.plan for e in plan_entries(ctx) if e.plan is not None and not e.archived]


def unusable_plans(ctx: Context) -> list[PlanEntry]:
    """Plans not archived that cannot be used with the catalogue in use."""
    return [e for e in plan_entries(ctx) if not e.usable and not e.archived]


def find_plan_entry(ctx: Context, code: str) -> PlanEntry:
    entries = plan_entries(ctx)
    for e in entries:
        if e.code == code:
            return e
    raise NotFound(
        f"未找到计划 / no such plan: {code!r} (stored: {', '.join(e.code for e in entries)})"
    )


def archive_plan(ctx: Context, code: str, *, archived: bool = True, by: Principal = SYSTEM) -> bool:
    """Archive a plan (kept, read-only, out of the default views), or take it back out of
    the archive; False when it already was so."""
    entry = find_plan_entry(ctx, code)
    if entry.archived == archived:
        return False
    with ctx.transaction() as conn:
        set_plan_status(conn, code, ARCHIVED if archived else ACTIVE)
        audit(
            conn,
            actor=by.username,
            action="archive" if archived else "unarchive",
            object_type="plan",
            object_id=code,
            details={},
        )
    return True


@dataclass(frozen=True)
class PlanDependents:
    """What depends on a plan: forms that name it, submissions of those forms, stored
    assessments of its targets."""

    forms: tuple[str, ...]
    submissions: int
    assessments: int

    @property
    def any(self) -> bool:
        return bool(self.forms or self.submissions or self.assessments)

    def text_zh(self) -> str:
        parts = []
        if self.forms:
            parts.append(f"报表 {'、'.join(self.forms)} 引用了它")
        if self.submissions:
            parts.append(f"这些报表已有 {self.submissions} 份填报")
        if self.assessments:
            parts.append(f"已存 {self.assessments} 条目标评估")
        return "；".join(parts)

    def text_en(self) -> str:
        parts = []
        if self.forms:
            parts.append(f"forms {', '.join(self.forms)} name it")
        if self.submissions:
            parts.append(f"those forms have {self.submissions} submission(s)")
        if self.assessments:
            parts.append(f"{self.assessments} stored assessment(s) of its targets")
        return "; ".join(parts)


def _forms_naming(ctx: Context, code: str) -> tuple[str, ...]:
    with ctx.reading() as conn:
        rows = form_documents(conn)
    out = []
    for r in rows:
        try:
            data, _ = load_yaml(Path(r["file"] or r["code"]), r["document"])
        except ValidationFailed:
            continue
        per = data.get("per_measure") if isinstance(data, dict) else None
        if isinstance(per, dict) and per.get("plan") == code:
            out.append(str(r["code"]))
    return tuple(out)


def plan_dependents(ctx: Context, code: str) -> PlanDependents:
    find_plan_entry(ctx, code)
    forms = _forms_naming(ctx, code)
    with ctx.reading() as conn:
        return PlanDependents(forms, submission_count(conn, forms), assessment_count(conn, code))


def remove_plan(
    ctx: Context, code: str, *, force: bool = False, by: Principal = SYSTEM
) -> PlanDependents:
    """Remove a plan; refused (:class:`Conflict`, with the reason) while forms, submissions
    or assessments depend on it, unless ``force``, which removes them with it, in one
    transaction.  Returns what was removed with it."""
    deps = plan_dependents(ctx, code)
    if deps.any and not force:
        raise Conflict(
            f"计划 {code} 不能删除：{deps.text_zh()}（加 --force 一并删除） / plan {code} "
            f"cannot be removed: {deps.text_en()} (--force removes them with it)"
        )
    with ctx.transaction() as conn:
        delete_plan(conn, code, deps.forms)
        audit(
            conn,
            actor=by.username,
            action="remove",
            object_type="plan",
            object_id=code,
            details={
                "forms": list(deps.forms),
                "submissions": deps.submissions,
                "assessments": deps.assessments,
            },
        )
    ctx.invalidate()
    return deps
