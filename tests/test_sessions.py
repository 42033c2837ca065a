"""Web sessions end from the server: logout, a new password and disabling end every session
of the user, on every browser, and an old copy of the cookie no longer works."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from web_session import PASSWORD, login
from wenzeng.auth.principal import SYSTEM
from wenzeng.cli import run
from wenzeng.errors import Forbidden
from wenzeng.services import accounts
from wenzeng.services.context import Context
from wenzeng.store.tables import audit_log
from wenzeng.web.app import create_app

COOKIE = "wenzeng_session"


@pytest.fixture
def app_ctx(ctx: Context) -> Iterator[Context]:
    accounts.add_user(ctx, SYSTEM, username="ana", role="analyst", password=PASSWORD)
    accounts.add_user(ctx, SYSTEM, username="ben", role="analyst", password=PASSWORD)
    yield ctx


def _browser(ctx: Context, user: str) -> tuple[TestClient, str]:
    client = TestClient(create_app(ctx.settings, ctx))
    client.__enter__()
    csrf = login(client, user)
    assert client.get("/api/v1/me").status_code == 200
    return client, csrf


def _status_with(ctx: Context, cookie: str) -> int:
    """/api/v1/me for a browser that kept a copy of the cookie."""
    with TestClient(create_app(ctx.settings, ctx), cookies={COOKIE: cookie}) as replay:
        return replay.get("/api/v1/me").status_code


def test_logout_ends_every_session_of_the_user(app_ctx: Context) -> None:
    first, csrf = _browser(app_ctx, "ana")
    second, _ = _browser(app_ctx, "ana")
    other, _ = _browser(app_ctx, "ben")
    kept = first.cookies[COOKIE]
    r = first.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert first.get("/api/v1/me").status_code == 401
    assert second.get("/api/v1/me").status_code == 401  # the other browser too
    assert _status_with(app_ctx, kept) == 401  # a copy of the cookie
    assert other.get("/api/v1/me").status_code == 200  # other users are not affected
    # a new login works again
    login(first, "ana")
    assert first.get("/api/v1/me").status_code == 200
    for c in (first, second, other):
        c.__exit__(None, None, None)


def test_a_new_password_ends_every_session(app_ctx: Context) -> None:
    browser, _ = _browser(app_ctx, "ana")
    kept = browser.cookies[COOKIE]
    accounts.set_password(app_ctx, SYSTEM, "ana", "a brand new passphrase")
    assert browser.get("/api/v1/me").status_code == 401
    assert _status_with(app_ctx, kept) == 401
    browser.__exit__(None, None, None)


def test_password_and_logout_from_the_command_line(
    app_ctx: Context, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WENZENG_DATABASE_URL", app_ctx.settings.effective_database_url)
    browser, _ = _browser(app_ctx, "ana")
    monkeypatch.setattr(sys, "stdin", io.StringIO("a brand new passphrase\n"))
    assert run(["user", "passwd", "ana", "--password-stdin"]) == 0
    assert browser.get("/api/v1/me").status_code == 401

    other, _ = _browser(app_ctx, "ben")
    assert run(["user", "logout", "ben"]) == 0
    assert "every session of ben ended" in capsys.readouterr().out
    assert other.get("/api/v1/me").status_code == 401
    assert run(["user", "logout", "nobody"]) == 4
    for c in (browser, other):
        c.__exit__(None, None, None)


def test_disabling_ends_sessions_for_good(app_ctx: Context) -> None:
    browser, _ = _browser(app_ctx, "ana")
    kept = browser.cookies[COOKIE]
    accounts.set_active(app_ctx, SYSTEM, "ana", False)
    assert _status_with(app_ctx, kept) == 401
    accounts.set_active(app_ctx, SYSTEM, "ana", True)
    assert _status_with(app_ctx, kept) == 401  # enabling again does not bring it back
    browser.__exit__(None, None, None)


def test_a_login_starts_a_new_session_and_logging_in_again_keeps_others(
    app_ctx: Context,
) -> None:
    first, _ = _browser(app_ctx, "ana")
    second, _ = _browser(app_ctx, "ana")
    before = second.cookies[COOKIE]
    login(second, "ana")
    assert second.cookies[COOKIE] != before  # rotated at login
    assert first.get("/api/v1/me").status_code == 200  # a login alone ends nothing
    for c in (first, second):
        c.__exit__(None, None, None)


def test_logout_is_audited(app_ctx: Context) -> None:
    ana = accounts.authenticate(app_ctx, "ana", PASSWORD)
    accounts.end_sessions(app_ctx, ana, "ana")
    with pytest.raises(Forbidden, match="only an administrator or the user themself"):
        accounts.end_sessions(app_ctx, ana, "ben")
    with app_ctx.reading() as conn:
        actions = [r.action for r in conn.execute(select(audit_log.c.action))]
    assert actions[-1] == "logout"
