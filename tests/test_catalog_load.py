"""A second industry's catalogue (units, sectors, indicators, entities) loaded from a file
through the command line, kept in the store, listed beside the built-in one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wenzeng.cli import run
from wenzeng.config import load_settings
from wenzeng.domain.units import use_units
from wenzeng.services.context import Context

CATALOG = Path(__file__).parent / "specimens" / "catalog"
SHIPS = CATALOG / "shipbuilding.yaml"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    monkeypatch.setenv("WENZENG_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.delenv("WENZENG_DEBUG", raising=False)

    def call(*args: str) -> tuple[int, str, str]:
        code = run(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    yield call
    use_units(None)


def _rows(cli, *args: str) -> list[dict]:
    code, out, err = cli(*args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_an_extension_loads_once_and_is_listed_with_its_origin(cli) -> None:
    assert cli("init")[0] == 0
    code, out, _ = cli("catalog", "load", str(SHIPS))
    assert code == 0 and "5 new" in out
    code, out, _ = cli("catalog", "load", str(SHIPS))  # the same file again: nothing changes
    assert code == 0 and "0 new, 0 changed, 5 unchanged" in out
    user = _rows(cli, "catalog", "list", "--user")
    assert {(r["kind"], r["code"]) for r in user} == {
        ("unit", "载重吨"),
        ("unit", "万载重吨"),
        ("sector", "C373"),
        ("indicator", "ship_completions"),
        ("entity", "assoc_cansi"),
    }
    assert {r["source_file"] for r in user} == {"shipbuilding.yaml"}
    assert all(r["version"] == 1 for r in user)
    indicators = {r["code"]: r for r in _rows(cli, "catalog", "indicators")}
    assert indicators["ship_completions"]["origin"] == "shipbuilding.yaml"
    assert indicators["revenue_elec"]["origin"] == "内置"
    units = {r["code"]: r for r in _rows(cli, "catalog", "units")}
    assert units["万载重吨"]["conversion"] == "1 万载重吨 = 10,000 载重吨"
    entities = {r["code"]: r for r in _rows(cli, "catalog", "entities", "--kind", "association")}
    assert entities["assoc_cansi"]["origin"] == "shipbuilding.yaml"
    code, out, _ = cli("catalog", "indicators")
    assert "来源" in out and "内置" in out


def test_user_entries_survive_a_new_context_and_validate_imports(cli, tmp_path: Path) -> None:
    cli("init")
    cli("catalog", "load", str(SHIPS))
    data = tmp_path / "ships.csv"
    data.write_text(
        "indicator,region,period,measure,value,unit\n"
        "ship_completions,CN,2024年,level,4818,万载重吨\n"
        "造船完工量,CN,2023年,level,42320000,DWT\n",
        encoding="utf-8",
    )
    code, out, err = cli("import", str(data), "--format", "json")
    assert code == 0, err
    assert json.loads(out)["rows"] == 2
    rows = _rows(cli, "data", "show", "ship_completions")
    assert sorted(r["value"] for r in rows) == [4232, 4818]  # 42,320,000 DWT in 万载重吨
    ctx = Context.open(load_settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}"))
    try:  # what a reinstall keeps: the store, not the package's files
        assert ctx.catalogue.indicators["ship_completions"].unit == "万载重吨"
        assert ctx.unit_registry.conversion_factor("万载重吨", "载重吨") == 10_000
        assert "ship_completions" not in ctx.base_catalogue.indicators
    finally:
        ctx.close()


def test_a_changed_entry_is_a_new_version_and_the_old_one_is_kept(cli, tmp_path: Path) -> None:
    cli("init")
    cli("catalog", "load", str(SHIPS))
    changed = tmp_path / "ships-2.yaml"
    changed.write_text(
        SHIPS.read_text(encoding="utf-8").replace(
            "aliases: [造船完工]", "aliases: [造船完工, 完工量]"
        ),
        encoding="utf-8",
    )
    code, out, _ = cli("catalog", "load", str(changed))
    assert code == 0 and "1 changed, 4 unchanged" in out
    current = _rows(cli, "catalog", "list", "--user", "--kind", "indicator")
    assert [(r["version"], r["source_file"]) for r in current] == [(2, "ships-2.yaml")]
    every = _rows(cli, "catalog", "list", "--user", "--kind", "indicator", "--history")
    assert [(r["version"], r["current"]) for r in every] == [(1, False), (2, True)]
    indicators = {r["code"]: r for r in _rows(cli, "catalog", "indicators")}
    assert indicators["ship_completions"]["aliases"] == ["造船完工", "完工量"]


def test_a_built_in_code_is_refused_not_shadowed(cli, tmp_path: Path) -> None:
    cli("init")
    clash = tmp_path / "clash.yaml"
    clash.write_text(
        "schema: wenzeng/catalog-extension/v1\n"
        "indicators:\n"
        "  - code: revenue_elec\n"
        "    name: {zh: 营业收入, en: revenue}\n"
        "    unit: 亿元\n"
        "    frequency: monthly\n"
        "    nature: flow\n"
        "    measures: [level]\n"
        "    series_kinds: [level]\n"
        "    aggregation: sum\n",
        encoding="utf-8",
    )
    code, _, err = cli("catalog", "load", str(clash))
    assert code == 3
    assert "与内置指标 revenue_elec 同代码" in err and "line 3" in err
    indicators = {r["code"]: r for r in _rows(cli, "catalog", "indicators")}
    assert indicators["revenue_elec"]["name_zh"] == "规模以上电子信息制造业营业收入"
    assert _rows(cli, "catalog", "list", "--user") == []


def test_every_problem_of_a_file_is_reported_at_once(cli, tmp_path: Path) -> None:
    cli("init")
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "schema: wenzeng/catalog-extension/v1\n"
        "units:\n"
        "  - {code: 万标准箱, dimension: teu, factor: -1, name: {zh: 万标准箱, en: 10k TEU}}\n"
        "indicators:\n"
        "  - code: Bad-Code\n"
        "    name: {zh: 坏, en: bad}\n"
        "    frequency: monthly\n"
        "    nature: flow\n"
        "    measures: [level]\n"
        "    series_kinds: [level]\n"
        "    aggregation: sum\n"
        "vessels: []\n",
        encoding="utf-8",
    )
    code, _, err = cli("catalog", "load", str(bad))
    assert code == 3
    assert "units.0.factor" in err and "line 3" in err
    assert "indicators.0.code" in err and "line 5" in err
    assert "vessels" in err and "line 12" in err
    assert _rows(cli, "catalog", "list", "--user") == []


def test_an_indicator_in_an_unknown_unit_is_refused(cli, tmp_path: Path) -> None:
    cli("init")
    bad = tmp_path / "unit.yaml"
    bad.write_text(
        SHIPS.read_text(encoding="utf-8").replace("unit: 万载重吨", "unit: 万标准箱"),
        encoding="utf-8",
    )
    code, _, err = cli("catalog", "load", str(bad))
    assert code == 3 and "未知单位 '万标准箱'" in err and "indicators.0.unit" in err


def test_an_entry_in_use_is_removed_only_by_force(cli, tmp_path: Path) -> None:
    cli("init")
    cli("catalog", "load", str(SHIPS))
    code, _, err = cli("catalog", "remove", "unit", "万载重吨")
    assert code == 6 and "ship_completions" in err
    code, _, err = cli("catalog", "remove", "sector", "C373")
    assert code == 6 and "assoc_cansi" in err
    code, _, err = cli("catalog", "remove", "indicator", "revenue_elec")
    assert code == 6 and "内置" in err
    code, _, _ = cli("catalog", "remove", "entity", "assoc_cansi")
    assert code == 0
    code, _, _ = cli("catalog", "remove", "entity", "assoc_cansi")
    assert code == 4
    assert "assoc_cansi" not in {r["code"] for r in _rows(cli, "catalog", "entities")}
    every = _rows(cli, "catalog", "list", "--user", "--kind", "entity", "--history")
    assert every == []  # history is listed for current entries only


def test_the_full_list_tells_built_in_and_user_entries_apart(cli) -> None:
    cli("init")
    cli("catalog", "load", str(SHIPS))
    rows = _rows(cli, "catalog", "list", "--kind", "unit")
    origin = {r["code"]: r["origin"] for r in rows}
    assert origin["亿元"] == "内置" and origin["万载重吨"] == "shipbuilding.yaml"
    assert all(r["note"] == "" for r in rows)
