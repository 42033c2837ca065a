"""API tokens that expire and tokens that only read: the service, the API and the command line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from wenzeng.auth.principal import SYSTEM
from wenzeng.cli import run
from wenzeng.errors import Unauthorized, ValidationFailed
from wenzeng.services import accounts
from wenzeng.services.context import Context
from wenzeng.store.clock import now
from wenzeng.store.tables import api_token, audit_log
from wenzeng.web.app import create_app


@pytest.fixture
def client(ctx: Context) -> Iterator[TestClient]:
    accounts.add_user(ctx, SYSTEM, username="ana", role="admin")
    with TestClient(create_app(ctx.settings, ctx)) as c:
        yield c


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _expire(ctx: Context, when: datetime) -> None:
    with ctx.transaction() as conn:
        conn.execute(update(api_token).values(expires_at=when))


# -- expiry -----------------------------------------------------------------------------------------
def test_token_expiry_from_a_date_or_days() -> None:
    at = datetime(2026, 3, 1, 10, 30, tzinfo=UTC)
    assert accounts.token_expiry(when=at) is None
    assert accounts.token_expiry(until=date(2027, 1, 31), when=at) == datetime(
        2027, 2, 1, tzinfo=UTC
    )
    assert accounts.token_expiry(until=date(2026, 3, 1), when=at) == datetime(
        2026, 3, 2, tzinfo=UTC
    )  # today: until the day ends
    assert accounts.token_expiry(days=90, when=at) == at + timedelta(days=90)
    with pytest.raises(ValidationFailed, match="has passed"):
        accounts.token_expiry(until=date(2026, 2, 28), when=at)
    with pytest.raises(ValidationFailed, match="at least 1 day"):
        accounts.token_expiry(days=0, when=at)
    with pytest.raises(ValidationFailed, match="too many days"):
        accounts.token_expiry(days=10**9, when=at)
    with pytest.raises(ValidationFailed, match="not both"):
        accounts.token_expiry(until=date(2027, 1, 31), days=3, when=at)
    with pytest.raises(ValidationFailed, match="invalid expiry date"):
        accounts.token_expiry(until=date.max, when=at)


def test_an_expired_token_gets_401_with_its_own_message(ctx: Context, client: TestClient) -> None:
    plain = accounts.create_token(ctx, SYSTEM, "ana", "short", expires_at=now() + timedelta(days=1))
    assert client.get("/api/v1/me", headers=_bearer(plain)).status_code == 200
    _expire(ctx, now() - timedelta(seconds=1))
    r = client.get("/api/v1/me", headers=_bearer(plain))
    assert r.status_code == 401
    assert r.json()["message"] == accounts.EXPIRED_TOKEN
    assert "令牌已过期" in r.json()["message"] and "has expired" in r.json()["message"]
    assert accounts.principal_for_token(ctx, plain) is None
    with pytest.raises(Unauthorized, match="has expired"):
        accounts.use_token(ctx, plain)
    # an unknown token keeps its own message
    r = client.get("/api/v1/me", headers=_bearer(plain + "x"))
    assert r.status_code == 401 and r.json()["message"] == accounts.INVALID_TOKEN
    listed = accounts.list_tokens(ctx, "ana")
    assert listed[0]["expired"] is True and listed[0]["expires_at"] is not None


def test_a_token_cannot_be_made_already_expired(ctx: Context) -> None:
    accounts.add_user(ctx, SYSTEM, username="ana", role="admin")
    with pytest.raises(ValidationFailed, match="expiry time has passed"):
        accounts.create_token(ctx, SYSTEM, "ana", "x", expires_at=now() - timedelta(minutes=1))


# -- read-only scope --------------------------------------------------------------------------------
def test_a_read_only_token_reads_but_changes_nothing(ctx: Context, client: TestClient) -> None:
    plain = accounts.create_token(ctx, SYSTEM, "ana", "dashboard", read_only=True)
    assert client.get("/api/v1/me", headers=_bearer(plain)).status_code == 200
    assert client.get("/api/v1/submissions", headers=_bearer(plain)).status_code == 200
    for method, url in [
        ("POST", "/api/v1/analysis"),
        ("PUT", "/api/v1/submissions/1"),
        ("POST", "/api/v1/submissions/1/accept"),
        ("POST", "/api/v1/reports/1/publish"),
        ("DELETE", "/api/v1/reports/1"),
    ]:
        r = client.request(method, url, headers=_bearer(plain), json={"as_of": "2025-01-31"})
        assert r.status_code == 403, (method, url, r.text)
        msg = r.json()["message"]
        assert "此令牌只读" in msg and f"read-only: it may not be used for {method}" in msg
    with ctx.reading() as conn:
        assert conn.execute(select(audit_log.c.action)).all()[-1].action == "token_create"
    # the same user's read-write token may change things
    full = accounts.create_token(ctx, SYSTEM, "ana", "runner")
    r = client.post("/api/v1/analysis", headers=_bearer(full), json={"as_of": "2025-01-31"})
    assert r.status_code == 202 and r.json()["job"]["status"] == "done", r.text
    scopes = {t["name"]: t["scope"] for t in accounts.list_tokens(ctx, "ana")}
    assert scopes == {"dashboard": "read-only", "runner": "read-write"}


def test_token_creation_is_audited_with_scope_and_expiry(ctx: Context) -> None:
    accounts.add_user(ctx, SYSTEM, username="ana", role="admin")
    until = datetime(2099, 1, 1, tzinfo=UTC)
    accounts.create_token(ctx, SYSTEM, "ana", "x", expires_at=until, read_only=True)
    with ctx.reading() as conn:
        details = conn.execute(select(audit_log.c.details)).all()[-1].details
    assert details == {
        "username": "ana",
        "name": "x",
        "scope": "read-only",
        "expires_at": "2099-01-01T00:00:00+00:00",
    }


# -- command line -----------------------------------------------------------------------------------
def test_token_options_on_the_command_line(
    ctx: Context, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WENZENG_DATABASE_URL", ctx.settings.effective_database_url)
    accounts.add_user(ctx, SYSTEM, username="bot", role="analyst")

    def call(*args: str) -> tuple[int, str, str]:
        code = run(["user", "token", *args])
        got = capsys.readouterr()
        return code, got.out, got.err

    code, out, err = call("create", "bot", "--name", "report", "--expires", "2099-01-31")
    assert code == 0, err
    assert out.strip().startswith("wz_") and "works until 2099-02-01 00:00 UTC" in err
    code, out, err = call("create", "bot", "--name", "read", "--days", "90", "--read-only")
    assert code == 0, err
    assert "read-only" in err
    read_token = out.strip()
    code, _, err = call("create", "bot", "--name", "x", "--days", "3", "--expires", "2099-01-31")
    assert code == 3 and "not both" in err
    code, _, err = call("create", "bot", "--name", "x", "--expires", "31/01/2099")
    assert code == 2 and "invalid date" in err
    code, _, err = call("create", "bot", "--name", "x", "--expires", "2001-01-31")
    assert code == 3 and "has passed" in err

    code, out, _ = call("list", "bot", "--format", "json")
    listed = {t["name"]: t for t in json.loads(out)}
    assert set(listed) == {"report", "read"}
    assert listed["report"]["scope"] == "read-write" and listed["read"]["scope"] == "read-only"
    assert listed["report"]["expires_at"].startswith("2099-02-01")
    assert listed["read"]["expires_at"] is not None and listed["read"]["expired"] is False
    assert listed["read"]["last_used_at"] is None
    assert accounts.principal_for_token(ctx, read_token) is not None
    code, out, _ = call("list", "bot", "--format", "json")
    assert {t["name"]: t for t in json.loads(out)}["read"]["last_used_at"] is not None
    code, out, _ = call("list", "bot")
    assert code == 0 and "read-only" in out and "scope" in out and "expires" in out
