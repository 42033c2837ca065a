"""The 2025–2026 plan: its words are the reports' own, its seven targets are judged from the
stored figures or said to be without data, and the pages open on it while it is in force.

The plan needs the target computations count_above, rank and qualitative.  Until the schema has
them, the plan cannot load: the tests that load it are expected to fail (strictly, so that they
run as soon as the schema is there)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
import yaml
from fastapi.testclient import TestClient

from wenzeng.analysis.tracking import Status
from wenzeng.definitions.catalogue import catalog_dir, read_plan
from wenzeng.services.context import Context
from wenzeng.services.loading import load_plan_file
from wenzeng.services.plan_in_force import plan_in_force
from wenzeng.services.tracking import assess_plan
from wenzeng.web.app import create_app
from wenzeng.web.pages import home

CODE = "eim-2025-2026"
BUILTIN = catalog_dir() / "plans" / f"{CODE}.yaml"
SOURCE = catalog_dir() / "plans" / f"{CODE}.source.md"
PLAN_FILE = BUILTIN
AS_OF = date(2026, 12, 3)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def document() -> dict[str, object]:
    loaded = yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_every_target_and_measure_is_worded_as_the_reports_state() -> None:
    source = squash(SOURCE.read_text(encoding="utf-8"))
    doc = document()
    targets = doc["targets"]
    measures = doc["measures"]
    assert isinstance(targets, list) and isinstance(measures, list)
    assert len(targets) == 7
    for t in targets:
        assert squash(t["text_zh"]) in source, t["code"]
    for m in measures:
        assert squash(m["text"]).rstrip("。") in source, m["code"]
    assert doc["source"]["url"] in SOURCE.read_text(encoding="utf-8")  # type: ignore[index]


def test_the_plan_file_is_in_place_only_when_it_loads(ctx: Context) -> None:
    """The built-in plans load with `wenzeng init`, the plan in force among them."""
    read_plan(BUILTIN, BUILTIN.read_text(encoding="utf-8"), ctx.base_catalogue)
    assert plan_in_force(ctx, CODE).code == CODE


def test_the_plan_validates_against_the_catalogue(ctx: Context) -> None:
    plan = read_plan(PLAN_FILE, PLAN_FILE.read_text(encoding="utf-8"), ctx.base_catalogue)
    assert plan.code == CODE
    assert (plan.period.start, plan.period.end) == (2025, 2026)
    assert [t.computation.value for t in plan.targets] == [
        "average_annual_growth",
        "average_annual_growth",
        "rank",
        "count_above",
        "value_at_end",
        "value_at_end",
        "qualitative",
    ]


def test_each_target_is_judged_or_said_to_be_without_data(ctx: Context) -> None:
    load_plan_file(ctx, PLAN_FILE)
    plan = plan_in_force(ctx, CODE)
    assessed = {a.target.code: a for a in assess_plan(ctx, plan, AS_OF)}
    assert set(assessed) == {t.code for t in plan.targets}
    for code, a in assessed.items():
        if a.status is Status.NO_DATA:
            # said so, with the reason: what is missing
            assert a.figure is None, code
            assert "无数据" in a.rule_zh and len(a.rule_zh) > len("：无数据"), code
        elif code != "pc_phone_upgrade":
            assert a.figure is not None and (a.figure_note_zh or a.rule_zh), code
    # no figure of the broad revenue scope nor of the server industry's size is published
    assert assessed["revenue_growth"].status is Status.NO_DATA
    assert assessed["server_industry"].status is Status.NO_DATA
    # a qualitative target is never a number
    assert assessed["pc_phone_upgrade"].figure is None
    assert assessed["pc_phone_upgrade"].status is not Status.NO_DATA


@pytest.fixture
def site(ctx: Context) -> Iterator[TestClient]:
    load_plan_file(ctx, PLAN_FILE)
    with TestClient(create_app(ctx.settings, ctx)) as client:
        yield client


def test_the_home_page_shows_the_plan_in_force(
    site: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Today(date):
        @classmethod
        def today(cls) -> Today:
            return cls(AS_OF.year, AS_OF.month, AS_OF.day)

    monkeypatch.setattr(home, "date", Today)
    data = site.get("/index.json").json()
    assert (data["plan"]["code"], data["plan"]["state_zh"]) == (CODE, "执行中")
    assert {p["code"]: p["state_zh"] for p in data["plans"]}["eim-2023-2024"] == "已结束"
    page = site.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "<h1>电子信息制造业2025—2026年稳增长行动方案</h1>" in page.text


def test_every_target_page_of_the_plan_answers(ctx: Context) -> None:
    """The qualitative target too: its page shows its words and the progress reported, no
    chart and no figure."""
    load_plan_file(ctx, PLAN_FILE)
    plan = plan_in_force(ctx, CODE)
    with TestClient(create_app(ctx.settings, context=ctx)) as client:
        for t in plan.targets:
            page = client.get(f"/targets/{t.code}?plan={CODE}")
            assert page.status_code == 200, (t.code, page.text[:300])
            assert client.get(f"/targets/{t.code}.json?plan={CODE}").status_code == 200
        qualitative = next(t for t in plan.targets if t.is_qualitative)
        page = client.get(f"/targets/{qualitative.code}?plan={CODE}").text
        assert "定性目标" in page and "报送的进展" in page and "target-chart" not in page
