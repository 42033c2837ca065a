"""The OpenAPI document says what the API does: typed answers, every error status it can give,
each with the one error body; and the real answers fit the documented schemas."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator

from factories import ACME, ENTERPRISE_VALUES, add_enterprises
from wenzeng.auth.principal import SYSTEM
from wenzeng.config import load_settings
from wenzeng.services import accounts
from wenzeng.services.context import Context
from wenzeng.web import api, api_catalog
from wenzeng.web.app import create_app
from wenzeng.web.security import current_principal

SPECIMENS = Path(__file__).parent / "specimens" / "forms"
ERROR_REF = "#/components/schemas/ErrorOut"
SAFE = {"get", "head", "options"}


@pytest.fixture(scope="module")
def documented() -> tuple[dict[str, Any], list[APIRoute]]:
    """The OpenAPI document and the API's routes (no store needed to build them)."""
    app = create_app(load_settings(database_url="sqlite://", secret_key="not-used"))
    routes = [*api.router.routes, *api_catalog.router.routes]
    return app.openapi(), [r for r in routes if isinstance(r, APIRoute)]


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, ops in spec["paths"].items():
        if path.startswith("/api/"):
            for method, op in ops.items():
                yield path, method, op


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref is None:
        return schema
    found: dict[str, Any] = spec
    for part in ref.removeprefix("#/").split("/"):
        found = found[part]
    return found


def _takes_principal(route: APIRoute) -> bool:
    todo = list(route.dependant.dependencies)
    while todo:
        dep = todo.pop()
        if dep.call is current_principal:
            return True
        todo += dep.dependencies
    return False


def _takes_version(spec: dict[str, Any], op: dict[str, Any]) -> bool:
    """Whether the caller names the version it changes (optimistic concurrency: 409 if stale),
    or may force a removal that is refused (409) while something depends on what it removes."""
    if any(p["name"] in ("version", "force") for p in op.get("parameters", [])):
        return True
    for media in op.get("requestBody", {}).get("content", {}).values():
        if "version" in _resolve(spec, media["schema"]).get("properties", {}):
            return True
    return False


def test_every_route_answers_a_typed_body(documented: tuple[dict[str, Any], list[Any]]) -> None:
    spec, _ = documented
    ops = list(_operations(spec))
    assert len(ops) == 43
    for path, method, op in ops:
        ok = [s for s in op["responses"] if s.startswith("2")]
        assert len(ok) == 1, (method, path)
        content = op["responses"][ok[0]]["content"]
        for media, body in content.items():
            schema = _resolve(spec, body["schema"])
            if media == "application/json":
                assert schema.get("properties"), (method, path, "bare object")
                assert schema.get("additionalProperties") is False, (method, path)
                assert schema["properties"]["ok"] == {
                    "type": "boolean",
                    "const": True,
                    "title": "Ok",
                }
                assert "ok" in schema["required"], (method, path)
            else:  # a file
                assert schema == {"type": "string", "format": "binary"}, (method, path)


def test_every_error_a_route_can_give_is_documented_with_the_one_body(
    documented: tuple[dict[str, Any], list[APIRoute]],
) -> None:
    spec, routes = documented
    by_key = {(r.path, m.lower()): r for r in routes for m in r.methods}
    for path, method, op in _operations(spec):
        route = by_key[(path, method)]
        statuses = {int(s) for s in op["responses"] if not s.startswith("2")}
        for status in statuses:
            content = op["responses"][str(status)]["content"]
            assert content == {"application/json": {"schema": {"$ref": ERROR_REF}}}, (path, status)
        where = (method, path)
        if _takes_principal(route):
            assert 401 in statuses, where
        if method not in SAFE:
            assert {403, 422} <= statuses, where  # CSRF for sessions; bodies and ids are checked
        if "{" in path:
            assert {404, 422} <= statuses, where
        assert (409 in statuses) == (method not in SAFE and _takes_version(spec, op)), where
        if op.get("parameters") or op.get("requestBody"):
            assert 422 in statuses, where
    assert "HTTPValidationError" not in spec["components"]["schemas"]


def test_the_error_body_is_documented_as_the_app_renders_it(
    documented: tuple[dict[str, Any], list[Any]],
) -> None:
    spec, _ = documented
    error = spec["components"]["schemas"]["ErrorOut"]
    assert set(error["required"]) == {"ok", "status", "message", "errors"}
    item = _resolve(spec, error["properties"]["errors"]["items"])
    assert set(item["required"]) == {"loc", "code", "msg"}


# -- real answers against the document ----------------------------------------------------------
@dataclass
class Caller:
    client: TestClient
    spec: dict[str, Any]
    tokens: dict[str, str]
    seen: set[tuple[str, str, int]]

    def __call__(
        self, who: str | None, method: str, template: str, *, expect: int, **kw: Any
    ) -> Any:
        """Call the route ``template`` (filled in with ``path``) and check the answer against
        what the document says of that route and status."""
        url = template.format(**kw.pop("path", {}))
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        r = self.client.request(method, url, headers=headers, **kw)
        assert r.status_code == expect, (method, url, r.text[:500])
        responses = self.spec["paths"][template][method.lower()]["responses"]
        assert str(r.status_code) in responses, (method, template, r.status_code, "undocumented")
        content = responses[str(r.status_code)]["content"]
        media = r.headers["content-type"].split(";")[0]
        assert media in content, (method, template, media)
        self.seen.add((method, template, r.status_code))
        if media != "application/json":
            return r.content
        body = r.json()
        schema = {"components": self.spec["components"], **content[media]["schema"]}
        errors = sorted(Draft202012Validator(schema).iter_errors(body), key=str)
        assert not errors, (method, template, [e.message for e in errors[:3]])
        return body


@pytest.fixture
def call(ctx: Context) -> Iterator[Caller]:
    add_enterprises(ctx, ACME)
    tokens = {}
    for name, role, entity in (("admin", "admin", None), ("e9001", "enterprise", "E9001")):
        accounts.add_user(ctx, SYSTEM, username=name, role=role, entity=entity)
        tokens[name] = accounts.create_token(ctx, SYSTEM, name, "tests")
    with TestClient(create_app(ctx.settings, ctx)) as client:
        yield Caller(client, client.get("/openapi.json").json(), tokens, set())


def test_real_answers_fit_the_document(call: Caller) -> None:
    v1 = "/api/v1"
    call("e9001", "GET", f"{v1}/me", expect=200)
    call(None, "GET", f"{v1}/me", expect=401)
    call("e9001", "GET", f"{v1}/forms", expect=200)
    for code in ("monthly_enterprise", "annual_progress"):
        call("e9001", "GET", f"{v1}/forms/{{code}}", path={"code": code}, expect=200)
    call("e9001", "GET", f"{v1}/forms/{{code}}", path={"code": "nope"}, expect=404)
    for kind in ("csv", "xlsx"):
        call(
            "e9001",
            "GET",
            f"{v1}/forms/{{code}}/template.{kind}",
            path={"code": "monthly_enterprise"},
            expect=200,
        )

    body = {"form": "monthly_enterprise", "reporter": "E9001", "period": "2025-11"}
    check = f"{v1}/submissions/check"
    call("e9001", "POST", check, json={**body, "values": ENTERPRISE_VALUES}, expect=200)
    bad = {**ENTERPRISE_VALUES, "revenue_yoy": 80, "employment": "x"}
    assert call("e9001", "POST", check, json={**body, "values": bad}, expect=200)["problems"]
    call("admin", "POST", check, json={**body, "values": {}}, expect=403)
    call("e9001", "POST", f"{v1}/submissions", json={"form": 5}, expect=422)
    made = call(
        "e9001", "POST", f"{v1}/submissions", json={**body, "values": ENTERPRISE_VALUES}, expect=201
    )
    call("e9001", "POST", f"{v1}/submissions", json={**body, "values": {}}, expect=409)
    one = f"{v1}/submissions/{{sid}}"
    sid = {"sid": made["submission"]["id"]}
    changed = call(
        "e9001", "PUT", one, path=sid, json={"version": 1, "values": ENTERPRISE_VALUES}, expect=200
    )
    version = changed["submission"]["version"]
    call(
        "e9001",
        "POST",
        f"{one}/submit",
        path=sid,
        json={"version": version, "explanations": {}},
        expect=200,
    )
    call("e9001", "POST", f"{one}/accept", path=sid, json={"version": 1}, expect=403)
    call("admin", "POST", f"{one}/accept", path=sid, json={"version": 1}, expect=409)
    call(
        "admin",
        "POST",
        f"{one}/return",
        path=sid,
        json={"version": version + 1, "reason": "请核实"},
        expect=200,
    )
    call("e9001", "POST", f"{one}/submit", path=sid, json={"version": version + 2}, expect=200)
    call("admin", "POST", f"{one}/accept", path=sid, json={"version": version + 3}, expect=200)
    call("e9001", "POST", f"{one}/revise", path=sid, json={"version": version + 4}, expect=200)
    call("e9001", "POST", f"{one}/revise", path=sid, json={"version": version + 5}, expect=409)
    call("admin", "GET", one, path=sid, expect=200)
    call("admin", "GET", one, path={"sid": 99999}, expect=404)
    call("admin", "GET", one, path={"sid": "x"}, expect=422)
    call("e9001", "GET", f"{one}/audit", path=sid, expect=200)
    call("e9001", "GET", f"{v1}/submissions", params={"limit": 5}, expect=200)
    call("e9001", "GET", f"{v1}/submissions", params={"limit": 0}, expect=422)
    upload = f"{v1}/forms/{{code}}/upload"
    csv = (SPECIMENS / "enterprise_gbk.csv").read_bytes()
    files = {"file": ("e.csv", csv, "text/csv")}
    got = call(
        "e9001", "POST", upload, path={"code": "monthly_enterprise"}, files=files, expect=202
    )
    assert got["job"]["status"] == "done" and got["job"]["result"]["submissions"]
    preview = call(
        "e9001",
        "POST",
        f"{upload}/preview",
        path={"code": "monthly_enterprise"},
        files={"file": ("e.csv", csv, "text/csv")},
        expect=200,
    )
    assert preview["dry_run"] and preview["rows"]
    files = {"file": ("e.csv", b"a,b\n1,2\n", "text/csv")}
    bad_job = call(
        "e9001", "POST", upload, path={"code": "monthly_enterprise"}, files=files, expect=202
    )["job"]
    assert bad_job["status"] == "failed" and bad_job["result"] == {"ok": False, "status": 422}
    assert {"column", "a"} <= set(bad_job["errors"][0]["loc"])
    job = f"{v1}/jobs/{{job_id}}"
    call("e9001", "GET", job, path={"job_id": bad_job["id"]}, expect=200)
    call("admin", "GET", job, path={"job_id": bad_job["id"]}, expect=200)  # staff see it
    call(None, "GET", job, path={"job_id": bad_job["id"]}, expect=401)
    call("e9001", "GET", job, path={"job_id": 99999}, expect=404)
    call("e9001", "GET", job, path={"job_id": "x"}, expect=422)
    assert call("e9001", "GET", f"{v1}/jobs", expect=200)["count"] == 2

    tracker = f"{v1}/tracker/{{form}}/{{period}}"
    where = {"form": "monthly_enterprise", "period": "2025-10"}
    call("admin", "GET", tracker, path=where, expect=200)
    call("e9001", "GET", tracker, path=where, expect=403)
    call("admin", "POST", f"{tracker}/remind", path=where, expect=200)

    observations = f"{v1}/observations"
    params = {"indicator": "va_elec", "period": "2024年1-9月", "vintages": "true"}
    assert call(None, "GET", observations, params=params, expect=200)["count"] >= 1
    call(None, "GET", observations, params={"indicator": "nope"}, expect=404)
    call(None, "GET", observations, params={"indicator": "va_elec", "as_of": "x"}, expect=422)

    call(None, "GET", f"{v1}/signals", expect=200)  # before any run: null
    targets = call(None, "GET", f"{v1}/targets", params={"as_of": "2024-06-30"}, expect=200)
    code = {"code": targets["targets"][0]["target"]}
    call(None, "GET", f"{v1}/targets/{{code}}", path=code, expect=200)
    call(None, "GET", f"{v1}/targets/{{code}}", path={"code": "nope"}, expect=404)
    call("e9001", "POST", f"{v1}/analysis", json={}, expect=403)
    run = call("admin", "POST", f"{v1}/analysis", json={"as_of": "2023-03-31"}, expect=202)
    assert run["job"]["status"] == "done" and run["job"]["result"]["run"]
    call(None, "GET", f"{v1}/signals", expect=200)
    listed = call("admin", "GET", f"{v1}/warnings", expect=200)
    warning = f"{v1}/warnings/{{wid}}"
    for action in ("acknowledge", "close"):
        call(
            "admin",
            "POST",
            f"{warning}/{action}",
            path={"wid": 99999},
            json={"note": "x"},
            expect=404,
        )
    call("admin", "GET", warning, path={"wid": 99999}, expect=404)
    assert listed["warnings"]  # the published figures of early 2023 raise some
    wid = {"wid": listed["warnings"][0]["id"]}
    call("admin", "GET", warning, path=wid, expect=200)
    call("admin", "POST", f"{warning}/acknowledge", path=wid, json={}, expect=200)
    call("admin", "POST", f"{warning}/close", path=wid, json={}, expect=422)
    call("e9001", "POST", f"{warning}/close", path=wid, json={"note": "x"}, expect=403)

    reports = f"{v1}/reports"
    call(None, "GET", reports, expect=200)
    request = {"kind": "quarterly", "period": "2024Q3", "formats": ["html"], "as_of": "2025-01-31"}
    made_report = call("admin", "POST", reports, json=request, expect=202)["job"]
    assert made_report["status"] == "done", made_report
    rid = {"rid": made_report["result"]["id"]}
    call("admin", "POST", reports, json={**request, "kind": "weekly"}, expect=422)
    one_report = f"{reports}/{{rid}}"
    call("admin", "GET", f"{one_report}/file.{{fmt}}", path={**rid, "fmt": "html"}, expect=200)
    call(None, "GET", f"{one_report}/file.{{fmt}}", path={**rid, "fmt": "html"}, expect=404)
    call("admin", "POST", f"{one_report}/publish", path=rid, expect=200)
    call("admin", "DELETE", one_report, path=rid, expect=422)
    call("admin", "POST", f"{one_report}/withdraw", path=rid, expect=200)
    call("admin", "DELETE", one_report, path=rid, expect=200)
    call("admin", "DELETE", one_report, path=rid, expect=404)

    plans = f"{v1}/plans"
    one_plan = f"{plans}/{{code}}"
    concluded = {"code": "eim-2023-2024"}
    listed_plans = call("admin", "GET", plans, expect=200)["plans"]
    assert {p["code"]: p["state"] for p in listed_plans} == {
        "eim-2023-2024": "concluded",
        "eim-2025-2026": "in_force",
    }
    call("e9001", "GET", plans, expect=403)
    call("admin", "GET", one_plan, path=concluded, expect=200)
    call("admin", "GET", one_plan, path={"code": "nope"}, expect=404)
    archived = call("admin", "POST", f"{one_plan}/archive", path=concluded, expect=200)
    assert archived["plan"]["state"] == "archived"
    call("admin", "POST", f"{one_plan}/unarchive", path=concluded, expect=200)
    call("e9001", "POST", f"{one_plan}/archive", path=concluded, expect=403)
    refused = call("admin", "DELETE", one_plan, path=concluded, expect=409)  # its forms name it
    assert "annual_progress" in refused["message"]
    call("admin", "DELETE", one_plan, path={"code": "nope"}, expect=404)
    call("admin", "DELETE", one_plan, path=concluded, params={"force": "x"}, expect=422)
    entries = f"{v1}/catalog/entries"
    assert call("admin", "GET", entries, expect=200) == {"ok": True, "count": 0, "entries": []}
    call("admin", "GET", entries, params={"kind": "colour"}, expect=422)
    one_entry = f"{entries}/{{kind}}/{{code}}"
    call("admin", "DELETE", one_entry, path={"kind": "indicator", "code": "nope"}, expect=404)
    built_in = {"kind": "indicator", "code": "revenue_elec"}
    call("admin", "DELETE", one_entry, path=built_in, expect=409)

    routes = {(m, t) for m, t, _ in call.seen}
    assert len(routes) == 43, sorted(
        {(m.lower(), p) for p, ops in call.spec["paths"].items() for m in ops}
        - {(m.lower(), t) for m, t in routes}
    )
    assert {s for _, _, s in call.seen} >= {200, 201, 202, 401, 403, 404, 409, 422}
