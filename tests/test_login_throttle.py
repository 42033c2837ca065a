"""Password spraying: failed logins are counted per client address too, whatever the names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from web_session import PASSWORD, csrf
from wenzeng.auth.principal import SYSTEM
from wenzeng.errors import TooManyRequests, Unauthorized
from wenzeng.services import accounts
from wenzeng.services.context import Context
from wenzeng.store.tables import login_attempt
from wenzeng.web.app import create_app

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
SPRAYER = "203.0.113.7"


def test_many_names_from_one_address_are_throttled(ctx: Context) -> None:
    accounts.add_user(ctx, SYSTEM, username="ana", role="analyst", password=PASSWORD)
    limit = ctx.settings.login_max_failures_per_client
    assert limit == 20
    for i in range(limit):
        with pytest.raises(Unauthorized):
            accounts.log_in(
                ctx, f"name{i}", "Spring2025!", client=SPRAYER, when=T0 + timedelta(seconds=i)
            )
    # the address is locked: a new name, and even a right password, are not checked
    for name, password in (("name99", "Spring2025!"), ("ana", PASSWORD)):
        with pytest.raises(TooManyRequests) as locked:
            accounts.log_in(ctx, name, password, client=SPRAYER, when=T0 + timedelta(minutes=1))
        assert locked.value.status == 429
        assert "too many failed logins from this address; try again in 14 minutes" in (
            locked.value.message
        )
        assert "来自此地址的登录失败次数过多" in locked.value.message
        assert locked.value.retry_after == 14 * 60
    # another address, and the per-name count of the names tried, are not affected
    assert accounts.log_in(ctx, "ana", PASSWORD, client="198.51.100.2", when=T0).principal
    # the window slides: once the first failure leaves it, one more attempt is checked
    later = T0 + timedelta(minutes=15)
    with pytest.raises(Unauthorized):
        accounts.log_in(ctx, "name99", "x", client=SPRAYER, when=later)
    with pytest.raises(TooManyRequests) as again:  # and it fills the window again
        accounts.log_in(ctx, "ana", PASSWORD, client=SPRAYER, when=later)
    assert again.value.retry_after == 1
    with ctx.reading() as conn:
        clients = {
            r.client
            for r in conn.execute(select(login_attempt.c.client).where(~login_attempt.c.ok))
        }
    assert clients == {SPRAYER}


def test_a_successful_login_does_not_reset_the_address(ctx: Context) -> None:
    accounts.add_user(ctx, SYSTEM, username="ana", role="analyst", password=PASSWORD)
    for i in range(19):
        with pytest.raises(Unauthorized):
            accounts.log_in(ctx, f"n{i}", "x", client=SPRAYER, when=T0 + timedelta(seconds=i))
    accounts.log_in(ctx, "ana", PASSWORD, client=SPRAYER, when=T0 + timedelta(seconds=30))
    with pytest.raises(Unauthorized):
        accounts.log_in(ctx, "n20", "x", client=SPRAYER, when=T0 + timedelta(seconds=31))
    with pytest.raises(TooManyRequests):
        accounts.log_in(ctx, "ana", PASSWORD, client=SPRAYER, when=T0 + timedelta(seconds=32))


def test_the_login_page_answers_429_with_retry_after(ctx: Context) -> None:
    with TestClient(create_app(ctx.settings, ctx)) as client:
        token = csrf(client.get("/login").text)
        codes = []
        for i in range(30):
            r = client.post(
                "/login",
                data={"username": f"user{i}", "password": "Spring2025!", "csrf_token": token},
                follow_redirects=False,
            )
            codes.append(r.status_code)
        assert codes == [401] * 20 + [429] * 10
        assert 0 < int(r.headers["Retry-After"]) <= 15 * 60
        assert "too many failed logins from this address" in r.text


def test_a_locked_name_says_when_to_retry(ctx: Context) -> None:
    accounts.add_user(ctx, SYSTEM, username="ana", role="analyst", password=PASSWORD)
    for i in range(5):
        with pytest.raises(Unauthorized):
            accounts.log_in(ctx, "ana", "x", client=f"192.0.2.{i}", when=T0)
    with pytest.raises(TooManyRequests) as locked:
        accounts.log_in(ctx, "ana", PASSWORD, client="192.0.2.9", when=T0 + timedelta(minutes=5))
    assert "too many failed logins; try again in 10 minutes" in locked.value.message
    assert locked.value.retry_after == 10 * 60
