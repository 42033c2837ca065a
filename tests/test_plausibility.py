"""The catalogue's relations (minimum, part_of) on imports and on forms, from one definition."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from wenzeng.definitions.catalogue import builtin_catalogue, read_form
from wenzeng.domain.checking import check_values
from wenzeng.domain.issues import IssueCode
from wenzeng.domain.plausibility import Relations, breaches, part_relations
from wenzeng.ingest.pipeline import ColumnMapping, validate_table
from wenzeng.ingest.readers import COLUMN, ROW, RawTable, read_table

CAT = builtin_catalogue()
REL = CAT.relations
COLS = ["indicator", "entity", "measure", "period_type", "period", "vintage", "value", "row"]


def frame(*rows: tuple[object, ...]) -> pl.DataFrame:
    return pl.DataFrame(
        [(*r[:5], date(2024, 5, 1), *r[5:]) for r in rows],
        schema=[
            ("indicator", pl.Utf8),
            ("entity", pl.Utf8),
            ("measure", pl.Utf8),
            ("period_type", pl.Utf8),
            ("period", pl.Utf8),
            ("vintage", pl.Date),
            ("value", pl.Float64),
            ("row", pl.Int64),
        ],
        orient="row",
    )


def test_a_part_above_its_whole_names_both_rows() -> None:
    f = frame(
        ("phone_ship_total", "CN", "level", "month", "2024-03", 2567.1, 5),
        ("phone_ship_5g", "CN", "level", "month", "2024-03", 3021.7, 7),
    )
    (issue,) = breaches(f, REL, row_column="row", file="a.csv", column="数值")
    assert issue.code is IssueCode.RULE_FAILED and issue.loc.row == 7
    assert issue.loc.file == "a.csv" and issue.loc.column == "数值"
    assert "第7行 国内市场5G手机出货量 3021.7万部 大于 第5行 国内市场手机出货量 2567.1万部" in (
        issue.msg_zh
    )
    assert "row 7" in issue.msg_en and "row 5" in issue.msg_en


def test_wholes_are_followed_through() -> None:
    assert set(part_relations(CAT.indicators)["phone_ship_5g"]) == {
        "phone_ship_smart",
        "phone_ship_total",
    }
    f = frame(
        ("phone_ship_total", "CN", "level", "month", "2024-03", 2000.0, 2),
        ("phone_ship_5g", "CN", "level", "month", "2024-03", 2100.0, 3),
    )
    assert [i.loc.row for i in breaches(f, REL, row_column="row")] == [3]


def test_only_figures_of_one_entity_period_type_and_measure_are_compared() -> None:
    f = frame(
        ("phone_output", "CN", "level", "month", "2024-03", 100.0, 2),
        ("smartphone_output", "CN", "level", "cum_month", "2024-03", 300.0, 3),
        ("smartphone_output", "440000", "level", "month", "2024-03", 300.0, 4),
        ("smartphone_output", "CN", "level", "month", "2024-04", 300.0, 5),
        ("smartphone_output", "CN", "yoy_pct", "month", "2024-03", 300.0, 6),
        ("smartphone_output", "CN", "level", "month", "2024-03", 100.0, 7),  # equal is fine
    )
    assert breaches(f, REL, row_column="row") == []


def test_a_level_below_the_minimum_but_not_a_loss() -> None:
    f = frame(
        ("phone_output", "CN", "level", "month", "2024-03", -5.0, 2),
        ("profit_elec", "CN", "level", "month", "2024-03", -5.0, 3),
        ("revenue_elec", "CN", "yoy_pct", "month", "2024-03", -5.0, 4),
    )
    (issue,) = breaches(f, REL, row_column="row")
    assert issue.loc.row == 2 and issue.code is IssueCode.OUT_OF_RANGE
    assert "不能为负数" in issue.msg_zh and "cannot be negative" in issue.msg_en


def test_parts_in_another_unit_are_converted_before_comparing() -> None:
    from wenzeng.domain.catalog import Indicator

    def ind(code: str, unit: str, **kw: object) -> Indicator:
        return Indicator.model_validate(
            {
                "code": code,
                "name": {"zh": code, "en": code},
                "unit": unit,
                "frequency": "monthly",
                "nature": "flow",
                "measures": ["level"],
                "series_kinds": ["level"],
                "aggregation": "sum",
                **kw,
            }
        )

    rel = Relations.of({"w": ind("w", "亿台"), "p": ind("p", "万台", part_of=["w"])})
    ok = frame(
        ("w", "CN", "level", "month", "2024-03", 1.0, 2),
        ("p", "CN", "level", "month", "2024-03", 9000.0, 3),
    )
    bad = frame(
        ("w", "CN", "level", "month", "2024-03", 1.0, 2),
        ("p", "CN", "level", "month", "2024-03", 12000.0, 3),
    )
    assert breaches(ok, rel, row_column="row") == []
    assert len(breaches(bad, rel, row_column="row")) == 1


def _validate(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    v = validate_table(read_table(path), ColumnMapping(), CAT, default_vintage=date(2024, 5, 1))
    assert not v.ok and v.frame.height == 0  # nothing is written when any fires
    return [f"{i.loc.row}:{i.code.value}:{i.msg_zh}" for i in v.issues]


HEADER = "指标,地区,期间,期间类型,口径,数值,单位\n"


def test_an_import_with_implausible_figures_is_refused(tmp_path: Path) -> None:
    got = _validate(
        tmp_path,
        HEADER
        + "手机产量,全国,2024-03,month,level,15000,万台\n"
        + "其中：智能手机,全国,2024-03,month,level,16000,万台\n"
        + "手机出货量,全国,2024-03,month,level,2567.1,万部\n"
        + "5G手机出货量,全国,2024-03,month,level,3021.7,万部\n"
        + "太阳能电池,北京,2024-03,month,level,-5,万千瓦\n"
        + "phone_ship_total,全国,2024-04,month,level,100,\n"
        + "phone_ship_smart,全国,2024-04,month,level,100.5,\n",
    )
    assert got == [
        "6:out_of_range:第6行 太阳能电池 -5万千瓦 不能为负数",
        "3:rule_failed:第3行 其中：智能手机 16000万台 大于 第2行 手机产量 15000万台（前者是后者的一部分）",
        "5:rule_failed:第5行 5G手机出货量 3021.7万部 大于 第4行 手机出货量 2567.1万部（前者是后者的一部分）",
        "8:rule_failed:第8行 国内市场智能手机出货量 100.5万部 大于 第7行 国内市场手机出货量 100万部（前者是后者的一部分）",
    ]


def test_names_resolve_and_ambiguity_lists_the_candidates(tmp_path: Path) -> None:
    got = _validate(
        tmp_path,
        HEADER
        + "手机,广东,2024-03,month,level,100,万台\n"  # a unit says which
        + "手机,全国,2024-03,month,level,100,\n"
        + "规上工业营收,全国,2024-03,month,level,100,亿元\n",
    )
    assert got[0].startswith("3:unknown_indicator:指标 '手机' 有多种含义：phone_output（手机产量）")
    assert "phone_ship_total（国内市场手机出货量）" in got[0]
    assert got[1] == (
        "4:unknown_indicator:未知指标 '规上工业营收'；可用 `wenzeng catalog indicators` 查看全部指标"
    )
    assert len(got) == 2


def test_names_import_to_their_codes(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        HEADER
        + "手机,广东,2024-03,month,level,100,万台\n"
        + "营收,全国,2024-03,month,level,100,亿元\n"
        + "5G手机出货量,全国,2024-03,month,level,10,亿部\n",
        encoding="utf-8",
    )
    v = validate_table(read_table(path), ColumnMapping(), CAT, default_vintage=date(2024, 5, 1))
    assert v.ok
    assert v.frame.select("indicator", "value").rows() == [
        ("phone_output", 100.0),
        ("revenue_elec", 100.0),
        ("phone_ship_5g", 100000.0),
    ]


def test_issues_of_a_long_table_made_from_a_wide_one_name_the_column_of_origin() -> None:
    f = pl.DataFrame(
        {
            "指标": ["手机出货量", "5G手机出货量", "手机产量"],
            "地区": ["全国", "全国", "全国"],
            "期间": ["2024-03", "2024-03", "2024-13"],
            "数值": ["2567.1", "3021.7", "5"],
            "口径": ["level", "level", "level"],
            "单位": ["万部", "万部", "万台"],
            ROW: [5, 7, 9],
            COLUMN: ["3月", "3月", "13月"],
        }
    )
    v = validate_table(
        RawTable("wide.xlsx", f), ColumnMapping(), CAT, default_vintage=date(2024, 5, 1)
    )
    assert {(i.loc.row, i.loc.column) for i in v.issues} == {(7, "3月"), (9, "13月")}


# ── forms ────────────────────────────────────────────────────────────────────────────

FORM = """
schema: wenzeng/form/v1
code: phones
title: {zh: 手机, en: Phones}
reporter: association
frequency: monthly
period_type: month
due: {day: 10, months_after_period: 1}
fields:
  - {code: total, label: {zh: 手机出货量, en: Phone shipments}, unit: 万部,
     indicator: phone_ship_total, measure: level}
  - {code: smart, label: {zh: 智能手机出货量, en: Smartphone shipments}, unit: 亿部,
     indicator: phone_ship_smart, measure: level, min: 0.1}
  - {code: g5, label: {zh: 5G手机出货量, en: 5G phone shipments}, unit: 万部,
     indicator: phone_ship_5g, measure: level}
  - {code: g5_yoy, label: {zh: 5G手机出货量增速, en: 5G growth}, unit: "%",
     indicator: phone_ship_5g, measure: yoy_pct}
"""


def test_a_form_takes_the_catalogue_bounds_and_part_whole_checks() -> None:
    form = read_form(Path("phones.yaml"), FORM, CAT)
    assert form.field("total").min == 0 and form.field("g5").min == 0
    assert form.field("smart").min == 0.1  # a stricter bound of the form stays
    assert form.field("g5_yoy").min is None  # growth can be negative
    checks = {r.code: r.check for r in form.rules}
    assert checks == {
        "smart_within_total": "smart <= total * 0.0001",
        "g5_within_total": "g5 <= total",
        "g5_within_smart": "g5 <= smart * 10000",
    }
    problems = check_values(form, {"total": 2567.1, "smart": 0.25, "g5": 3021.7}).problems
    assert {p.rule for p in problems} == {"g5_within_total", "g5_within_smart"}
    assert "5G手机出货量不能大于手机出货量" in {p.msg_zh.split("（")[0] for p in problems}
    assert check_values(form, {"total": 30000, "smart": 2.5, "g5": 20000}).problems == []
    (neg,) = check_values(form, {"total": -1}).problems
    assert neg.rule == "min"


@pytest.mark.parametrize("stated", ["g5 <= total", "total >= g5"])
def test_a_check_the_form_states_itself_is_not_repeated(stated: str) -> None:
    text = FORM + (
        "rules:\n  - {code: own, severity: warning, check: '" + stated + "', "
        "message: {zh: 核实, en: check}}\n"
    )
    form = read_form(Path("phones.yaml"), text, CAT)
    assert "g5_within_total" not in {r.code for r in form.rules}
    assert "own" in {r.code for r in form.rules}


def test_many_negative_figures_make_a_bounded_number_of_issues() -> None:
    n = 200_000
    f = pl.DataFrame(
        {
            "indicator": ["phone_output"] * n,
            "entity": ["CN"] * n,
            "measure": ["level"] * n,
            "period_type": ["month"] * n,
            "period": [f"{1900 + i // 12}-{i % 12 + 1:02d}" for i in range(n)],
            "value": [-1.0] * n,
            "row": list(range(2, n + 2)),
        }
    )
    issues = breaches(f, REL, row_column="row", limit=50)
    assert len(issues) == 50 and [i.loc.row for i in issues[:2]] == [2, 3]
