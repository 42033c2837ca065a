"""Accounts: users, passwords, logins with throttling, API tokens, their audit trail and CLI."""

from __future__ import annotations

import hashlib
import io
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from wenzeng.auth.passwords import (
    check_password_policy,
    hash_password,
    hash_token,
    new_token,
    password_needs_rehash,
    verify_password,
)
from wenzeng.auth.principal import SYSTEM, Principal, Role
from wenzeng.cli import app, run
from wenzeng.cli.user import user_app
from wenzeng.errors import (
    Conflict,
    Forbidden,
    NotFound,
    TooManyRequests,
    Unauthorized,
    ValidationFailed,
)
from wenzeng.services import accounts
from wenzeng.services.context import Context
from wenzeng.store.clock import now
from wenzeng.store.entities import insert_entities
from wenzeng.store.tables import api_token, audit_log, login_attempt, user

PASSWORD = "correct horse battery"
ENTERPRISE = "ent_test_0001"


def _add_enterprise(ctx: Context) -> None:
    with ctx.transaction() as conn:
        insert_entities(
            conn,
            [
                {
                    "code": ENTERPRISE,
                    "kind": "enterprise",
                    "name_zh": "测试企业",
                    "name_en": "Test Enterprise",
                    "region": "110000",
                    "sector": "C39",
                    "simulated": True,
                }
            ],
        )
    ctx.invalidate()


def _audit(ctx: Context) -> list[dict[str, object]]:
    with ctx.reading() as conn:
        return [dict(r._mapping) for r in conn.execute(select(audit_log).order_by(audit_log.c.id))]


# -- passwords --------------------------------------------------------------------------------------
def test_password_hash_is_argon2id_and_verifies() -> None:
    hashed = hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$")
    assert PASSWORD not in hashed
    assert verify_password(hashed, PASSWORD)
    assert not verify_password(hashed, PASSWORD + "!")
    assert not verify_password("not a hash", PASSWORD)
    assert not password_needs_rehash(hashed)
    weak = "$argon2id$v=19$m=8,t=1,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG"
    assert password_needs_rehash(weak)


def test_password_policy() -> None:
    check_password_policy(PASSWORD, "alice")
    with pytest.raises(ValidationFailed, match="at least 10 characters"):
        check_password_policy("short", "alice")
    with pytest.raises(ValidationFailed, match="must not be the username"):
        check_password_policy("alice.wang.2024", "Alice.Wang.2024")


def test_tokens_are_prefixed_and_hashed_with_sha256() -> None:
    plain, digest = new_token()
    assert plain.startswith("wz_") and len(plain) > 40
    assert digest == hashlib.sha256(plain.encode()).hexdigest() == hash_token(plain)
    assert new_token()[0] != plain


# -- adding users -----------------------------------------------------------------------------------
def test_add_user_returns_the_user_without_the_hash(ctx: Context) -> None:
    added = accounts.add_user(
        ctx,
        SYSTEM,
        username="li.ming",
        role="province",
        entity="江苏",  # a name resolves to the code
        display_name="李明",
        email="li.ming@example.cn",
        password=PASSWORD,
    )
    assert added["entity"] == "320000" and added["role"] == "province"
    assert added["has_password"] and added["active"]
    assert "password_hash" not in added
    assert accounts.get_user(ctx, "li.ming")["display_name"] == "李明"
    with ctx.reading() as conn:
        stored = conn.execute(select(user.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    with pytest.raises(NotFound, match="unknown user"):
        accounts.get_user(ctx, "nobody")


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"username": "A", "role": "analyst"}, ValidationFailed, "invalid username"),
        ({"username": "Bob", "role": "analyst"}, ValidationFailed, "invalid username"),
        ({"username": "_bob", "role": "analyst"}, ValidationFailed, "invalid username"),
        ({"username": "bob", "role": "boss"}, ValidationFailed, "unknown role 'boss'"),
        ({"username": "bob", "role": "province"}, ValidationFailed, "needs an entity"),
        (
            {"username": "bob", "role": "province", "entity": "nowhere"},
            ValidationFailed,
            "unknown entity: 'nowhere'",
        ),
        (
            {"username": "bob", "role": "province", "entity": "assoc_csia"},
            ValidationFailed,
            "is a association; role province needs province, plan_city, xpcc",
        ),
        (
            {"username": "bob", "role": "association", "entity": "320000"},
            ValidationFailed,
            "role association needs association",
        ),
        (
            {"username": "bob", "role": "enterprise", "entity": "320000"},
            ValidationFailed,
            "role enterprise needs enterprise",
        ),
        (
            {"username": "bob", "role": "analyst", "entity": "320000"},
            ValidationFailed,
            "role analyst speaks for no entity",
        ),
        (
            {"username": "bob", "role": "public", "entity": "assoc_csia"},
            ValidationFailed,
            "role public speaks for no entity",
        ),
        (
            {"username": "bob", "role": "analyst", "email": "bob"},
            ValidationFailed,
            "invalid e-mail",
        ),
        (
            {"username": "bob", "role": "analyst", "password": "short"},
            ValidationFailed,
            "at least 10 characters",
        ),
        (
            {"username": "bob.smith.x", "role": "analyst", "password": "bob.smith.x"},
            ValidationFailed,
            "must not be the username",
        ),
    ],
)
def test_add_user_refuses(
    ctx: Context, kwargs: dict[str, str], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message) as info:
        accounts.add_user(ctx, SYSTEM, **kwargs)  # type: ignore[arg-type]
    assert " / " in str(info.value)  # bilingual
    assert accounts.list_users(ctx) == []
    assert _audit(ctx) == []


def test_add_user_duplicate_and_non_admin(ctx: Context) -> None:
    accounts.add_user(ctx, SYSTEM, username="ana", role=Role.ANALYST)
    with pytest.raises(Conflict, match="username is taken: 'ana'"):
        accounts.add_user(ctx, SYSTEM, username="ana", role=Role.ADMIN)
    analyst = Principal(username="ana", role=Role.ANALYST, user_id=1)
    with pytest.raises(Forbidden, match="only administrators"):
        accounts.add_user(ctx, analyst, username="eve", role=Role.ADMIN)
    assert [u["username"] for u in accounts.list_users(ctx)] == ["ana"]


def test_reporters_of_every_kind(ctx: Context) -> None:
    _add_enterprise(ctx)
    accounts.add_user(ctx, SYSTEM, username="ent", role="enterprise", entity=ENTERPRISE)
    accounts.add_user(ctx, SYSTEM, username="csia", role="association", entity="CSIA")
    accounts.add_user(ctx, SYSTEM, username="xpcc", role="province", entity="新疆生产建设兵团")
    users = {u["username"]: u for u in accounts.list_users(ctx)}
    assert users["ent"]["entity"] == ENTERPRISE
    assert users["csia"]["entity"] == "assoc_csia"
    assert not users["csia"]["has_password"]  # token-only account
    with ctx.reading() as conn:
        row = conn.execute(select(user).where(user.c.username == "csia")).one()
    principal = accounts.principal_from_row(ctx, row._mapping)
    assert principal.role is Role.ASSOCIATION and principal.sectors == frozenset({"C397"})


# -- passwords and activity -------------------------------------------------------------------------
def test_set_password_by_admin_or_self_only(ctx: Context) -> None:
    a = accounts.add_user(ctx, SYSTEM, username="ana", role="analyst", password=PASSWORD)
    b = accounts.add_user(ctx, SYSTEM, username="ben", role="analyst", password=PASSWORD)
    ana = Principal(username="ana", role=Role.ANALYST, user_id=a["id"])
    accounts.set_password(ctx, ana, "ana", "a new passphrase")
    assert accounts.authenticate(ctx, "ana", "a new passphrase").user_id == a["id"]
    with pytest.raises(Forbidden, match="only an administrator or the user themself"):
        accounts.set_password(ctx, ana, "ben", "a new passphrase")
    with pytest.raises(ValidationFailed, match="at least 10"):
        accounts.set_password(ctx, SYSTEM, "ben", "short")
    accounts.set_password(ctx, SYSTEM, "ben", "another passphrase")
    assert accounts.authenticate(ctx, "ben", "another passphrase").user_id == b["id"]
    with pytest.raises(Forbidden):
        accounts.set_active(ctx, ana, "ben", False)
    with pytest.raises(NotFound):
        accounts.set_password(ctx, SYSTEM, "nobody", "another passphrase")


# -- logins -----------------------------------------------------------------------------------------
def test_authenticate(ctx: Context) -> None:
    accounts.add_user(
        ctx, SYSTEM, username="csia", role="association", entity="assoc_csia", password=PASSWORD
    )
    principal = accounts.authenticate(ctx, "csia", PASSWORD)
    assert principal.username == "csia" and principal.authenticated
    assert principal.entity == "assoc_csia" and principal.sectors == frozenset({"C397"})
    assert accounts.principal_for_user(ctx, principal.user_id or -1) == principal
    assert accounts.principal_for_user(ctx, 999) is None

    with pytest.raises(Unauthorized) as wrong:
        accounts.authenticate(ctx, "csia", "not the password")
    with pytest.raises(Unauthorized) as unknown:
        accounts.authenticate(ctx, "nobody", PASSWORD)
    assert wrong.value.message == unknown.value.message == accounts.WRONG_LOGIN
    assert wrong.value.status == 401

    accounts.set_active(ctx, SYSTEM, "csia", False)
    with pytest.raises(Unauthorized) as inactive:
        accounts.authenticate(ctx, "csia", PASSWORD)
    assert inactive.value.message == accounts.WRONG_LOGIN
    assert accounts.principal_for_user(ctx, principal.user_id or -1) is None
    accounts.set_active(ctx, SYSTEM, "csia", True)
    assert accounts.authenticate(ctx, "csia", PASSWORD) == principal

    with ctx.reading() as conn:
        attempts = [
            (r.username, r.ok)
            for r in conn.execute(select(login_attempt).order_by(login_attempt.c.id))
        ]
    assert attempts == [
        ("csia", True),
        ("csia", False),
        ("nobody", False),
        ("csia", False),
        ("csia", True),
    ]


def test_token_only_user_cannot_log_in_with_a_password(ctx: Context) -> None:
    accounts.add_user(ctx, SYSTEM, username="bot", role="analyst")
    with pytest.raises(Unauthorized, match="wrong username or password"):
        accounts.authenticate(ctx, "bot", "")


def test_throttling(ctx: Context) -> None:
    accounts.add_user(ctx, SYSTEM, username="ana", role="analyst", password=PASSWORD)
    t0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    for i in range(5):
        with pytest.raises(Unauthorized):
            accounts.authenticate(ctx, "ana", f"guess number {i}", when=t0 + timedelta(seconds=i))
    # locked: even the right password is refused, and the refusal does not extend the lock
    for minutes in (1, 10, 14):
        with pytest.raises(TooManyRequests) as locked:
            accounts.authenticate(ctx, "ana", PASSWORD, when=t0 + timedelta(minutes=minutes))
        assert locked.value.status == 429
    assert "try again in 1 minutes" in locked.value.message
    assert "请 1 分钟后再试" in locked.value.message
    with pytest.raises(TooManyRequests, match="try again in 15 minutes"):
        accounts.authenticate(ctx, "ana", PASSWORD, when=t0 + timedelta(seconds=5))
    # other users are not affected
    accounts.add_user(ctx, SYSTEM, username="ben", role="analyst", password=PASSWORD)
    accounts.authenticate(ctx, "ben", PASSWORD, when=t0 + timedelta(minutes=1))
    # the window has passed: the first failure no longer counts
    assert accounts.authenticate(ctx, "ana", PASSWORD, when=t0 + timedelta(minutes=15, seconds=1))
    with ctx.reading() as conn:
        rows = conn.execute(
            select(login_attempt.c.ok).where(login_attempt.c.username == "ana")
        ).all()
    assert [r.ok for r in rows] == [False] * 5 + [True]


def test_successful_login_resets_the_count(ctx: Context) -> None:
    accounts.add_user(ctx, SYSTEM, username="ana", role="analyst", password=PASSWORD)
    t0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    for i in range(4):
        with pytest.raises(Unauthorized):
            accounts.authenticate(ctx, "ana", "wrong", when=t0 + timedelta(seconds=i))
    accounts.authenticate(ctx, "ana", PASSWORD, when=t0 + timedelta(seconds=10))
    with pytest.raises(Unauthorized):
        accounts.authenticate(ctx, "ana", "wrong", when=t0 + timedelta(seconds=20))
    accounts.authenticate(ctx, "ana", PASSWORD, when=t0 + timedelta(seconds=30))


def test_outdated_hash_is_replaced_at_login(ctx: Context) -> None:
    from argon2 import PasswordHasher

    accounts.add_user(ctx, SYSTEM, username="ana", role="analyst", password=PASSWORD)
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    with ctx.transaction() as conn:
        conn.execute(update(user).values(password_hash=weak))
    accounts.authenticate(ctx, "ana", PASSWORD)
    with ctx.reading() as conn:
        stored = conn.execute(select(user.c.password_hash)).scalar_one()
    assert stored != weak and not password_needs_rehash(stored)
    assert verify_password(stored, PASSWORD)


# -- tokens -----------------------------------------------------------------------------------------
def test_tokens(ctx: Context) -> None:
    a = accounts.add_user(ctx, SYSTEM, username="ana", role="analyst", password=PASSWORD)
    accounts.add_user(ctx, SYSTEM, username="ben", role="analyst")
    ana = Principal(username="ana", role=Role.ANALYST, user_id=a["id"])
    plain = accounts.create_token(ctx, ana, "ana", "uploads")
    with pytest.raises(Forbidden):
        accounts.create_token(ctx, ana, "ben", "not mine")
    with pytest.raises(ValidationFailed, match="needs a name"):
        accounts.create_token(ctx, SYSTEM, "ben", "  ")
    with pytest.raises(NotFound):
        accounts.create_token(ctx, SYSTEM, "nobody", "x")

    with ctx.reading() as conn:
        stored = conn.execute(select(api_token)).one()
    assert stored.token_hash == hashlib.sha256(plain.encode()).hexdigest() != plain
    assert stored.last_used_at is None

    principal = accounts.principal_for_token(ctx, plain)
    assert principal is not None and principal.username == "ana" and principal.user_id == a["id"]
    assert accounts.principal_for_token(ctx, plain + "x") is None
    assert accounts.principal_for_token(ctx, "") is None

    listed = accounts.list_tokens(ctx, "ana")
    assert [t["name"] for t in listed] == ["uploads"]
    assert "token_hash" not in listed[0]
    first_use = listed[0]["last_used_at"]
    assert first_use is not None
    accounts.principal_for_token(ctx, plain)  # within a minute: last_used_at is not written again
    assert accounts.list_tokens(ctx, "ana")[0]["last_used_at"] == first_use
    old = now() - timedelta(minutes=5)
    with ctx.transaction() as conn:
        conn.execute(update(api_token).values(last_used_at=old))
    accounts.principal_for_token(ctx, plain)
    assert accounts.list_tokens(ctx, "ana")[0]["last_used_at"] != old.replace(tzinfo=None)

    accounts.set_active(ctx, SYSTEM, "ana", False)
    assert accounts.principal_for_token(ctx, plain) is None
    accounts.set_active(ctx, SYSTEM, "ana", True)
    assert accounts.principal_for_token(ctx, plain) is not None

    ben = Principal(username="ben", role=Role.ANALYST, user_id=a["id"] + 1)
    with pytest.raises(Forbidden):
        accounts.revoke_token(ctx, ben, stored.id)
    accounts.revoke_token(ctx, ana, stored.id)
    accounts.revoke_token(ctx, ana, stored.id)  # again: nothing happens
    assert accounts.principal_for_token(ctx, plain) is None
    assert accounts.list_tokens(ctx, "ana")[0]["revoked"] is True
    with pytest.raises(NotFound, match="unknown token"):
        accounts.revoke_token(ctx, SYSTEM, 999)


# -- audit log --------------------------------------------------------------------------------------
def test_audit_log_records_changes_without_secrets(ctx: Context) -> None:
    a = accounts.add_user(ctx, SYSTEM, username="ana", role="analyst", password=PASSWORD)
    accounts.set_password(ctx, SYSTEM, "ana", "a new passphrase")
    accounts.authenticate(ctx, "ana", "a new passphrase")
    with pytest.raises(Unauthorized):
        accounts.authenticate(ctx, "ana", PASSWORD)
    plain = accounts.create_token(ctx, SYSTEM, "ana", "uploads")
    token_id = accounts.list_tokens(ctx, "ana")[0]["id"]
    accounts.revoke_token(ctx, SYSTEM, token_id)
    accounts.set_active(ctx, SYSTEM, "ana", False)
    accounts.set_active(ctx, SYSTEM, "ana", True)

    entries = _audit(ctx)
    assert [(e["actor"], e["action"], e["object_type"], e["object_id"]) for e in entries] == [
        ("system", "add", "user", str(a["id"])),
        ("system", "passwd", "user", str(a["id"])),
        ("ana", "login", "user", str(a["id"])),
        ("system", "token_create", "token", str(token_id)),
        ("system", "token_revoke", "token", str(token_id)),
        ("system", "disable", "user", str(a["id"])),
        ("system", "enable", "user", str(a["id"])),
    ]
    assert entries[0]["details"] == {
        "new": {
            "username": "ana",
            "display_name": "ana",
            "role": "analyst",
            "entity": None,
            "email": None,
            "active": True,
            "has_password": True,
        }
    }
    text = json.dumps([e["details"] for e in entries], ensure_ascii=False)
    with ctx.reading() as conn:
        stored_hash = conn.execute(select(user.c.password_hash)).scalar_one()
    for secret in (PASSWORD, "a new passphrase", plain, hash_token(plain), stored_hash, "argon2"):
        assert secret not in text


# -- command line -----------------------------------------------------------------------------------
@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    monkeypatch.setenv("WENZENG_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.delenv("WENZENG_DEBUG", raising=False)
    if not any(g.name == "user" for g in app.registered_groups):  # until cli.py registers it
        monkeypatch.setattr(app, "registered_groups", list(app.registered_groups))
        app.add_typer(user_app, name="user")

    def call(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = run(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    assert call("init")[0] == 0
    return call


def test_cli_users_and_tokens(cli, tmp_path: Path) -> None:
    code, out, err = cli(
        "user",
        "add",
        "li.ming",
        "--role",
        "province",
        "--entity",
        "320000",
        "--name",
        "李明",
        "--email",
        "li@example.cn",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert code == 0, err
    assert "added user li.ming" in out
    code, out, err = cli("user", "add", "bot", "--role", "analyst", "--no-password")
    assert code == 0, err

    code, out, err = cli("user", "add", "bot", "--role", "analyst", "--no-password")
    assert code == 6 and "username is taken" in err and "Traceback" not in err
    code, _, err = cli("user", "add", "x1", "--role", "province", "--no-password")
    assert code == 3 and "needs an entity" in err
    code, _, err = cli(
        "user", "add", "x2", "--role", "analyst", "--password-stdin", stdin="short\n"
    )
    assert code == 3 and "at least 10 characters" in err

    code, out, _ = cli("user", "list", "--format", "json")
    users = {u["username"]: u for u in json.loads(out)}
    assert set(users) == {"bot", "li.ming"}
    assert users["li.ming"]["entity"] == "320000" and users["li.ming"]["has_password"]
    assert not users["bot"]["has_password"]
    assert "password_hash" not in users["bot"]
    code, out, _ = cli("user", "list")
    assert code == 0 and "li.ming" in out and "李明" in out

    code, out, err = cli("user", "passwd", "bot", "--password-stdin", stdin="bot passphrase 1\n")
    assert code == 0, err

    code, out, err = cli("user", "token", "create", "bot", "--name", "nightly upload")
    assert code == 0, err
    token = out.strip()
    assert token.startswith("wz_") and "will not be shown again" in err
    code, out, _ = cli("user", "token", "list", "bot", "--format", "json")
    tokens = json.loads(out)
    assert [t["name"] for t in tokens] == ["nightly upload"] and token not in out

    # the stored account works with the services
    from wenzeng.config import load_settings

    ctx = Context.open(load_settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}"))
    try:
        assert accounts.authenticate(ctx, "li.ming", PASSWORD).entity == "320000"
        assert accounts.authenticate(ctx, "bot", "bot passphrase 1").username == "bot"
        principal = accounts.principal_for_token(ctx, token)
        assert principal is not None and principal.username == "bot"

        code, out, err = cli("user", "disable", "bot")
        assert code == 0 and "disabled" in out
        assert accounts.principal_for_token(ctx, token) is None
        code, out, err = cli("user", "enable", "bot")
        assert code == 0 and accounts.principal_for_token(ctx, token) is not None

        code, out, err = cli("user", "token", "revoke", str(tokens[0]["id"]))
        assert code == 0 and "revoked" in out
        assert accounts.principal_for_token(ctx, token) is None
        actions = [e["action"] for e in _audit(ctx)]
        assert actions == [
            "add",
            "add",
            "passwd",
            "token_create",
            "login",
            "login",
            "disable",
            "enable",
            "token_revoke",
        ]
    finally:
        ctx.close()

    code, _, err = cli("user", "token", "revoke", "999")
    assert code == 4 and "unknown token" in err
    code, _, err = cli("user", "disable", "nobody")
    assert code == 4 and "unknown user" in err
    code, _, err = cli(
        "user", "add", "x3", "--role", "analyst", "--no-password", "--password-stdin"
    )
    assert code == 2
