"""Accounts: users, passwords, logins (with throttling) and API tokens.

Every use case runs in one transaction and records its changes in the
audit log.  Secrets never leave this module except the plain API token,
returned once by :func:`create_token`; the audit log holds neither password
hashes nor tokens.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from wenzeng.auth import policy
from wenzeng.auth.passwords import (
    check_password_policy,
    dummy_hash,
    hash_password,
    hash_token,
    new_token,
    password_needs_rehash,
    verify_password,
)
from wenzeng.auth.principal import Principal, Role
from wenzeng.errors import (
    Conflict,
    NotFound,
    TooManyRequests,
    Unauthorized,
    ValidationFailed,
)
from wenzeng.services.context import Context
from wenzeng.store import Connection
from wenzeng.store import accounts as store
from wenzeng.store.audit import audit
from wenzeng.store.clock import as_utc, now

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,63}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TOKEN_LAST_USED_EVERY = timedelta(minutes=1)

WRONG_LOGIN = "用户名或密码错误 / wrong username or password"


# -- helpers ----------------------------------------------------------------------------------------
def _utc(when: datetime | None) -> datetime:
    """``when`` in UTC (naive values are taken as UTC); now when not given."""
    return now() if when is None else as_utc(when)


def _user_row(conn: Connection, username: str) -> dict[str, Any]:
    row = store.user_by_name(conn, username)
    if row is None:
        raise NotFound(f"未知用户 / unknown user: {username!r}")
    return row


def _public(row: Mapping[Any, Any]) -> dict[str, Any]:
    """A user row as shown to callers: everything but the password hash and the session
    epoch."""
    out = {k: v for k, v in row.items() if k not in ("password_hash", "session_epoch")}
    out["active"] = bool(out["active"])
    out["has_password"] = row["password_hash"] is not None
    return out


def _audit_view(row: Mapping[Any, Any]) -> dict[str, Any]:
    """What the audit log keeps of a user (JSON-safe, no secrets)."""
    return {
        "username": row["username"],
        "display_name": row["display_name"],
        "role": row["role"],
        "entity": row["entity"],
        "email": row["email"],
        "active": bool(row["active"]),
        "has_password": row["password_hash"] is not None,
    }


def _check_username(username: str) -> None:
    if not USERNAME_RE.match(username):
        raise ValidationFailed(
            f"用户名无效：{username!r}，应为 2–64 个小写字母、数字或 _ . -，以字母或数字开头 / "
            f"invalid username {username!r}: 2–64 lower-case letters, digits, _ . or -, "
            "starting with a letter or digit"
        )


def _check_role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise ValidationFailed(
            f"未知角色：{role!r}，可选 {names} / unknown role {role!r}; one of {names}"
        ) from None


def _check_entity(ctx: Context, role: Role, entity: str | None) -> str | None:
    """The code of the entity a user of ``role`` speaks for (None for staff and the public)."""
    if entity is not None and not entity.strip():
        entity = None
    kinds = policy.entity_kinds_for(role)
    if not kinds:
        if entity is not None:
            raise ValidationFailed(
                f"角色 {role.value} 不代表任何主体，不能指定主体 {entity!r} / "
                f"role {role.value} speaks for no entity: remove {entity!r}"
            )
        return None
    wanted = ", ".join(k.value for k in kinds)
    if entity is None:
        raise ValidationFailed(
            f"角色 {role.value} 需要指定主体（{wanted}） / "
            f"role {role.value} needs an entity ({wanted})"
        )
    found = ctx.catalogue.find_entity(entity)
    if found is None:  # an enterprise stored since the catalogue was read
        ctx.invalidate()
        found = ctx.catalogue.find_entity(entity)
    if found is None:
        raise ValidationFailed(f"未知主体 / unknown entity: {entity!r}")
    if found.kind not in kinds:
        raise ValidationFailed(
            f"主体 {found.code}（{found.name.zh}）的类型是 {found.kind.value}，"
            f"角色 {role.value} 需要 {wanted} / entity {found.code} ({found.name.en}) is a "
            f"{found.kind.value}; role {role.value} needs {wanted}"
        )
    return found.code


def _check_email(email: str | None) -> str | None:
    if email is None or not email.strip():
        return None
    email = email.strip()
    if not EMAIL_RE.match(email):
        raise ValidationFailed(f"电子邮箱地址无效 / invalid e-mail address: {email!r}")
    return email


def principal_from_row(ctx: Context, row: Mapping[Any, Any]) -> Principal:
    """The principal of a stored user; an association user gets its association's sectors."""
    role = Role(row["role"])
    sectors: frozenset[str] = frozenset()
    if role is Role.ASSOCIATION and row["entity"]:
        found = ctx.catalogue.find_entity(row["entity"])
        if found is not None:
            sectors = frozenset(found.sectors)
    return Principal(
        username=row["username"],
        role=role,
        user_id=row["id"],
        entity=row["entity"],
        display_name=row["display_name"] or row["username"],
        email=row["email"],
        sectors=sectors,
    )


# -- users ------------------------------------------------------------------------------------------
def add_user(
    ctx: Context,
    actor: Principal,
    *,
    username: str,
    role: Role | str,
    entity: str | None = None,
    display_name: str | None = None,
    email: str | None = None,
    password: str | None = None,
) -> dict[str, Any]:
    """Create a user (administrators only). Without a password the user can use tokens only."""
    policy.require_user_admin(actor)
    _check_username(username)
    the_role = _check_role(role)
    code = _check_entity(ctx, the_role, entity)
    mail = _check_email(email)
    if password is not None:
        check_password_policy(password, username)
    values = {
        "username": username,
        "display_name": (display_name or "").strip() or username,
        "role": the_role.value,
        "entity": code,
        "email": mail,
        "password_hash": hash_password(password) if password is not None else None,
        "active": True,
        "created_at": now(),
    }
    with ctx.transaction() as conn:
        if store.user_by_name(conn, username) is not None:
            raise Conflict(f"用户名已存在 / the username is taken: {username!r}")
        user_id = store.insert_user(conn, values)
        row = _user_row(conn, username)
        audit(
            conn,
            actor=actor.username,
            action="add",
            object_type="user",
            object_id=user_id,
            details={"new": _audit_view(row)},
        )
    return _public(row)


def list_users(ctx: Context) -> list[dict[str, Any]]:
    with ctx.reading() as conn:
        return [_public(r) for r in store.users(conn)]


def get_user(ctx: Context, username: str) -> dict[str, Any]:
    with ctx.reading() as conn:
        return _public(_user_row(conn, username))


def set_password(ctx: Context, actor: Principal, username: str, password: str) -> None:
    """Set a user's password (administrators, or the user themself); every web session of
    the user ends."""
    check_password_policy(password, username)
    hashed = hash_password(password)
    with ctx.transaction() as conn:
        row = _user_row(conn, username)
        policy.require_admin_or_self(actor, row["id"])
        store.set_password_hash(conn, row["id"], hashed)
        store.next_session_epoch(conn, row["id"])  # every session of the old password ends
        audit(
            conn,
            actor=actor.username,
            action="passwd",
            object_type="user",
            object_id=row["id"],
            details={"username": username, "had_password": row["password_hash"] is not None},
        )


def set_active(ctx: Context, actor: Principal, username: str, active: bool) -> None:
    """Enable or disable a user (administrators only); a disabled user's tokens stop working
    and their web sessions end (for good: enabling the user again does not restore them)."""
    policy.require_user_admin(actor)
    with ctx.transaction() as conn:
        row = _user_row(conn, username)
        if not active and actor.authenticated and actor.user_id == row["id"]:
            raise Conflict("不能停用自己的账户 / you cannot disable your own account")
        if bool(row["active"]) == active:
            return
        store.set_user_active(conn, row["id"], active)
        if not active:
            store.next_session_epoch(conn, row["id"])
        audit(
            conn,
            actor=actor.username,
            action="enable" if active else "disable",
            object_type="user",
            object_id=row["id"],
            details={
                "username": username,
                "old": {"active": bool(row["active"])},
                "new": {"active": active},
            },
        )


# -- logins -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Login:
    """A successful login: who, and the session epoch their web session must carry."""

    principal: Principal
    session_epoch: int


def _locked_until(failures: list[datetime], limit: int, window: timedelta) -> datetime | None:
    """When a sliding window of ``window`` again holds fewer than ``limit`` of ``failures``
    (sorted); None when it already does."""
    if len(failures) < limit:
        return None
    return failures[len(failures) - limit] + window


def _too_many(unlock: datetime, at: datetime, *, per_client: bool) -> TooManyRequests:
    seconds = max(1, math.ceil((unlock - at).total_seconds()))
    wait = max(1, math.ceil(seconds / 60))
    if per_client:
        return TooManyRequests(
            f"来自此地址的登录失败次数过多，请 {wait} 分钟后再试 / "
            f"too many failed logins from this address; try again in {wait} minutes",
            retry_after=seconds,
        )
    return TooManyRequests(
        f"登录失败次数过多，请 {wait} 分钟后再试 / "
        f"too many failed logins; try again in {wait} minutes",
        retry_after=seconds,
    )


def log_in(
    ctx: Context,
    username: str,
    password: str,
    *,
    client: str | None = None,
    when: datetime | None = None,
) -> Login:
    """The login for a username and password, or Unauthorized / TooManyRequests.

    Two sliding windows of ``login_window_minutes`` throttle guessing. After
    ``login_max_failures`` failed logins for one user name (counted since its last
    successful login), or ``login_max_failures_per_client`` failed logins from one client
    address whatever names they tried (password spraying), the password is not checked at
    all until the oldest of them leaves the window; refused attempts are not recorded, so
    they do not extend the lock.
    """
    at = _utc(when)
    name = username.strip().lower()[:64]
    address = client[:64] if client else None
    window = timedelta(minutes=ctx.settings.login_window_minutes)
    done: Login | None = None
    refused: TooManyRequests | None = None
    with ctx.transaction() as conn:
        client_unlock = None
        if address is not None:
            client_unlock = _locked_until(
                store.client_failures(conn, address, at - window, at),
                ctx.settings.login_max_failures_per_client,
                window,
            )
        name_unlock = _locked_until(
            store.failures_since_last_login(conn, name, at - window, at),
            ctx.settings.login_max_failures,
            window,
        )
        if client_unlock is not None:
            refused = _too_many(client_unlock, at, per_client=True)
        elif name_unlock is not None:
            refused = _too_many(name_unlock, at, per_client=False)
        else:
            m = store.user_by_name(conn, name)
            stored = m["password_hash"] if m is not None else None
            ok = verify_password(stored or dummy_hash(), password) and stored is not None
            ok = ok and m is not None and bool(m["active"])
            if ok and m is not None:
                # reads the catalogue: before writing
                done = Login(principal_from_row(ctx, m), int(m["session_epoch"]))
            store.record_login(conn, name, at, ok, address)
            if ok and m is not None and stored is not None:
                if password_needs_rehash(stored):
                    store.set_password_hash(conn, m["id"], hash_password(password))
                audit(
                    conn,
                    actor=name,
                    action="login",
                    object_type="user",
                    object_id=m["id"],
                    details={"via": "password"},
                )
    # raised outside the transaction so that the failed attempt stays recorded
    if refused is not None:
        raise refused
    if done is None:
        raise Unauthorized(WRONG_LOGIN)
    return done


def authenticate(
    ctx: Context, username: str, password: str, *, when: datetime | None = None
) -> Principal:
    """The principal for a username and password (see :func:`log_in`)."""
    return log_in(ctx, username, password, when=when).principal


def principal_for_user(ctx: Context, user_id: int) -> Principal | None:
    """The principal of a user; None when the user is missing or disabled."""
    with ctx.reading() as conn:
        row = store.user_by_id(conn, user_id)
        if row is None or not row["active"]:
            return None
        return principal_from_row(ctx, row)


def principal_for_session(ctx: Context, user_id: int, session_epoch: int) -> Principal | None:
    """The principal of a web session; None when the user is missing or disabled, or their
    sessions were ended (logout, a new password, disabling) after this one began."""
    with ctx.reading() as conn:
        row = store.user_by_id(conn, user_id)
        if row is None or not row["active"] or row["session_epoch"] != session_epoch:
            return None
        return principal_from_row(ctx, row)


def end_sessions(ctx: Context, actor: Principal, username: str) -> None:
    """End every web session of a user, on every browser (administrators, or the user
    themself: logging out does this)."""
    with ctx.transaction() as conn:
        row = _user_row(conn, username)
        policy.require_admin_or_self(actor, row["id"])
        store.next_session_epoch(conn, row["id"])
        audit(
            conn,
            actor=actor.username,
            action="logout",
            object_type="user",
            object_id=row["id"],
            details={"username": username},
        )


# -- API tokens -------------------------------------------------------------------------------------
INVALID_TOKEN = "令牌无效或已吊销 / the token is invalid or revoked"
EXPIRED_TOKEN = "令牌已过期，请创建新令牌 / the token has expired; create a new one"
READ_ONLY = "read-only"
READ_WRITE = "read-write"


@dataclass(frozen=True)
class TokenUse:
    """Who a valid API token speaks for, and whether it may only read."""

    principal: Principal
    read_only: bool


def token_expiry(
    *, until: date | None = None, days: int | None = None, when: datetime | None = None
) -> datetime | None:
    """When a token made now stops working: at the end of the day ``until`` (UTC), or
    ``days`` days from now; None (never, until revoked) when neither is given."""
    at = _utc(when)
    if until is not None and days is not None:
        raise ValidationFailed(
            "到期日与天数只能给出一个 / give either an expiry date or a number of days, not both"
        )
    if days is not None:
        if days < 1:
            raise ValidationFailed(
                f"有效天数至少为 1：{days} / a token is valid for at least 1 day, not {days}"
            )
        try:
            return at + timedelta(days=days)
        except OverflowError:
            raise ValidationFailed(f"有效天数过大 / too many days: {days}") from None
    if until is not None:
        if until < at.date():
            raise ValidationFailed(
                f"到期日 {until.isoformat()} 已过 / the expiry date {until.isoformat()} has passed"
            )
        if until >= date.max:
            raise ValidationFailed(f"到期日无效 / invalid expiry date: {until.isoformat()}")
        return datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC)
    return None


def create_token(
    ctx: Context,
    actor: Principal,
    username: str,
    name: str,
    *,
    expires_at: datetime | None = None,
    read_only: bool = False,
) -> str:
    """A new API token for a user (administrators, or the user themself); shown only now.

    ``expires_at`` (see :func:`token_expiry`) ends it by itself; a ``read_only`` token may
    only read (GET, HEAD, OPTIONS)."""
    label = name.strip()
    if not label or len(label) > 100:
        raise ValidationFailed(
            "令牌名称不能为空且不超过 100 个字符 / a token needs a name of 1–100 characters"
        )
    created = now()
    if expires_at is not None and as_utc(expires_at) <= created:
        raise ValidationFailed("令牌的到期时间已过 / the token's expiry time has passed")
    plain, digest = new_token()
    with ctx.transaction() as conn:
        row = _user_row(conn, username)
        policy.require_admin_or_self(actor, row["id"])
        token_id = store.insert_token(
            conn,
            user_id=row["id"],
            name=label,
            token_hash=digest,
            created_at=created,
            expires_at=as_utc(expires_at) if expires_at is not None else None,
            read_only=read_only,
        )
        details: dict[str, Any] = {"username": username, "name": label}
        if read_only:
            details["scope"] = READ_ONLY
        if expires_at is not None:
            details["expires_at"] = as_utc(expires_at).isoformat()
        audit(
            conn,
            actor=actor.username,
            action="token_create",
            object_type="token",
            object_id=token_id,
            details=details,
        )
    return plain


def revoke_token(ctx: Context, actor: Principal, token_id: int) -> None:
    """Revoke a token (administrators, or its owner). Revoking a revoked token does nothing."""
    with ctx.transaction() as conn:
        row = store.token_with_owner(conn, token_id)
        if row is None:
            raise NotFound(f"未知令牌 / unknown token: {token_id}")
        policy.require_admin_or_self(actor, row["user_id"])
        if row["revoked"]:
            return
        store.revoke_token(conn, token_id)
        audit(
            conn,
            actor=actor.username,
            action="token_revoke",
            object_type="token",
            object_id=token_id,
            details={"username": row["username"], "name": row["name"]},
        )


def list_tokens(ctx: Context, username: str) -> list[dict[str, Any]]:
    """A user's tokens, without their hashes: each with its scope (read-only or read-write),
    when it expires (None: never) and whether it has expired."""
    at = now()
    with ctx.reading() as conn:
        owner = _user_row(conn, username)
        rows = store.user_tokens(conn, owner["id"])
    out = []
    for r in rows:
        expires = r["expires_at"]
        out.append(
            {
                "id": r["id"],
                "name": r["name"],
                "scope": READ_ONLY if r["read_only"] else READ_WRITE,
                "created_at": r["created_at"],
                "expires_at": expires,
                "expired": expires is not None and as_utc(expires) <= at,
                "last_used_at": r["last_used_at"],
                "revoked": r["revoked"],
            }
        )
    return out


def use_token(ctx: Context, plain: str) -> TokenUse:
    """Who an API token speaks for; Unauthorized when it is unknown, revoked, its user
    disabled, or it has expired (with a message of its own).

    The look-up only reads; ``last_used_at`` is written, in a short transaction of its own,
    at most once a minute per token, so that API requests do not queue for the write lock.
    """
    row = None
    if plain:
        with ctx.reading() as conn:
            row = store.user_for_token(conn, hash_token(plain))
    if row is None or not row["active"]:
        raise Unauthorized(INVALID_TOKEN)
    at = now()
    if row["expires_at"] is not None and row["expires_at"] <= at:
        raise Unauthorized(EXPIRED_TOKEN)
    principal = principal_from_row(ctx, row)
    last = row["last_used_at"]
    if last is None or at - last >= TOKEN_LAST_USED_EVERY:
        with ctx.transaction() as conn:
            store.touch_token(conn, row["token_id"], at)
    return TokenUse(principal, row["read_only"])


def principal_for_token(ctx: Context, plain: str) -> Principal | None:
    """The principal of an API token; None when it is unknown, revoked, expired or its user
    disabled (see :func:`use_token`)."""
    try:
        return use_token(ctx, plain).principal
    except Unauthorized:
        return None
