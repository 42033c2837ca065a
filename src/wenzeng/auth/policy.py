"""Who may see and do what: the one place that decides.

Services call these functions before they read or change anything; the API
and the pages never decide on their own.

- Department staff (admin, analyst) see everything and review submissions.
- A provincial authority sees its own region: its own submissions, those of
  the key enterprises located in it, and their unpublished data.
- A national association sees its sector: its own submissions and those of
  the key enterprises in its sector classes.
- A key enterprise sees only itself.
- Everyone, the public included, sees published figures.
"""

from __future__ import annotations

from collections.abc import Iterable

from wenzeng.auth.principal import Principal, Role
from wenzeng.definitions.catalogue import Catalogue
from wenzeng.domain.catalog import REPORTING_REGION_KINDS, EntityKind
from wenzeng.domain.observation import ObservationRecord
from wenzeng.domain.plan import ReporterKind
from wenzeng.domain.visibility import EVERYTHING, PUBLISHED_ONLY, Visibility
from wenzeng.domain.visibility import PUBLISHED_SOURCES as PUBLISHED_SOURCES
from wenzeng.errors import Forbidden, Unauthorized

REPORTER_KINDS: dict[ReporterKind, tuple[EntityKind, ...]] = {
    ReporterKind.PROVINCE: REPORTING_REGION_KINDS,
    ReporterKind.PLAN_CITY: (EntityKind.PLAN_CITY,),
    ReporterKind.XPCC: (EntityKind.XPCC,),
    ReporterKind.ASSOCIATION: (EntityKind.ASSOCIATION,),
    ReporterKind.ENTERPRISE: (EntityKind.ENTERPRISE,),
}

ROLE_FOR_KIND: dict[EntityKind, Role] = {
    EntityKind.PROVINCE: Role.PROVINCE,
    EntityKind.PLAN_CITY: Role.PROVINCE,
    EntityKind.XPCC: Role.PROVINCE,
    EntityKind.ASSOCIATION: Role.ASSOCIATION,
    EntityKind.ENTERPRISE: Role.ENTERPRISE,
}


def require_login(p: Principal) -> None:
    if not p.authenticated:
        raise Unauthorized("请先登录 / please log in")


def require_staff(p: Principal) -> None:
    require_login(p)
    if not p.role.is_staff:
        raise Forbidden("仅限部门工作人员 / department staff only")


def _in_sector(sector: str | None, sectors: frozenset[str], cat: Catalogue) -> bool:
    while sector:
        if sector in sectors:
            return True
        parent = cat.sectors.get(sector)
        sector = parent.parent if parent else None
    return False


def entity_in_scope(p: Principal, code: str, cat: Catalogue) -> bool:
    """Whether ``p`` may see unpublished data and submissions of entity ``code``."""
    if p.role.is_staff:
        return True
    if not p.authenticated or p.entity is None:
        return False
    if code == p.entity:
        return True
    e = cat.find_entity(code)
    if e is None or e.kind is not EntityKind.ENTERPRISE:
        return False
    if p.role is Role.PROVINCE:
        return e.parent == p.entity
    if p.role is Role.ASSOCIATION:
        return any(_in_sector(s, p.sectors, cat) for s in e.sectors)
    return False


def may_see_record(p: Principal, entity: str, source_kind: str, cat: Catalogue) -> bool:
    """Published figures are public; everything else follows the entity scope (the rule of
    :func:`visibility`; for many records, compute that once and ask it)."""
    return visibility(p, cat).allows(entity, source_kind)


def require_entity(p: Principal, code: str, cat: Catalogue) -> None:
    require_login(p)
    if not entity_in_scope(p, code, cat):
        raise Forbidden(f"无权查看 {code} 的数据 / you may not see the data of {code}")


def require_reporter_for(
    p: Principal, reporter: str, form_reporter: ReporterKind, cat: Catalogue
) -> None:
    """``p`` may fill in and change the form for ``reporter``: it must be their own entity."""
    require_login(p)
    e = cat.find_entity(reporter)
    if e is None:
        raise Forbidden(f"未知的报送单位 / unknown reporter: {reporter}")
    if e.kind not in REPORTER_KINDS[form_reporter]:
        raise Forbidden(f"该报表不由 {e.name.zh} 填报 / this form is not filled in by {e.name.en}")
    if p.role.is_staff or p.entity != reporter:
        raise Forbidden(
            f"只能填报本单位的报表 / you may fill in forms only for your own organisation "
            f"({p.entity or 'none'}), not {reporter}"
        )


# -- collect --
def require_user_admin(p: Principal) -> None:
    """Creating, enabling and disabling accounts is for administrators."""
    if p.role != Role.ADMIN:
        raise Forbidden("只有管理员可以管理用户 / only administrators may manage users")


def may_administer_catalog(p: Principal) -> bool:
    """Archiving and removing plans and the user's catalogue entries is for administrators
    (staff see them)."""
    return p.authenticated and p.role == Role.ADMIN


def require_catalog_admin(p: Principal) -> None:
    require_staff(p)
    if not may_administer_catalog(p):
        raise Forbidden(
            "只有管理员可以归档或删除计划与目录条目 / only administrators may archive or "
            "remove plans and catalogue entries"
        )


def require_admin_or_self(p: Principal, user_id: int) -> None:
    """A password or an API token of a user is changed by an administrator or that user."""
    if p.role != Role.ADMIN and not (p.authenticated and p.user_id == user_id):
        raise Forbidden(
            "只有管理员或用户本人可以执行此操作 / only an administrator or the user themself "
            "may do this"
        )


def may_see_report(p: Principal, published: bool) -> bool:
    """Staff see every report, drafts too; everyone else only published reports."""
    return p.role.is_staff or published


def may_see_report_authors(p: Principal) -> bool:
    """Who made and who published a report is shown to staff only."""
    return p.role.is_staff


def submission_reporters(p: Principal, cat: Catalogue) -> list[str] | None:
    """The reporters whose submissions ``p`` may list; None when that is every reporter."""
    if p.role.is_staff:
        return None
    return [e.code for e in cat.entities.values() if entity_in_scope(p, e.code, cat)]


def entity_kinds_for(role: Role) -> tuple[EntityKind, ...]:
    """The kinds of entity a user of ``role`` may speak for; none for staff and the public."""
    return tuple(kind for kind, r in ROLE_FOR_KIND.items() if r is role)


# -- readpath --
def visibility(p: Principal, cat: Catalogue) -> Visibility:
    """The figures ``p`` may see, for the store to apply when it picks the newest vintage:
    published figures, and the unpublished ones of the entities in ``p``'s scope
    (:func:`entity_in_scope`: staff everything, a province its own region and the key
    enterprises located in it, an association itself and the enterprises of its sectors, an
    enterprise itself, the public none)."""
    if p.role.is_staff:
        return EVERYTHING
    if not p.authenticated or p.entity is None:
        return PUBLISHED_ONLY
    enterprises = (
        e.code for e in cat.entities_of(EntityKind.ENTERPRISE) if entity_in_scope(p, e.code, cat)
    )
    return Visibility(entities=frozenset({p.entity, *enterprises}))


def may_see_region_enterprises(p: Principal, code: str) -> bool:
    """The key enterprises located in a region: department staff and that region only."""
    return p.role.is_staff or (p.authenticated and p.entity == code)


def require_enterprise_lists(p: Principal) -> None:
    """The key enterprise lists are for the department, local authorities, associations and
    the enterprises, not the public."""
    require_login(p)
    if p.role is Role.PUBLIC:
        raise Forbidden(
            "重点企业名单仅对部门、地方、协会和企业用户开放 / the key enterprise lists are "
            "open to the department, local authorities, associations and enterprises only"
        )


def may_see_warning(p: Principal, entity: str, cat: Catalogue) -> bool:
    """A warning about the nation or the region groups: any logged-in user; about one
    entity: those whose scope holds it."""
    if entity in ("CN", "regions"):
        return p.authenticated
    return entity_in_scope(p, entity, cat)


# -- api --
def require_analysis_runner(p: Principal) -> None:
    """Running the analysis and keeping its results is for department staff."""
    require_staff(p)


# -- pages --
def may_see_warnings(p: Principal) -> bool:
    """Early warnings are for users who have logged in; the services scope which ones."""
    return p.authenticated


def may_handle_warnings(p: Principal) -> bool:
    """Department staff acknowledge and close warnings."""
    return p.role.is_staff


def may_review_submissions(p: Principal) -> bool:
    """Department staff accept or return submissions (and see the queue and the tracker)."""
    return p.role.is_staff


def may_manage_reports(p: Principal) -> bool:
    """Department staff generate, publish, withdraw and delete reports."""
    return p.role.is_staff


def require_reporter(p: Principal) -> str:
    """The organisation ``p`` reports for; only reporting organisations fill in forms."""
    require_login(p)
    if p.entity is None:
        raise Forbidden("只有报送单位可以填报 / only reporting organisations fill in forms")
    return p.entity


def fills_in(p: Principal, form_reporter: ReporterKind, cat: Catalogue) -> bool:
    """Whether the organisation of ``p`` is of the kind that fills in a form for
    ``form_reporter`` (the forms it owes)."""
    if p.entity is None:
        return False
    e = cat.find_entity(p.entity)
    return e is not None and e.kind in REPORTER_KINDS[form_reporter]


def published_records(records: Iterable[ObservationRecord]) -> list[ObservationRecord]:
    """The published, not simulated, figures among ``records``: what everyone may see and
    what a target's page shows."""
    return [r for r in records if r.source_kind in PUBLISHED_SOURCES and not r.simulated]


# -- security2 --
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def require_token_scope(read_only: bool, method: str) -> None:
    """A read-only API token reads: a request of any other method is refused."""
    if read_only and method.upper() not in READING_METHODS:
        raise Forbidden(
            f"此令牌只读，不能用于 {method.upper()} 请求 / this token is read-only: "
            f"it may not be used for {method.upper()} requests"
        )


# -- security2b --
def may_see_full_analysis(p: Principal) -> bool:
    """A stored analysis run as the department made it (on every figure: collected,
    unpublished and simulated, the key enterprises' too) is for department staff; everyone
    else sees the run's results computed on published figures only."""
    return p.role.is_staff


# -- jobs --
def require_job_starter(p: Principal, kind: str) -> None:
    """Who may start a job: an upload anyone who has logged in (each row is checked against
    the uploader's scope), a report or an analysis run department staff."""
    if kind == "upload":
        require_login(p)
    elif kind == "report":
        require_staff(p)
    else:
        require_analysis_runner(p)


def may_see_job(p: Principal, started_by: str) -> bool:
    """A job (its progress, its result, its errors) is seen by the account that started it
    and by department staff; to everyone else it does not exist."""
    return p.authenticated and (p.role.is_staff or p.username == started_by)


def job_list_owner(p: Principal) -> str | None:
    """Whose jobs a job list shows: every job to department staff (None), else one's own."""
    require_login(p)
    return None if p.role.is_staff else p.username
