"""Importing bureau tables as delivered: a dry run that writes nothing, every sheet of a
workbook, one file's problems all at once, saved import profiles, sources from the file."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from wenzeng.auth.principal import SYSTEM
from wenzeng.cli.root import app
from wenzeng.errors import NotFound, ValidationFailed
from wenzeng.ingest.pipeline import ColumnMapping
from wenzeng.services.context import Context
from wenzeng.services.importing import (
    ImportRequest,
    hints_from_options,
    import_observations,
    profiles,
    remove_profile,
)
from wenzeng.services.series import read_observations

REGIONS = (
    "2024年1-9月分地区规模以上电子信息制造业主要指标\n"
    "单位：亿元\n"
    "地区,营业收入,同比增长(%),利润总额,同比增长(%)\n"
    "广东,33551.2,5.1,1201.4,8.2\n"
    "江苏,19876.0,3.8,905.3,-2.1\n"
    "深圳,18234.5,6.0,780.2,9.9\n"
    "注：1.本表数据为快报数。\n"
    "资料来源：工业和信息化部运行监测协调局。\n"
)


def imported(ctx: Context) -> list:
    return read_observations(ctx, SYSTEM, indicators=["revenue_elec", "profit_elec"])


@pytest.fixture
def regions(tmp_path: Path) -> Path:
    path = tmp_path / "分地区.csv"
    path.write_bytes(REGIONS.encode("gb18030"))
    return path


def test_a_dry_run_reads_and_checks_and_writes_nothing(ctx: Context, regions: Path) -> None:
    before = len(imported(ctx))
    result = import_observations(ctx, regions, ImportRequest(dry_run=True))
    assert result.dry_run and result.batch_id is None and not result.problems
    assert result.rows == 12  # 3 regions × (2 levels + 2 growth rates)
    (sheet,) = result.sheets
    assert sheet.layout != "long" and sheet.description
    assert {n.kind for n in sheet.notes} >= {"note", "source"}
    assert len(imported(ctx)) == before


def test_the_import_stores_what_the_dry_run_showed_with_the_file_as_source(
    ctx: Context, regions: Path
) -> None:
    result = import_observations(ctx, regions, ImportRequest())
    assert result.rows == 12 and result.batch_id is not None
    rows = {
        (r.indicator, r.entity, r.measure, r.period): r
        for r in imported(ctx)
        if r.source_kind == "import"
    }
    assert rows["revenue_elec", "440000", "level", "2024-01~09"].value == pytest.approx(33551.2)
    assert rows["profit_elec", "320000", "yoy_pct", "2024-01~09"].value == pytest.approx(-2.1)
    assert rows["revenue_elec", "440300", "level", "2024-01~09"].value == pytest.approx(18234.5)
    source = rows["revenue_elec", "440000", "level", "2024-01~09"].source_title or ""
    assert "2024年1-9月分地区" in source and "运行监测协调局" in source


def test_every_problem_of_every_sheet_at_once_and_nothing_written(
    ctx: Context, tmp_path: Path
) -> None:
    wb = openpyxl.Workbook()
    good = wb.active
    assert good is not None
    good.title = "分地区"
    for row in (
        ["2024年1-9月分地区主要指标（单位：亿元）"],
        ["地区", "营业收入", "同比增长(%)"],
        ["广东", 33551.2, 5.1],
    ):
        good.append(row)
    bad = wb.create_sheet("主要产品")
    for row in (
        ["2024年1-9月全国主要电子产品产量"],
        ["产品名称", "计量单位", "1-9月累计", "同比增长(%)"],
        ["手机", "万台", -5, 6.2],
        ["其中：智能手机", "万台", 80000, 9.8],
        ["火星车", "万台", 1, 1],
    ):
        bad.append(row)
    path = tmp_path / "两表.xlsx"
    wb.save(path)
    before = len(read_observations(ctx, SYSTEM))
    with pytest.raises(ValidationFailed) as info:
        import_observations(ctx, path, ImportRequest())
    where = {(i.loc.sheet, i.loc.row) for i in info.value.issues}
    assert ("主要产品", 3) in where  # a negative output
    assert ("主要产品", 4) in where  # smartphones above all phones
    assert ("主要产品", 5) in where  # no such product
    assert len(read_observations(ctx, SYSTEM)) == before


def test_a_profile_given_once_reads_next_months_file(ctx: Context, tmp_path: Path) -> None:
    shape = (
        "{period}各市电子信息制造业营业收入\n"
        "地区,本期数（亿元）,同比增长（%）\n"
        "广东,{a},5.1\n"
        "江苏,{b},3.8\n"
    )
    first = tmp_path / "九月.csv"
    first.write_text(shape.format(period="2024年1-9月", a=33551.2, b=19876), encoding="utf-8")
    hints = hints_from_options(indicator="revenue_elec")
    result = import_observations(ctx, first, ImportRequest(hints=hints, save_profile="分市营收"))
    assert result.profile_saved == "分市营收" and result.rows == 4
    (saved,) = profiles(ctx)
    assert saved["name"] == "分市营收" and saved["hints"]["indicator"] == "revenue_elec"
    assert "period" not in saved["hints"] or not saved["hints"]["period"]

    later = tmp_path / "十月.csv"
    later.write_text(shape.format(period="2024年1-10月", a=37000.5, b=22000), encoding="utf-8")
    alone = import_observations(ctx, later, ImportRequest(dry_run=True))
    assert alone.problems  # the file alone does not say its indicator
    again = import_observations(ctx, later, ImportRequest(profile="分市营收"))
    assert again.rows == 4
    values = {
        (r.entity, r.period): r.value
        for r in read_observations(ctx, SYSTEM, indicator="revenue_elec", measure="level")
        if r.source_kind == "import"
    }
    assert values["440000", "2024-01~10"] == pytest.approx(37000.5)

    remove_profile(ctx, "分市营收")
    assert profiles(ctx) == []
    with pytest.raises(NotFound):
        import_observations(ctx, later, ImportRequest(profile="分市营收"))


def test_a_bad_profile_name_is_refused(ctx: Context, regions: Path) -> None:
    with pytest.raises(ValidationFailed, match="profile name"):
        import_observations(ctx, regions, ImportRequest(save_profile="a b/c"))


def test_the_command_line_dry_run_prints_json_and_writes_nothing(
    sqlite_ctx: Context, regions: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WENZENG_DATABASE_URL", sqlite_ctx.settings.database_url)
    before = len(imported(sqlite_ctx))
    run = CliRunner().invoke(app, ["import", str(regions), "--dry-run", "--format", "json"])
    assert run.exit_code == 0, run.output
    body = json.loads(run.stdout)
    assert body["dry_run"] and body["rows"] == 12 and body["layout"][0]["notes"]
    assert len(imported(sqlite_ctx)) == before


def test_long_files_keep_their_mapping(ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text(
        "2024年1-9月主要指标\n指标,地区,数值,单位\nrevenue_elec,广东,33551.2,亿元\n",
        encoding="utf-8",
    )
    result = import_observations(ctx, path, ImportRequest(mapping=ColumnMapping()))
    assert result.sheets[0].layout == "long" and result.rows == 1
    (r,) = [
        r
        for r in read_observations(ctx, SYSTEM, indicator="revenue_elec", entities=["440000"])
        if r.source_kind == "import"
    ]
    assert r.period == "2024-01~09"  # from the title
