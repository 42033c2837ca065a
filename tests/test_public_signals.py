"""The public's view of the analysis: the signal lights, indexes and finding counts it is
shown are computed on published figures only; department staff see the run as it was made,
on every figure (a key enterprise's collected figures and simulated ones too)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from factories import ACME, add_enterprises
from figures import store_figures
from wenzeng.auth import policy
from wenzeng.auth.principal import ANONYMOUS, SYSTEM, Principal, Role
from wenzeng.services import accounts
from wenzeng.services.context import Context
from wenzeng.services.early_warning import latest_run, run_analysis
from wenzeng.web.app import create_app

AS_OF = date(2025, 7, 31)
MONTHS = [f"{y}-{m:02d}" for y in (2024, 2025) for m in range(1, 13)][:18]  # to 2025-06


def _orders_collapse(ctx: Context) -> None:
    """E9001's new orders grow 10 % a month, then fall 50 % in June 2025: collected figures,
    never published."""
    add_enterprises(ctx, ACME)
    values = [10.0] * (len(MONTHS) - 1) + [-50.0]
    rows = [
        ("orders_new", "E9001", "yoy_pct", "month", m, v)
        for m, v in zip(MONTHS, values, strict=True)
    ]
    store_figures(ctx, "submission", date(2025, 7, 10), rows)


def _cold_simulated_nation(ctx: Context) -> None:
    """A simulated national figure newer than any published one, far below them all."""
    rows = [("va_elec", "CN", "yoy_pct", "cum_month", "2025-01~07", -40.0)]
    store_figures(ctx, "simulated", date(2025, 7, 30), rows)


@pytest.fixture
def analysed(ctx: Context) -> Context:
    _orders_collapse(ctx)
    _cold_simulated_nation(ctx)
    run_analysis(ctx, AS_OF)
    return ctx


def _va_light(summary: dict[str, Any]) -> dict[str, Any]:
    (light,) = [x for x in summary["signals"]["lights"] if x["indicator"] == "va_elec"]
    return light


def test_staff_see_the_run_on_every_figure(analysed: Context) -> None:
    run = latest_run(analysed, SYSTEM)
    assert run is not None
    summary = run["summary"]
    assert summary["by_rule"]["enterprise_orders_drop"] == 1
    assert _va_light(summary)["period"] == "2025-01~07"  # the simulated figure
    assert "public" not in summary and {"new", "updated"} <= set(summary)


@pytest.mark.parametrize(
    "who",
    [
        ANONYMOUS,
        Principal("e9001", Role.ENTERPRISE, user_id=7, entity="E9001"),
        Principal("sc", Role.PROVINCE, user_id=8, entity="510000"),
    ],
)
def test_everyone_else_sees_results_on_published_figures(analysed: Context, who: Principal) -> None:
    assert not policy.may_see_full_analysis(who)
    run = latest_run(analysed, who)
    assert run is not None
    summary = run["summary"]
    assert summary["by_rule"]["enterprise_orders_drop"] == 0
    assert summary["findings"] == sum(summary["by_rule"].values())
    assert _va_light(summary)["period"] != "2025-01~07"
    assert summary["as_of"] == AS_OF.isoformat() and summary["run"] == run["id"]
    assert "new" not in summary and "updated" not in summary and "public" not in summary


def test_the_api_answers_each_their_view(analysed: Context) -> None:
    accounts.add_user(analysed, SYSTEM, username="ana", role="analyst")
    token = accounts.create_token(analysed, SYSTEM, "ana", "tests")
    with TestClient(create_app(analysed.settings, context=analysed)) as client:
        public = client.get("/api/v1/signals").json()["run"]["summary"]
        staff = client.get("/api/v1/signals", headers={"Authorization": f"Bearer {token}"}).json()[
            "run"
        ]["summary"]
    assert public["by_rule"]["enterprise_orders_drop"] == 0
    assert staff["by_rule"]["enterprise_orders_drop"] == 1


def test_a_run_kept_without_a_public_part_shows_the_public_its_date_and_targets_only(
    ctx: Context,
) -> None:
    from wenzeng.store import analysis as store

    with ctx.transaction() as conn:
        rid = store.add_run(conn, AS_OF)
        store.set_run_summary(
            conn, rid, {"as_of": "2025-07-31", "run": rid, "targets": {}, "by_rule": {"x": 3}}
        )
    run = latest_run(ctx, ANONYMOUS)
    assert run is not None and run["summary"] == {"as_of": "2025-07-31", "run": rid, "targets": {}}
