"""Importing files as offices produce them: specimens, atomicity, error reports."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from wenzeng.auth.principal import SYSTEM
from wenzeng.errors import Conflict, ValidationFailed
from wenzeng.ingest.pipeline import ColumnMapping
from wenzeng.services.context import Context
from wenzeng.services.importing import import_file
from wenzeng.services.series import SeriesQuery, observations
from wenzeng.store import batches as batch_store
from wenzeng.store import observations as observation_store

SPECIMENS = Path(__file__).parent / "specimens"


def specimens(kind: str) -> list[Path]:
    return sorted(p for p in (SPECIMENS / kind).iterdir())


def expected(path: Path) -> dict:
    return json.loads((SPECIMENS / "expected" / f"{path.name}.json").read_text(encoding="utf-8"))


def mapping_for(spec: dict) -> ColumnMapping:
    return ColumnMapping.parse(spec.get("map", []), spec.get("set", []))


@pytest.mark.parametrize("path", specimens("good"), ids=lambda p: p.name)
def test_good_specimens_import(ctx: Context, path: Path) -> None:
    spec = expected(path)
    before = _count(ctx)
    result = import_file(ctx, path, mapping_for(spec), vintage=date(2025, 10, 20))
    assert result.rows == spec["rows"]
    assert len(result.warnings) == spec.get("warnings", 0)
    assert _count(ctx) == before + spec["rows"]
    for check in spec["check"]:
        rows = observations(
            ctx,
            SYSTEM,
            SeriesQuery(
                check["indicator"],
                entity=check.get("entity", "CN"),
                measure=check.get("measure"),
                period=check.get("period"),
                period_type="cum_month" if check.get("period") else None,
            ),
        )
        assert any(r.value == pytest.approx(check["value"]) for r in rows), (check, rows)
        assert all(r.source_kind == "import" for r in rows if r.vintage == date(2025, 10, 20))


@pytest.mark.parametrize("path", specimens("bad"), ids=lambda p: p.name)
def test_bad_specimens_fail_precisely_and_write_nothing(ctx: Context, path: Path) -> None:
    spec = expected(path)
    before = _count(ctx)
    with ctx.reading() as conn:
        batches_before = len(batch_store.batches(conn))
    with pytest.raises(ValidationFailed) as info:
        import_file(ctx, path, ColumnMapping())
    got = [
        (i.loc.row, i.loc.column, i.code.value) for i in info.value.issues if i.severity == "error"
    ]
    want = [(i["row"], i["column"], i["code"]) for i in spec["issues"]]
    assert got == want
    for issue in info.value.issues:
        assert issue.loc.file == str(path)
        assert issue.msg_zh and issue.msg_en and issue.msg_zh != issue.msg_en
    assert _count(ctx) == before
    with ctx.reading() as conn:
        assert len(batch_store.batches(conn)) == batches_before


def _count(ctx: Context) -> int:
    with ctx.reading() as conn:
        return observation_store.count_observations(conn)


def test_messages_name_what_was_found_and_expected(sqlite_ctx: Context) -> None:
    path = SPECIMENS / "bad" / "bad_values.csv"
    with pytest.raises(ValidationFailed) as info:
        import_file(sqlite_ctx, path, ColumnMapping())
    by_row = {i.loc.row: i for i in info.value.issues}
    assert by_row[3].msg == (
        "未知指标 'revenu_elec'；可用 `wenzeng catalog indicators` 查看全部指标 / unknown "
        "indicator 'revenu_elec'; `wenzeng catalog indicators` lists them all"
    )
    assert "unknown region or entity 'Atlantis'" in by_row[4].msg
    assert by_row[5].msg == "月份应在1–12之间，填写的是13 / the month must be 1–12, not 13"
    assert by_row[5].value == "2025年13月"
    assert by_row[6].msg == "不是数字：'一百' / not a number: '一百'"
    assert "a share must lie between 0 and 100: 120" in by_row[7].msg
    assert "unit 'GW' cannot be converted to revenue_elec's unit 亿元" in by_row[8].msg
    assert "duplicates row 2" in by_row[9].msg
    d = by_row[6].as_dict()
    assert d["loc"] == ["file", str(path), "row", 6, "column", "value"]
    assert d["code"] == "not_a_number" and d["severity"] == "error"


def test_the_same_file_is_not_imported_twice(sqlite_ctx: Context) -> None:
    path = SPECIMENS / "good" / "utf8_long.csv"
    import_file(sqlite_ctx, path, ColumnMapping())
    with pytest.raises(Conflict, match="already imported in batch"):
        import_file(sqlite_ctx, path, ColumnMapping())
    again = import_file(sqlite_ctx, path, ColumnMapping(), force=True)
    assert again.rows == 3


def test_a_failure_while_writing_rolls_back_everything(
    sqlite_ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing half-written stays behind even when the database fails mid-load."""
    import wenzeng.services.loading as loading

    lines = ["indicator,region,period,period_type,measure,value,unit"]
    lines += [
        f"revenue_elec,CN,20{y:02d}-{m:02d},month,level,{y * 100 + m},亿元"
        for y in range(30, 40)
        for m in range(1, 13)
    ]
    path = tmp_path / "many.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    real = loading.write_observations

    def fail_after_writing(conn, frame, batch_id, progress=None):  # type: ignore[no-untyped-def]
        real(conn, frame, batch_id, progress)
        raise RuntimeError("disk full")

    monkeypatch.setattr(loading, "write_observations", fail_after_writing)
    before = _count(sqlite_ctx)
    with pytest.raises(RuntimeError, match="disk full"):
        import_file(sqlite_ctx, path, ColumnMapping())
    assert _count(sqlite_ctx) == before
    with sqlite_ctx.reading() as conn:
        assert not [b for b in batch_store.batches(conn) if b["kind"] == "import"]


def test_column_mapping_and_constants(sqlite_ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "wide_names.csv"
    path.write_text('省份,月份,收入（亿元）\n广东,2025年1-9月,"3,210"\n', encoding="utf-8")
    mapping = ColumnMapping.parse(
        ["entity=省份", "period=月份", "value=收入（亿元）"],
        ["indicator=revenue_elec_prov", "measure=level", "unit=亿元"],
    )
    result = import_file(sqlite_ctx, path, mapping)
    assert result.rows == 1
    (rec,) = observations(
        sqlite_ctx, SYSTEM, SeriesQuery("revenue_elec_prov", entity="广东", period="2025-01~09")
    )
    assert rec.value == 3210


def test_mapping_to_a_missing_column_lists_the_columns(sqlite_ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("指标,地区,期间,数值\nrevenue_elec,CN,2025,1\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as info:
        import_file(sqlite_ctx, path, ColumnMapping.parse(["value=金额"], []))
    (issue,) = info.value.issues
    assert issue.code == "missing_column"
    assert "mapped column '金额' (field value) is not in the file" in issue.msg
    assert "指标, 地区, 期间, 数值" in issue.msg


def test_invalid_mapping_syntax() -> None:
    with pytest.raises(ValueError, match="expected FIELD=VALUE"):
        ColumnMapping.parse(["colour=红"], [])
