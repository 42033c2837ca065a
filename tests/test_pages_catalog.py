"""The plans and the user's catalogue on the web: the JSON API (staff list, administrators
archive and remove with the command line's refusals) and the page /catalog with its twins."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from web_session import PASSWORD, login
from wenzeng.auth.principal import SYSTEM
from wenzeng.domain.units import use_units
from wenzeng.services import accounts
from wenzeng.services.context import Context
from wenzeng.services.forms import load_form_file
from wenzeng.services.loading import load_plan_file
from wenzeng.services.user_catalog import load_catalog_file
from wenzeng.web.app import create_app

CATALOG = Path(__file__).parent / "specimens" / "catalog"
SHIP_PLAN = "ship-2024-2030"
HTML = {"Accept": "text/html"}


@dataclass
class Site:
    ctx: Context
    api: TestClient  # no session: the token says who calls
    admin: TestClient  # boss, logged in
    analyst: TestClient  # ana, logged in
    tokens: dict[str, str]
    csrf: dict[str, str]

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


@pytest.fixture
def site(ctx: Context) -> Iterator[Site]:
    load_catalog_file(ctx, CATALOG / "shipbuilding.yaml")
    load_plan_file(ctx, CATALOG / "shipbuilding-plan.yaml")
    load_form_file(ctx, CATALOG / "shipbuilding-form.yaml")
    users = {"boss": "admin", "ana": "analyst", "gd": "province"}
    for name, role in users.items():
        entity = "440000" if role == "province" else None
        accounts.add_user(ctx, SYSTEM, username=name, role=role, entity=entity, password=PASSWORD)
    tokens = {u: accounts.create_token(ctx, SYSTEM, u, "tests") for u in users}
    app = create_app(ctx.settings, ctx)
    with ExitStack() as stack:
        api, admin, analyst = (stack.enter_context(TestClient(app)) for _ in range(3))
        csrf = {"boss": login(admin, "boss"), "ana": login(analyst, "ana")}
        yield Site(ctx, api, admin, analyst, tokens, csrf)
    use_units(None)


def test_the_api_lists_plans_and_entries_for_staff_only(site: Site) -> None:
    api = site.api
    assert api.get("/api/v1/plans").status_code == 401
    assert api.get("/api/v1/plans", headers=site.auth("gd")).status_code == 403
    plans = api.get("/api/v1/plans", headers=site.auth("ana")).json()
    states = {p["code"]: p["state"] for p in plans["plans"]}
    assert states == {
        "eim-2023-2024": "concluded",
        "eim-2025-2026": "in_force",
        SHIP_PLAN: "in_force",
    }
    ship = next(p for p in plans["plans"] if p["code"] == SHIP_PLAN)
    assert ship["origin"] == "shipbuilding-plan.yaml" and not ship["builtin"]
    assert (ship["period_start"], ship["period_end"]) == (2024, 2030)
    entries = api.get("/api/v1/catalog/entries", headers=site.auth("ana")).json()
    assert entries["count"] == 5
    assert {(e["kind"], e["code"]) for e in entries["entries"]} >= {
        ("unit", "万载重吨"),
        ("indicator", "ship_completions"),
    }
    units = api.get("/api/v1/catalog/entries?kind=unit", headers=site.auth("ana")).json()
    assert {e["code"] for e in units["entries"]} == {"载重吨", "万载重吨"}
    assert all(e["source_file"] == "shipbuilding.yaml" for e in units["entries"])


def test_administrators_archive_and_remove_with_the_same_refusals(site: Site) -> None:
    api, boss, ana = site.api, site.auth("boss"), site.auth("ana")
    plan = f"/api/v1/plans/{SHIP_PLAN}"
    assert api.post(f"{plan}/archive", headers=ana).status_code == 403
    r = api.post(f"{plan}/archive", headers=boss)
    assert r.status_code == 200 and r.json()["plan"]["state"] == "archived"
    assert api.post(f"{plan}/unarchive", headers=boss).json()["plan"]["state"] == "in_force"

    entry = "/api/v1/catalog/entries/indicator/ship_completions"
    assert api.delete(entry, headers=ana).status_code == 403
    refused = api.delete(entry, headers=boss)
    assert refused.status_code == 409
    said = refused.json()["message"]
    assert f"计划 {SHIP_PLAN}" in said and "报表 ship_monthly" in said and "--force" in said
    r = api.delete(f"{entry}?force=true", headers=boss)
    assert r.status_code == 200 and f"plan {SHIP_PLAN}" in " ".join(r.json()["used_by"])
    # the plan that named it is unusable, with the reason; the others are as they were
    ship = api.get(plan, headers=ana).json()["plan"]
    assert ship["state"] == "unusable"
    assert "未知指标 ship_completions" in ship["problem_zh"] and ship["period_start"] is None
    states = {p["code"]: p["state"] for p in api.get("/api/v1/plans", headers=ana).json()["plans"]}
    assert states["eim-2025-2026"] == "in_force"
    assert api.get("/").status_code == 200

    built_in = api.delete("/api/v1/plans/eim-2023-2024", headers=boss)
    assert built_in.status_code == 409 and "annual_progress" in built_in.json()["message"]
    r = api.delete(plan, headers=boss)
    assert r.status_code == 200 and r.json()["removed"] == SHIP_PLAN
    assert api.get(plan, headers=ana).status_code == 404


def test_the_page_lists_plans_entries_and_unusable_forms(site: Site) -> None:
    page = site.analyst.get("/catalog", headers=HTML)
    assert page.status_code == 200
    assert '<a href="/catalog">计划与目录</a>' in page.text
    assert f'data-plan="{SHIP_PLAN}" data-state="in_force"' in page.text
    assert 'data-entry="indicator/ship_completions"' in page.text
    assert "/catalog/plans/" not in page.text  # an analyst sees, does not change
    twin = site.analyst.get("/catalog.json").json()
    assert {p["code"] for p in twin["plans"]} == {"eim-2023-2024", "eim-2025-2026", SHIP_PLAN}
    assert twin["admin"] is False
    csv = site.analyst.get("/catalog.csv")
    assert csv.status_code == 200 and SHIP_PLAN in csv.text and "2024—2030" in csv.text
    anonymous = site.api.get("/catalog", headers=HTML, follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    province = TestClient(site.admin.app)
    login(province, "gd")
    assert province.get("/catalog", headers=HTML).status_code == 403
    assert '<a href="/catalog">' not in province.get("/", headers=HTML).text


def test_an_administrator_is_refused_on_the_page_then_forces(site: Site) -> None:
    web, token = site.admin, site.csrf["boss"]
    url = "/catalog/entries/indicator/ship_completions/remove"
    refused = web.post(url, data={"csrf_token": token}, headers=HTML, follow_redirects=False)
    assert refused.status_code == 409 and "仍在使用中" in refused.text
    assert web.post(url, data={}, headers=HTML).status_code == 403  # no CSRF token
    done = web.post(url, data={"csrf_token": token, "force": "1"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/catalog?done=removed"
    page = web.get("/catalog", headers=HTML).text
    assert f'data-plan="{SHIP_PLAN}" data-state="unusable"' in page
    assert "报表 ship_monthly 暂不可用" in page
    archive = f"/catalog/plans/{SHIP_PLAN}/archive"
    assert web.post(archive, data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert f'data-plan="{SHIP_PLAN}" data-state="archived"' in web.get("/catalog").text
