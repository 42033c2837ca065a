"""The answers and the document agree: a 405 names in ``Allow`` exactly the methods the address
answers, and a body the document allows is not refused for a reason the document hides."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator

from wenzeng.auth.principal import SYSTEM
from wenzeng.services import accounts
from wenzeng.services.context import Context
from wenzeng.web.app import create_app
from wenzeng.web.pages import ROUTERS

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
FILL = {"fmt": "json", "code": "monthly_enterprise", "form": "monthly_enterprise"}


def _concrete(template: str) -> str:
    """An address of ``template``: ids 1, formats json, other names a form's code."""
    return re.sub(r"{(\w+)}", lambda m: FILL.get(m.group(1), "1"), template)


@pytest.fixture
def site(sqlite_ctx: Context) -> Iterator[tuple[TestClient, dict[str, str]]]:
    accounts.add_user(sqlite_ctx, SYSTEM, username="boss", role="admin")
    token = accounts.create_token(sqlite_ctx, SYSTEM, "boss", "tests")
    app = create_app(sqlite_ctx.settings, context=sqlite_ctx)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, {"Authorization": f"Bearer {token}"}


def _addresses(spec: dict[str, Any]) -> dict[str, set[str]]:
    """Each address of the document and the pages → the methods documented or routed there."""
    out: dict[str, set[str]] = {}
    for path, ops in spec["paths"].items():
        out.setdefault(_concrete(path), set()).update(m.upper() for m in ops)
    for router in ROUTERS:
        for route in router.routes:
            path = getattr(route, "path", "")
            out.setdefault(_concrete(path), set()).update(getattr(route, "methods", set()))
    out.update({"/healthz": {"GET"}, "/static/app.css": {"GET", "HEAD"}})
    return out


def test_a_405_names_exactly_the_methods_the_address_answers(
    site: tuple[TestClient, dict[str, str]],
) -> None:
    client, headers = site
    spec = client.get("/openapi.json").json()
    wrong = []
    for url, routed in sorted(_addresses(spec).items()):
        answers = {m: client.request(m, url, headers=headers) for m in METHODS}
        answered = {m for m, r in answers.items() if r.status_code != 405}
        assert routed & set(METHODS) <= answered, (url, routed, answered)
        for m, r in answers.items():
            if r.status_code != 405:
                continue
            allow = {x.strip() for x in r.headers["allow"].split(",")}
            if allow - {"HEAD"} != answered:
                wrong.append((m, url, r.headers["allow"], sorted(answered)))
            body = r.json()
            assert body["ok"] is False and body["status"] == 405
            assert "not allowed" in body["message"]
    assert wrong == []


def test_the_allow_header_of_a_path_with_two_routes_lists_both(
    site: tuple[TestClient, dict[str, str]],
) -> None:
    client, headers = site
    r = client.delete("/api/v1/submissions", headers=headers)
    assert r.status_code == 405 and r.headers["allow"] == "GET, POST"
    r = client.patch("/api/v1/submissions/1", headers=headers)
    assert r.status_code == 405 and r.headers["allow"] == "GET, PUT"
    r = client.delete("/login")
    assert r.status_code == 405 and r.headers["allow"] == "GET, POST"


def test_a_report_request_the_document_allows_is_not_refused_for_blank_fields(
    site: tuple[TestClient, dict[str, str]],
) -> None:
    """``{"kind": "", "period": ""}`` is refused (422): the document says so too, since kind
    is a code in lower-case letters and a period is not blank.  A kind of that form that no
    file has defined is the service's to refuse (the kinds can be extended by files)."""
    client, headers = site
    spec = client.get("/openapi.json").json()
    schema = {"components": spec["components"], "$ref": "#/components/schemas/ReportIn"}
    validator = Draft202012Validator(schema)
    for body in ({"kind": "", "period": ""}, {"kind": "Weekly!", "period": "2024"}):
        assert not validator.is_valid(body), body
        assert client.post("/api/v1/reports", json=body, headers=headers).status_code == 422
    unknown = {"kind": "weekly", "period": "2024"}
    assert validator.is_valid(unknown)
    r = client.post("/api/v1/reports", json=unknown, headers=headers)
    assert r.status_code == 422 and "unknown report kind" in r.json()["message"]
    for body in (
        {"kind": "quarterly", "period": "2024", "formats": ["odt"]},
        {"kind": "quarterly", "period": "2024", "lang": "fr"},
    ):
        assert not validator.is_valid(body), body
    assert validator.is_valid({"kind": "annual", "period": "2024", "formats": ["html"]})
