"""Plans through their life: loaded against the extended catalogue, listed with their
status, archived, removed; a plan whose indicator is gone never breaks the others."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from wenzeng.cli import run
from wenzeng.config import load_settings
from wenzeng.domain.units import use_units
from wenzeng.services.context import Context
from wenzeng.services.plan_lifecycle import plan_entries, remove_plan
from wenzeng.web.app import create_app

CATALOG = Path(__file__).parent / "specimens" / "catalog"
SHIPS = CATALOG / "shipbuilding.yaml"
SHIP_PLAN = CATALOG / "shipbuilding-plan.yaml"


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


@pytest.fixture
def cli(db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    monkeypatch.setenv("WENZENG_DATABASE_URL", db)
    monkeypatch.delenv("WENZENG_DEBUG", raising=False)

    def call(*args: str) -> tuple[int, str, str]:
        code = run(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    yield call
    use_units(None)


@pytest.fixture
def opened(db: str) -> Iterator[Context]:
    ctx = Context.open(load_settings(database_url=db))
    yield ctx
    ctx.close()


def _plans(cli, *args: str) -> dict[str, dict]:
    code, out, err = cli("plan", "list", *args, "--format", "json")
    assert code == 0, err
    return {r["code"]: r for r in json.loads(out)}


def test_a_plan_needing_a_user_indicator_loads_only_after_the_catalogue(cli) -> None:
    cli("init")
    code, _, err = cli("plan", "load", str(SHIP_PLAN))
    assert code == 3 and "ship_completions" in err
    cli("catalog", "load", str(SHIPS))
    code, _, err = cli("plan", "load", str(SHIP_PLAN))
    assert code == 0, err
    plans = _plans(cli)
    assert plans["ship-2024-2030"]["status_zh"] == "执行中"
    assert plans["ship-2024-2030"]["origin"] == "shipbuilding-plan.yaml"
    assert plans["ship-2024-2030"]["period"] == "2024-2030"
    assert plans["eim-2023-2024"]["status_zh"] == "已结束"
    assert plans["eim-2023-2024"]["origin"] == "内置"
    code, out, _ = cli("plan", "show", "ship-2024-2030", "--format", "json")
    assert code == 0 and json.loads(out)["plan"]["targets"][0]["unit"] == "载重吨"


def test_a_plan_whose_indicator_is_gone_is_reported_and_breaks_nothing(cli, opened) -> None:
    cli("init")
    cli("catalog", "load", str(SHIPS))
    cli("plan", "load", str(SHIP_PLAN))
    code, _, err = cli("catalog", "remove", "indicator", "ship_completions")
    assert code == 6 and "ship-2024-2030" in err
    code, _, _ = cli("catalog", "remove", "indicator", "ship_completions", "--force")
    assert code == 0
    message = "计划 ship-2024-2030 引用了未知指标 ship_completions：该计划暂不可用"
    plans = _plans(cli)
    assert plans["ship-2024-2030"]["status"] == "unusable"
    assert plans["ship-2024-2030"]["problem"] == message
    assert plans["eim-2023-2024"]["problem"] == ""
    code, _, err = cli("plan", "show", "ship-2024-2030")
    assert code == 3 and message in err
    code, out, err = cli("plan", "show", "eim-2023-2024", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["plan"]["code"] == "eim-2023-2024"
    code, _, err = cli("analyze")
    assert code == 0, err
    assert message in err
    with TestClient(create_app(opened.settings, opened)) as client:
        assert client.get("/").status_code == 200
        assert client.get("/?plan=eim-2023-2024").status_code == 200
    cli("catalog", "load", str(SHIPS))  # the indicator back: the plan is usable again
    assert _plans(cli)["ship-2024-2030"]["status"] == "active"


def test_an_archived_plan_is_kept_read_only_out_of_the_default_list(cli) -> None:
    cli("init")
    cli("catalog", "load", str(SHIPS))
    cli("plan", "load", str(SHIP_PLAN))
    code, out, _ = cli("plan", "archive", "ship-2024-2030")
    assert code == 0 and "已归档" in out
    assert "ship-2024-2030" not in _plans(cli)
    assert _plans(cli, "--all")["ship-2024-2030"]["status_zh"] == "已归档"
    code, out, _ = cli("plan", "show", "ship-2024-2030", "--format", "json")
    assert code == 0 and json.loads(out)["archived"] is True
    code, _, _ = cli("plan", "archive", "ship-2024-2030", "--undo")
    assert code == 0 and _plans(cli)["ship-2024-2030"]["status_zh"] == "执行中"
    assert cli("plan", "archive", "no-such-plan")[0] == 4


def test_removal_is_refused_while_assessments_exist_and_force_takes_them(cli, opened) -> None:
    cli("init")
    cli("catalog", "load", str(SHIPS))
    cli("plan", "load", str(SHIP_PLAN))
    code, _, err = cli("analyze")  # assesses the plan's targets and stores the assessments
    assert code == 0, err
    code, _, err = cli("plan", "remove", "ship-2024-2030")
    assert code == 6 and "条目标评估" in err
    assert "ship-2024-2030" in _plans(cli)
    code, out, _ = cli("plan", "remove", "ship-2024-2030", "--force")
    assert code == 0 and "stored assessment" in out
    assert "ship-2024-2030" not in _plans(cli, "--all")
    assert [e.code for e in plan_entries(opened)] == ["eim-2023-2024", "eim-2025-2026"]
    code, _, _ = cli("plan", "remove", "ship-2024-2030")
    assert code == 4


def test_a_plan_without_dependents_is_removed_plainly(cli, opened) -> None:
    cli("init")
    cli("catalog", "load", str(SHIPS))
    cli("plan", "load", str(SHIP_PLAN))
    deps = remove_plan(opened, "ship-2024-2030")
    assert not deps.any
    assert "ship-2024-2030" not in _plans(cli, "--all")
