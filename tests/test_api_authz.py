"""The authorisation matrix, through the API: every role × resource × own vs someone else's.

E9001 is a key enterprise in Sichuan (510000) in communications equipment (C392); E9002 is in
Guangdong (440000) in electronic devices (C397).  One submission of E9001 exists, submitted.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from fastapi.testclient import TestClient

from factories import ACME, BETA, ENTERPRISE_VALUES, add_enterprises
from figures import store_figures
from wenzeng.auth.principal import SYSTEM
from wenzeng.services import accounts
from wenzeng.services import submissions as subs
from wenzeng.services.context import Context
from wenzeng.web.app import create_app

USERS = {
    # name: (role, entity)
    "admin": ("admin", None),
    "analyst": ("analyst", None),
    "sichuan": ("province", "510000"),  # E9001's region
    "guangdong": ("province", "440000"),
    "ccia": ("association", "assoc_ccia"),  # C392: E9001's sector
    "csia": ("association", "assoc_csia"),  # C397: E9002's sector
    "e9001": ("enterprise", "E9001"),  # the reporter
    "e9002": ("enterprise", "E9002"),
    "citizen": ("public", None),
}
VALUES = ENTERPRISE_VALUES


@dataclass
class World:
    client: TestClient
    tokens: dict[str, str]
    sid: int
    accepted_sid: int

    def call(self, who: str | None, method: str, url: str, **kw: object) -> int:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return self.client.request(method, url, headers=headers, **kw).status_code  # type: ignore[arg-type]


@pytest.fixture
def world(ctx: Context) -> Iterator[World]:
    add_enterprises(ctx, ACME, BETA)
    tokens = {}
    for name, (role, entity) in USERS.items():
        accounts.add_user(ctx, SYSTEM, username=name, role=role, entity=entity)
        tokens[name] = accounts.create_token(ctx, SYSTEM, name, "tests")
    reporter = accounts.principal_for_token(ctx, tokens["e9001"])
    analyst = accounts.principal_for_token(ctx, tokens["analyst"])
    assert reporter is not None and analyst is not None
    done = subs.save(
        ctx,
        reporter,
        form_code="monthly_enterprise",
        reporter="E9001",
        period="2025-09",
        values=VALUES,
    )
    done = subs.submit(ctx, reporter, done.id, version=done.version)
    done = subs.accept(ctx, analyst, done.id, version=done.version, vintage=date(2025, 10, 9))
    s = subs.save(
        ctx,
        reporter,
        form_code="monthly_enterprise",
        reporter="E9001",
        period="2025-10",
        values=VALUES,
    )
    notes = {pr["rule"]: "属实" for pr in s.problems}
    s = subs.submit(ctx, reporter, s.id, version=s.version, explanations=notes)
    with TestClient(create_app(ctx.settings, ctx)) as client:
        yield World(client, tokens, s.id, done.id)


WHO = [None, *USERS]
SEE_E9001 = {"admin", "analyst", "sichuan", "ccia", "e9001"}


def expect_read(who: str | None) -> int:
    if who is None:
        return 401
    return 200 if who in SEE_E9001 else 404


def test_reading_a_submission(world: World) -> None:
    for who in WHO:
        for url in (f"/api/v1/submissions/{world.sid}", f"/api/v1/submissions/{world.sid}/audit"):
            assert world.call(who, "GET", url) == expect_read(who), (who, url)


def test_listing_submissions_is_scoped(world: World) -> None:
    for who in USERS:
        r = world.client.get(
            "/api/v1/submissions", headers={"Authorization": f"Bearer {world.tokens[who]}"}
        )
        assert r.status_code == 200
        reporters = {s["reporter"] for s in r.json()["submissions"]}
        assert reporters == ({"E9001"} if who in SEE_E9001 else set()), who
    assert world.call(None, "GET", "/api/v1/submissions") == 401


def test_creating_for_own_or_someone_elses_organisation(world: World) -> None:
    body = {"form": "monthly_enterprise", "period": "2025-11", "values": VALUES}
    for who in WHO:
        for reporter in ("E9001", "E9002"):
            own = USERS.get(who or "", (None, None))[1] == reporter
            want = 401 if who is None else 201 if own else 403
            got = world.call(
                who, "POST", "/api/v1/submissions", json={**body, "reporter": reporter}
            )
            assert got == want, (who, reporter)


def test_changing_submitting_and_revising(world: World) -> None:
    draft_body = {"version": 99, "values": VALUES}
    for who in WHO:
        want_edit = (
            401 if who is None else 409 if who == "e9001" else 403 if who in SEE_E9001 else 404
        )
        # e9001 may edit, but the submission is submitted (and the version is stale): 409
        got = world.call(who, "PUT", f"/api/v1/submissions/{world.sid}", json=draft_body)
        assert got == want_edit, (who, "edit")
        got = world.call(
            who, "POST", f"/api/v1/submissions/{world.accepted_sid}/revise", json={"version": 99}
        )
        assert got == want_edit, (who, "revise")


def test_reviewing_is_for_department_staff(world: World) -> None:
    for who in WHO:
        want = 401 if who is None else 409 if who in ("admin", "analyst") else 403
        # staff may review, but version 99 is stale: 409 proves the permission passed
        for action, body in (
            ("accept", {"version": 99}),
            ("return", {"version": 99, "reason": "请核实"}),
        ):
            got = world.call(who, "POST", f"/api/v1/submissions/{world.sid}/{action}", json=body)
            assert got == want, (who, action)


def test_tracker_and_reminders_are_for_staff(world: World) -> None:
    for who in WHO:
        want = 401 if who is None else 200 if who in ("admin", "analyst") else 403
        assert world.call(who, "GET", "/api/v1/tracker/monthly_enterprise/2025-10") == want, who
        assert world.call(who, "POST", "/api/v1/tracker/monthly_enterprise/2025-10/remind") == want


def test_plans_and_catalogue_entries_are_seen_by_staff_changed_by_administrators(
    world: World,
) -> None:
    for who in WHO:
        want = 401 if who is None else 200 if who in ("admin", "analyst") else 403
        assert world.call(who, "GET", "/api/v1/plans") == want, who
        assert world.call(who, "GET", "/api/v1/plans/eim-2023-2024") == want, who
        assert world.call(who, "GET", "/api/v1/catalog/entries") == want, who
        # an administrator passes the policy and is refused by the state: 409 (forms name the
        # plan, the indicator is built in); everyone else is refused by the policy
        want = 401 if who is None else 409 if who == "admin" else 403
        assert world.call(who, "DELETE", "/api/v1/plans/eim-2023-2024") == want, who
        url = "/api/v1/catalog/entries/indicator/revenue_elec"
        assert world.call(who, "DELETE", url) == want, who
        want = 401 if who is None else 200 if who == "admin" else 403
        for action in ("archive", "unarchive"):
            assert world.call(who, "POST", f"/api/v1/plans/eim-2023-2024/{action}") == want


def test_forms_and_templates_need_a_login(world: World) -> None:
    for who in WHO:
        want = 401 if who is None else 200
        assert world.call(who, "GET", "/api/v1/forms") == want
        assert world.call(who, "GET", "/api/v1/forms/monthly_enterprise/template.csv") == want


def test_unpublished_figures_follow_the_scope_published_ones_are_public(world: World) -> None:
    for who in WHO:
        headers = {"Authorization": f"Bearer {world.tokens[who]}"} if who else {}
        r = world.client.get(
            "/api/v1/observations",
            headers=headers,
            params={"indicator": "revenue_elec", "entity": "E9001"},
        )
        assert r.status_code == 200
        assert (r.json()["count"] > 0) == (who in SEE_E9001), who
        r = world.client.get(
            "/api/v1/observations",
            headers=headers,
            params={"indicator": "va_elec", "period": "2024-01~09"},
        )
        assert r.json()["count"] == 1, who  # published: everyone


# -- the read path: a published figure and a newer collected one of the same period -----------
PERIOD = "2026-01~03"
SICHUAN = ("revenue_elec", "510000", "yoy_pct", "cum_month", PERIOD)  # published 5.0, then 7.5
ACME_REVENUE = ("revenue_elec", "E9001", "level", "cum_month", PERIOD)  # published 100, then 120
SEE_SICHUAN = {"admin", "analyst", "sichuan"}


def _shown(world: World, who: str | None) -> dict[str, object]:
    """What ``who`` is shown of the two series on the API, the explorer and the region page."""
    headers = {"Authorization": f"Bearer {world.tokens[who]}"} if who else {}
    out: dict[str, object] = {}
    for (indicator, entity, measure, period_type, period), name in (
        (SICHUAN, "sichuan"),
        (ACME_REVENUE, "acme"),
    ):
        query = {"indicator": indicator, "entity": entity, "measure": measure}
        api = world.client.get(
            "/api/v1/observations",
            headers=headers,
            params={**query, "period_type": period_type, "period": period},
        ).json()
        out[f"api {name}"] = [r["value"] for r in api["observations"]]
        explorer = world.client.get(
            "/explorer.json", headers=headers, params={**query, "period_type": period_type}
        ).json()
        out[f"explorer {name}"] = [r["value"] for r in explorer["table"] if r["period"] == period]
    region = world.client.get("/regions/510000.json", headers=headers).json()
    out["region sichuan"] = [
        r["value"]
        for r in region["latest"]
        if (r["indicator"], r["measure"], r["period_type"], r["period"])
        == ("revenue_elec", "yoy_pct", "cum_month", PERIOD)
    ]
    return out


def test_the_read_path_shows_the_newest_figure_each_role_may_see(
    world: World, ctx: Context
) -> None:
    store_figures(ctx, "published", date(2026, 4, 20), [(*SICHUAN, 5.0), (*ACME_REVENUE, 100.0)])
    store_figures(ctx, "submission", date(2026, 4, 25), [(*SICHUAN, 7.5), (*ACME_REVENUE, 120.0)])
    for who in WHO:
        sichuan = 7.5 if who in SEE_SICHUAN else 5.0  # the province itself and staff
        acme = 120.0 if who in SEE_E9001 else 100.0  # its province, association, itself, staff
        want = {
            "api sichuan": [sichuan],
            "explorer sichuan": [sichuan],
            "region sichuan": [sichuan],
            "api acme": [acme],
            "explorer acme": [acme],
        }
        assert _shown(world, who) == want, who


def test_bad_and_revoked_tokens(world: World) -> None:
    r = world.client.get("/api/v1/me", headers={"Authorization": "Bearer wz_nonsense"})
    assert r.status_code == 401 and r.json()["errors"][0]["code"] == "unauthorized"
    r = world.client.get("/api/v1/me", headers={"Authorization": f"Bearer {world.tokens['e9001']}"})
    assert r.json()["entity"] == "E9001"


def test_every_error_has_the_one_shape(world: World) -> None:
    """401, 403, 404, 409, 422 (rules and request) all answer with the same body."""
    tok = {w: {"Authorization": f"Bearer {t}"} for w, t in world.tokens.items()}
    c = world.client
    cases = [
        (c.get("/api/v1/submissions"), 401),
        (
            c.post(
                f"/api/v1/submissions/{world.sid}/accept", json={"version": 1}, headers=tok["e9001"]
            ),
            403,
        ),
        (c.get(f"/api/v1/submissions/{world.sid}", headers=tok["e9002"]), 404),
        (
            c.post(
                f"/api/v1/submissions/{world.sid}/accept",
                json={"version": 99},
                headers=tok["admin"],
            ),
            409,
        ),
        (
            c.post(
                "/api/v1/submissions",
                headers=tok["e9001"],
                json={
                    "form": "monthly_enterprise",
                    "reporter": "E9001",
                    "period": "2025年13月",
                    "values": {},
                },
            ),
            422,
        ),
        (c.post("/api/v1/submissions", headers=tok["e9001"], json={"form": 5}), 422),
    ]
    for response, status in cases:
        body = response.json()
        assert response.status_code == status, body
        assert body["ok"] is False and body["status"] == status
        assert isinstance(body["message"], str) and body["message"]
        assert body["errors"] and all({"loc", "code", "msg"} <= set(e) for e in body["errors"])
