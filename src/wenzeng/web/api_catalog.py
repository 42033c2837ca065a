"""The JSON API of the plan life cycle and the user's catalogue entries (under /api/v1):
staff list them; administrators archive and remove, refused as on the command line while
something depends on what they remove (409, with the reason), unless ``force``."""

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import Field

from wenzeng.services import catalog_admin
from wenzeng.web.api_responses import errors
from wenzeng.web.deps import CtxDep
from wenzeng.web.json_body import StrictJsonRoute
from wenzeng.web.schemas import Page, Timestamp, _Answer, _Out
from wenzeng.web.security import UserDep

router = APIRouter(prefix="/api/v1", route_class=StrictJsonRoute)

ForceQuery = Annotated[
    bool,
    Query(
        description="remove even while something depends on it (what depends on it goes too, "
        "or becomes unusable)"
    ),
]


# -- the bodies ----------------------------------------------------------------------------------
class PlanDataOut(_Out):
    code: str
    title_zh: str
    title_en: str
    period_start: int | None = Field(description="first year; none when unusable")
    period_end: int | None
    state: Literal["in_force", "concluded", "archived", "unusable"]
    state_zh: str
    state_en: str
    problem_zh: str = Field(description="why the plan is unusable (empty when it is not)")
    problem_en: str
    builtin: bool
    origin: str = Field(description="内置, or the file it was loaded from")
    loaded_at: Timestamp


class PlanOut(_Answer):
    plan: PlanDataOut


class PlanPage(Page[PlanDataOut]):
    items: list[PlanDataOut] = Field(alias="plans")


class PlanRemovedOut(_Answer):
    removed: str
    forms: list[str] = Field(description="forms naming the plan, removed with it")
    submissions: int
    assessments: int


class CatalogEntryOut(_Out):
    kind: Literal["unit", "sector", "indicator", "entity", "report"]
    code: str
    name_zh: str
    name_en: str
    version: int
    source_file: str
    loaded_at: Timestamp
    loaded_by: str
    replaces_builtin: bool = Field(description="a report definition replacing a built-in one")


class CatalogEntryPage(Page[CatalogEntryOut]):
    items: list[CatalogEntryOut] = Field(alias="entries")


class EntryRemovedOut(_Answer):
    kind: str
    code: str
    used_by: list[str] = Field(description="what used the entry (removal forced)")


def _iso(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items()}


# -- plans ---------------------------------------------------------------------------------------
@router.get(
    "/plans",
    summary="Plans with their state: in force, concluded, archived, unusable (staff)",
    responses=errors(401, 403),
)
def plans_list(ctx: CtxDep, p: UserDep) -> PlanPage:
    rows = [_iso(r) for r in catalog_admin.list_plans(ctx, p)]
    return PlanPage.model_validate({"ok": True, "count": len(rows), "plans": rows})


@router.get(
    "/plans/{code}", summary="One plan with its state (staff)", responses=errors(401, 403, 404, 422)
)
def plan_detail(ctx: CtxDep, p: UserDep, code: str) -> PlanOut:
    return PlanOut.model_validate({"ok": True, "plan": _iso(catalog_admin.get_plan(ctx, p, code))})


@router.post(
    "/plans/{code}/archive",
    summary="Archive a plan: kept, out of the default views (administrators)",
    responses=errors(401, 403, 404, 422),
)
def plan_archive(ctx: CtxDep, p: UserDep, code: str) -> PlanOut:
    row = catalog_admin.archive_plan(ctx, p, code, archived=True)
    return PlanOut.model_validate({"ok": True, "plan": _iso(row)})


@router.post(
    "/plans/{code}/unarchive",
    summary="Take a plan out of the archive (administrators)",
    responses=errors(401, 403, 404, 422),
)
def plan_unarchive(ctx: CtxDep, p: UserDep, code: str) -> PlanOut:
    row = catalog_admin.archive_plan(ctx, p, code, archived=False)
    return PlanOut.model_validate({"ok": True, "plan": _iso(row)})


@router.delete(
    "/plans/{code}",
    summary="Remove a plan (administrators); refused while forms, submissions or assessments "
    "depend on it, unless force",
    responses=errors(401, 403, 404, 409, 422),
)
def plan_remove(ctx: CtxDep, p: UserDep, code: str, force: ForceQuery = False) -> PlanRemovedOut:
    gone = catalog_admin.remove_plan(ctx, p, code, force=force)
    return PlanRemovedOut.model_validate({"ok": True, "removed": code, **gone})


# -- catalogue entries ---------------------------------------------------------------------------
@router.get(
    "/catalog/entries",
    summary="The catalogue entries users loaded, with where they came from (staff)",
    responses=errors(401, 403, 422),
)
def catalog_entries(
    ctx: CtxDep,
    p: UserDep,
    kind: Annotated[
        Literal["unit", "sector", "indicator", "entity", "report"] | None,
        Query(description="only entries of this kind"),
    ] = None,
) -> CatalogEntryPage:
    rows = [_iso(r) for r in catalog_admin.list_entries(ctx, p, kind)]
    return CatalogEntryPage.model_validate({"ok": True, "count": len(rows), "entries": rows})


@router.delete(
    "/catalog/entries/{kind}/{code}",
    summary="Remove a user's catalogue entry (administrators); refused while a plan, form, "
    "report definition, series or other entry uses it, unless force",
    responses=errors(401, 403, 404, 409, 422),
)
def catalog_entry_remove(
    ctx: CtxDep, p: UserDep, kind: str, code: str, force: ForceQuery = False
) -> EntryRemovedOut:
    used = catalog_admin.remove_entry(ctx, p, kind, code, force=force)
    return EntryRemovedOut(ok=True, kind=kind, code=code, used_by=used)
