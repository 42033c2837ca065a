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
from wenzeng.errors import Forbidden, Unauthorized

PUBLISHED_SOURCES = frozenset({"published"})

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
    """Published figures are public; everything else follows the entity scope."""
    return source_kind in PUBLISHED_SOURCES or entity_in_scope(p, entity, cat)


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


# -- pages --
def may_see_warnings(p: Principal) -> bool:
    """Early warnings are for users who have logged in; the services scope which ones."""
    return p.authenticated


def may_handle_warnings(p: Principal) -> bool:
    """Department staff acknowledge and close warnings."""
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


def visible_records(
    p: Principal, records: Iterable[ObservationRecord], cat: Catalogue
) -> list[ObservationRecord]:
    """The records among ``records`` that ``p`` may see (:func:`may_see_record`)."""
    return [r for r in records if may_see_record(p, r.entity, r.source_kind, cat)]


def published_records(records: Iterable[ObservationRecord]) -> list[ObservationRecord]:
    """The published, not simulated, figures among ``records``: what everyone may see and
    what a target's page shows."""
    return [r for r in records if r.source_kind in PUBLISHED_SOURCES and not r.simulated]
