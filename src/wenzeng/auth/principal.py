"""Who is asking: users, roles and the entity a reporter speaks for."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"  # department staff: everything, accounts too
    ANALYST = "analyst"  # department staff: everything nationally, reviews and publishes
    PROVINCE = "province"  # a provincial authority (incl. 计划单列市 and 兵团): its own region
    ASSOCIATION = "association"  # a national industry association: its own sector
    ENTERPRISE = "enterprise"  # a key enterprise: itself
    PUBLIC = "public"  # published data only

    @property
    def is_staff(self) -> bool:
        return self in (Role.ADMIN, Role.ANALYST)

    @property
    def is_reporter(self) -> bool:
        return self in (Role.PROVINCE, Role.ASSOCIATION, Role.ENTERPRISE)


@dataclass(frozen=True)
class Principal:
    """An authenticated user (or the anonymous public) as the policy sees them."""

    username: str
    role: Role
    user_id: int | None = None
    entity: str | None = None  # region / association / enterprise code for reporters
    display_name: str = ""
    email: str | None = None
    sectors: frozenset[str] = field(default_factory=frozenset)  # an association's sectors

    @property
    def authenticated(self) -> bool:
        return self.user_id is not None


ANONYMOUS = Principal(username="anonymous", role=Role.PUBLIC)
SYSTEM = Principal(username="system", role=Role.ADMIN, user_id=0, display_name="WenZeng")
