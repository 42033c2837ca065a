"""Accounts: users, API tokens and login attempts (for throttling).

Rows come back as plain dicts; times as UTC-aware datetimes where a caller compares them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, insert, select, update

from wenzeng.store.clock import as_utc
from wenzeng.store.tables import api_token, login_attempt, user


# -- users ------------------------------------------------------------------------------------
def user_by_name(conn: Connection, username: str) -> dict[str, Any] | None:
    row = conn.execute(select(user).where(user.c.username == username)).first()
    return dict(row._mapping) if row is not None else None


def user_by_id(conn: Connection, user_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(user).where(user.c.id == user_id)).first()
    return dict(row._mapping) if row is not None else None


def users(conn: Connection) -> list[dict[str, Any]]:
    """Every user, by username."""
    return [dict(r._mapping) for r in conn.execute(select(user).order_by(user.c.username))]


def insert_user(conn: Connection, values: dict[str, Any]) -> int:
    return int(conn.execute(insert(user).values(**values).returning(user.c.id)).scalar_one())


def set_password_hash(conn: Connection, user_id: int, password_hash: str) -> None:
    conn.execute(update(user).where(user.c.id == user_id).values(password_hash=password_hash))


def set_user_active(conn: Connection, user_id: int, active: bool) -> None:
    conn.execute(update(user).where(user.c.id == user_id).values(active=active))


def next_session_epoch(conn: Connection, user_id: int) -> int:
    """Raise a user's session epoch: every web session signed with an older one ends."""
    return int(
        conn.execute(
            update(user)
            .where(user.c.id == user_id)
            .values(session_epoch=user.c.session_epoch + 1)
            .returning(user.c.session_epoch)
        ).scalar_one()
    )


def mail_recipients(conn: Connection, entity: str) -> list[tuple[int, str]]:
    """(id, e-mail) of the active users with an e-mail address who speak for ``entity``."""
    rows = conn.execute(
        select(user.c.id, user.c.email).where(
            user.c.entity == entity, user.c.active.is_(True), user.c.email.is_not(None)
        )
    )
    return [(int(r.id), str(r.email)) for r in rows]


# -- login attempts -----------------------------------------------------------------------------
def record_login(
    conn: Connection, username: str, at: datetime, ok: bool, client: str | None = None
) -> None:
    conn.execute(insert(login_attempt).values(username=username, at=at, ok=ok, client=client))


def _failures(
    conn: Connection, who: ColumnElement[bool], since: datetime, until: datetime
) -> list[datetime]:
    """Times (UTC) of the failed logins matching ``who`` in (since, until], oldest first."""
    rows = conn.execute(
        select(login_attempt.c.at)
        .where(
            who,
            login_attempt.c.ok.is_(False),
            login_attempt.c.at > since,
            login_attempt.c.at <= until,
        )
        .order_by(login_attempt.c.at)
    )
    return [as_utc(r.at) for r in rows]


def client_failures(
    conn: Connection, client: str, since: datetime, until: datetime
) -> list[datetime]:
    """Times (UTC) of the failed logins from ``client`` in (since, until], whatever the name;
    a successful login does not reset them (an attacker may have an account of their own)."""
    return _failures(conn, login_attempt.c.client == client, since, until)


def failures_since_last_login(
    conn: Connection, username: str, since: datetime, until: datetime
) -> list[datetime]:
    """Times (UTC) of the failed logins in (since, until] after the last successful one."""
    last_ok = conn.execute(
        select(func.max(login_attempt.c.at)).where(
            login_attempt.c.username == username,
            login_attempt.c.ok.is_(True),
            login_attempt.c.at > since,
            login_attempt.c.at <= until,
        )
    ).scalar_one_or_none()
    start = max(since, as_utc(last_ok)) if last_ok is not None else since
    return _failures(conn, login_attempt.c.username == username, start, until)


# -- API tokens ---------------------------------------------------------------------------------
def insert_token(
    conn: Connection,
    *,
    user_id: int,
    name: str,
    token_hash: str,
    created_at: datetime,
    expires_at: datetime | None = None,
    read_only: bool = False,
) -> int:
    return int(
        conn.execute(
            insert(api_token)
            .values(
                user_id=user_id,
                name=name,
                token_hash=token_hash,
                created_at=created_at,
                revoked=False,
                expires_at=expires_at,
                read_only=read_only,
            )
            .returning(api_token.c.id)
        ).scalar_one()
    )


def token_with_owner(conn: Connection, token_id: int) -> dict[str, Any] | None:
    """A token's name, whether it is revoked, and its owner's id and username."""
    row = conn.execute(
        select(api_token.c.name, api_token.c.revoked, api_token.c.user_id, user.c.username)
        .join(user, user.c.id == api_token.c.user_id)
        .where(api_token.c.id == token_id)
    ).first()
    if row is None:
        return None
    return dict(row._mapping) | {"revoked": bool(row.revoked)}


def revoke_token(conn: Connection, token_id: int) -> None:
    conn.execute(update(api_token).where(api_token.c.id == token_id).values(revoked=True))


def _utc_or_none(when: datetime | None) -> datetime | None:
    return as_utc(when) if when is not None else None


def user_tokens(conn: Connection, user_id: int) -> list[dict[str, Any]]:
    """A user's tokens without their hashes, oldest first."""
    rows = conn.execute(
        select(
            api_token.c.id,
            api_token.c.name,
            api_token.c.read_only,
            api_token.c.created_at,
            api_token.c.expires_at,
            api_token.c.last_used_at,
            api_token.c.revoked,
        )
        .where(api_token.c.user_id == user_id)
        .order_by(api_token.c.id)
    )
    return [
        dict(r._mapping) | {"revoked": bool(r.revoked), "read_only": bool(r.read_only)}
        for r in rows
    ]


def user_for_token(conn: Connection, token_hash: str) -> dict[str, Any] | None:
    """The user of an unrevoked token, with the token's ``token_id``, ``read_only``,
    ``expires_at`` and ``last_used_at`` (UTC or None)."""
    row = conn.execute(
        select(
            user,
            api_token.c.id.label("token_id"),
            api_token.c.read_only,
            api_token.c.expires_at,
            api_token.c.last_used_at,
        )
        .join(api_token, api_token.c.user_id == user.c.id)
        .where(api_token.c.token_hash == token_hash, api_token.c.revoked.is_(False))
    ).first()
    if row is None:
        return None
    found = dict(row._mapping)
    found["read_only"] = bool(found["read_only"])
    found["expires_at"] = _utc_or_none(found["expires_at"])
    found["last_used_at"] = _utc_or_none(found["last_used_at"])
    return found


def touch_token(conn: Connection, token_id: int, at: datetime) -> None:
    conn.execute(update(api_token).where(api_token.c.id == token_id).values(last_used_at=at))
