"""The pages open on the plan in force by date, else the latest; an ended plan stays reachable."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from wenzeng.definitions.catalogue import builtin_plan_files
from wenzeng.domain.plan import Plan, PlanPeriod
from wenzeng.errors import NotFound
from wenzeng.services.context import Context
from wenzeng.services.loading import load_plan_file
from wenzeng.services.plan_in_force import (
    PlanState,
    choose_plan,
    plan_choices,
    plan_in_force,
    plan_state,
)
from wenzeng.services.plans import get_plan
from wenzeng.web.app import create_app
from wenzeng.web.pages import home

ENDED = "eim-2023-2024"
NEXT = "eim-test-next"


def shifted_plan_file(tmp_path: Path) -> Path:
    """The built-in 2023–2024 plan moved four years on, under another code and title."""
    source = next(p for p in builtin_plan_files() if p.name == f"{ENDED}.yaml")
    text = source.read_text(encoding="utf-8")
    text = text.replace(f"code: {ENDED}", f"code: {NEXT}", 1)
    text = text.replace(
        "  zh: 电子信息制造业2023—2024年稳增长行动方案", "  zh: 测试用后续行动方案", 1
    )
    text = re.sub(
        r"^(\s+(?:start|end): )(2023|2024)$",
        lambda m: f"{m[1]}{int(m[2]) + 4}",
        text,
        flags=re.MULTILINE,
    )
    path = tmp_path / f"{NEXT}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def with_period(plan: Plan, code: str, start: int, end: int) -> Plan:
    return plan.model_copy(update={"code": code, "period": PlanPeriod(start=start, end=end)})


def test_plan_state_follows_the_years_of_the_period(ctx: Context) -> None:
    plan = get_plan(ctx, ENDED)
    assert plan_state(plan, date(2022, 12, 31)) is PlanState.UPCOMING
    assert plan_state(plan, date(2023, 1, 1)) is PlanState.IN_FORCE
    assert plan_state(plan, date(2024, 12, 31)) is PlanState.IN_FORCE
    assert plan_state(plan, date(2025, 1, 1)) is PlanState.ENDED
    assert (PlanState.ENDED.zh, PlanState.IN_FORCE.zh) == ("已结束", "执行中")


def test_the_plan_in_force_is_chosen_else_the_latest(ctx: Context) -> None:
    old = get_plan(ctx, ENDED)
    new = with_period(old, "b", 2025, 2026)
    later = with_period(old, "c", 2027, 2028)
    plans = [later, old, new]
    assert choose_plan(plans, date(2023, 6, 1)) is old
    assert choose_plan(plans, date(2026, 12, 3)) is new
    assert choose_plan(plans, date(2027, 1, 1)) is later
    # none in force: the latest one
    assert choose_plan([old, new], date(2030, 1, 1)) is new
    assert choose_plan([old, new], date(2020, 1, 1)) is new
    assert choose_plan([], date(2026, 1, 1)) is None


def test_a_named_plan_is_given_whatever_its_state(ctx: Context, tmp_path: Path) -> None:
    load_plan_file(ctx, shifted_plan_file(tmp_path))
    assert plan_in_force(ctx, on=date(2027, 6, 1)).code == NEXT
    assert plan_in_force(ctx, on=date(2024, 6, 30)).code == ENDED
    assert plan_in_force(ctx, ENDED, on=date(2027, 6, 1)).code == ENDED
    with pytest.raises(NotFound):
        plan_in_force(ctx, "no-such-plan")
    choices = [(c.plan.code, c.state) for c in plan_choices(ctx, date(2027, 6, 1))]
    assert choices[0] == (NEXT, PlanState.IN_FORCE)
    assert (ENDED, PlanState.ENDED) in choices
    assert [state for _, state in choices].count(PlanState.IN_FORCE) == 1


def fix_today(monkeypatch: pytest.MonkeyPatch, day: date) -> None:
    """The overview's idea of today."""

    class Fixed(date):
        @classmethod
        def today(cls) -> Fixed:
            return cls(day.year, day.month, day.day)

    monkeypatch.setattr(home, "date", Fixed)


@pytest.fixture
def site(ctx: Context, tmp_path: Path) -> Iterator[TestClient]:
    load_plan_file(ctx, shifted_plan_file(tmp_path))
    with TestClient(create_app(ctx.settings, ctx)) as client:
        yield client


def test_the_home_page_opens_on_the_plan_in_force(
    site: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    fix_today(monkeypatch, date(2027, 6, 1))
    data = site.get("/index.json").json()
    assert (data["plan"]["code"], data["plan"]["state"]) == (NEXT, "in_force")
    states = {p["code"]: p["state_zh"] for p in data["plans"]}
    assert (states[NEXT], states[ENDED]) == ("执行中", "已结束")
    page = site.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "<h1>测试用后续行动方案</h1>" in page.text

    # (the JSON twin is kept until the data change; the page is built for each request)
    fix_today(monkeypatch, date(2024, 6, 1))
    page = site.get("/", headers={"Accept": "text/html"})
    assert "<h1>电子信息制造业2023—2024年稳增长行动方案</h1>" in page.text
    assert "测试用后续行动方案（未开始）" in page.text


def test_the_ended_plan_stays_reachable_with_its_final_assessment(
    site: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    fix_today(monkeypatch, date(2027, 6, 1))
    data = site.get(f"/index.json?plan={ENDED}").json()
    assert data["plan"]["code"] == ENDED
    assert data["plan"]["period"] == [2023, 2024]
    cards = {c["target"]: c["assessment"]["status"] for c in data["targets"]}
    assert set(cards) == {
        "va_growth",
        "revenue",
        "phone_5g_share",
        "tv_75plus_share",
        "solar_cell_output",
    }
    # judged from the figures published for 2023 and 2024 (the 5G share: 2024 data exist)
    assert cards["phone_5g_share"] == "achieved"
    page = site.get(f"/?plan={ENDED}", headers={"Accept": "text/html"})
    assert "已结束" in page.text
