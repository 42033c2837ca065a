"""Security headers on every answer, no script written into any page, and the Secure cookie
setting for deployments behind TLS."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from wenzeng.config import load_settings
from wenzeng.services.context import Context
from wenzeng.web.app import create_app

TEMPLATES = Path(__file__).parents[1] / "src" / "wenzeng" / "web" / "templates"


@pytest.fixture
def client(sqlite_ctx: Context) -> Iterator[TestClient]:
    with TestClient(create_app(sqlite_ctx.settings, sqlite_ctx)) as c:
        yield c


@pytest.mark.parametrize(
    "path",
    ["/", "/explorer", "/api/v1/observations?indicator=va_elec", "/static/pages.js", "/nowhere"],
)
def test_every_answer_carries_the_security_headers(client: TestClient, path: str) -> None:
    r = client.get(path, headers={"Accept": "text/html"})
    csp = r.headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"  # no inline script, no eval
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in directives["script-src"]
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"


def test_no_template_writes_a_script_into_the_page() -> None:
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or 'type="application/json"' in tag, (template.name, tag)
        assert not re.search(r"\son[a-z]+\s*=", text), template.name  # no onclick=, onchange=
        assert "javascript:" not in text, template.name


def _session_cookie(client: TestClient) -> str:
    r = client.get("/login")
    cookies = [v for k, v in r.headers.multi_items() if k == "set-cookie"]
    (cookie,) = [c for c in cookies if c.startswith("wenzeng_session=")]
    return cookie.lower()


def test_the_session_cookie_is_secure_only_when_set(sqlite_ctx: Context) -> None:
    with TestClient(create_app(sqlite_ctx.settings, sqlite_ctx)) as plain:
        cookie = _session_cookie(plain)
        assert "secure" not in cookie and "httponly" in cookie and "samesite=lax" in cookie
    behind_tls = load_settings(
        database_url=sqlite_ctx.settings.database_url,
        data_dir=sqlite_ctx.settings.data_dir,
        secure_cookies=True,
    )
    with TestClient(create_app(behind_tls, sqlite_ctx), base_url="https://testserver") as tls:
        assert "; secure" in _session_cookie(tls)
