"""Wide bureau tables (entities, products or indicators as rows) read into observations."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wenzeng.definitions.catalogue import Catalogue, IndicatorMatch, builtin_catalogue
from wenzeng.domain.issues import IssueCode
from wenzeng.domain.values import MISSING
from wenzeng.ingest.framing import Framing, NoteRow
from wenzeng.ingest.headers import normalise
from wenzeng.ingest.layout import (
    ENTITIES_AS_ROWS,
    INDICATORS_AS_ROWS,
    PRODUCTS_AS_ROWS,
    HintError,
    LayoutHints,
    Recognised,
    looks_wide,
    recognise,
)
from wenzeng.ingest.layout_lookup import read_label, title_entity, title_period
from wenzeng.ingest.pipeline import FIELDS, ColumnMapping, validate_table
from wenzeng.ingest.readers import COLUMN, ROW, RawTable, read_table

# Short labels bureaus use for catalogue indicators, as Catalogue.find_indicator will know
# them from its aliases; a label with several codes is ambiguous unless its unit decides.
ALIASES: dict[str, tuple[str, ...]] = {
    "营业收入": ("revenue_elec",),
    "利润总额": ("profit_elec",),
    "出口交货值": ("export_elec",),
    "5G手机出货量": ("phone_ship_5g",),
    "营收": ("revenue_elec", "revenue_cce"),
}


class AliasCatalogue(Catalogue):
    """The built-in catalogue, with aliases, recording every label it is asked about."""

    asked: list[tuple[str, str | None]]

    def find_indicator(self, label: str, *, unit: str | None = None) -> IndicatorMatch:
        self.asked.append((label, unit))
        codes = ALIASES.get(normalise(label))
        if codes:
            return IndicatorMatch(codes[0] if len(codes) == 1 else None, codes)
        return super().find_indicator(label, unit=unit)


@pytest.fixture
def cat() -> AliasCatalogue:
    b = builtin_catalogue()
    c = AliasCatalogue(b.indicators, b.entities, b.sectors)
    c.asked = []
    return c


def wide(
    header: list[str],
    rows: list[list[str | None]],
    *,
    title: str | None = None,
    period: str | None = None,
    notes: tuple[NoteRow, ...] = (),
    first: int = 4,
) -> RawTable:
    """A wide table as the reader hands it over: text columns (renamed where a header
    repeats), the spreadsheet row numbers, and the header as written in the framing."""
    names = [f"{h}_{i}" for i, h in enumerate(header)]
    frame = pl.DataFrame(rows, schema=[(n, pl.Utf8) for n in names], orient="row")
    frame = frame.with_columns(pl.Series(ROW, range(first, first + len(rows)), dtype=pl.Int64))
    framing = Framing(title=title, header=tuple(header), period=period, notes=notes)
    return RawTable("分地区.xlsx", frame, sheet="表1", framing=framing)


def cell(r: Recognised, row: int, column: str) -> dict[str, Any]:
    found = r.table.frame.filter((pl.col(ROW) == row) & (pl.col(COLUMN) == column))
    assert found.height == 1, found
    return found.row(0, named=True)


def obs(r: Recognised, row: int, column: str) -> tuple[Any, ...]:
    c = cell(r, row, column)
    return (c["indicator"], c["entity"], c["period"], c["period_type"], c["measure"], c["unit"])


REGION_HEADER = [
    "地区",
    "营业收入(亿元)",
    "同比增长(%)",
    "利润总额(亿元)",
    "同比增长(%)",
    "出口交货值(亿元)",
    "同比增长(%)",
]
REGION_ROWS: list[list[str | None]] = [
    ["全国", "１２,３４５.６", "5.2", "800.1", "3.1", "—", "-1.2"],
    ["北　京", "3,123.4", "2.1", "100", "1.0", "50", "2"],
    ["天  津", "900", "-0.4", "40", "-3", "30", "0.5"],
    ["计划单列市", None, None, None, None, None, None],
    ["大连", "100", "1", "10", "1", "5", "1"],
    ["宁波", "200", "2", "20", "2", "6", "2"],
    ["厦门", "300", "3", "30", "3", "7", "3"],
    ["青岛", "400", "4", "40", "4", "8", "4"],
    ["深圳", "500", "5", "50", "5", "9", "5"],
    ["新疆生产建设兵团", "1.5", "", "0.1", "", "", ""],
]
TITLE = "2024年1-9月分地区规模以上电子信息制造业主要经济指标"


def test_entities_as_rows(cat: AliasCatalogue) -> None:
    notes = (NoteRow(16, "注：本表为快报数。", "note"),)
    r = recognise(wide(REGION_HEADER, REGION_ROWS, title=TITLE, notes=notes), cat)
    assert r.issues == []
    assert r.layout.kind == ENTITIES_AS_ROWS
    assert (r.layout.period, r.layout.period_from) == ("2024-01~09", "title")
    assert r.layout.notes == notes
    assert list(r.table.frame.columns) == [
        "indicator",
        "entity",
        "period",
        "period_type",
        "measure",
        "value",
        "unit",
        "note",
        ROW,
        COLUMN,
    ]
    assert set(r.table.frame.columns) - {ROW, COLUMN} <= set(FIELDS)
    # the total row is the nation; values stay as written
    assert obs(r, 4, "营业收入(亿元)") == (
        "revenue_elec",
        "CN",
        "2024-01~09",
        "cum_month",
        "level",
        "亿元",
    )
    assert cell(r, 4, "营业收入(亿元)")["value"] == "１２,３４５.６"
    unpublished = (pl.col(ROW) == 4) & (pl.col(COLUMN) == "出口交货值(亿元)")
    assert r.table.frame.filter(unpublished).height == 0  # "—": no figure, no row
    # each 同比增长(%) belongs to the level column before it
    growth = r.table.frame.filter((pl.col(ROW) == 5) & (pl.col("measure") == "yoy_pct"))
    assert growth.select("indicator", "value", "unit").rows() == [
        ("revenue_elec", "2.1", "%"),
        ("profit_elec", "1.0", "%"),
        ("export_elec", "2", "%"),
    ]
    # padded names, plan cities and the XPCC are entities; a heading row has no figures
    entities = r.table.frame.group_by(ROW).agg(pl.col("entity").first()).sort(ROW)
    assert entities.rows() == [
        (4, "CN"),
        (5, "110000"),
        (6, "120000"),
        (8, "210200"),
        (9, "330200"),
        (10, "350200"),
        (11, "370200"),
        (12, "440300"),
        (13, "660000"),
    ]
    heading = next(x for x in r.layout.rows if x.row == 7)
    assert heading.skipped is not None and heading.entity is None
    # blank cells are no observations: the XPCC row has two figures, the table 9×6 − 4
    assert r.table.frame.filter(pl.col(ROW) == 13).height == 2
    assert r.table.frame.height == 9 * 6 - 5  # and the "—" of row 4


def test_the_describe_lines_show_each_column_in_both_languages(cat: AliasCatalogue) -> None:
    r = recognise(wide(REGION_HEADER, REGION_ROWS, title=TITLE), cat)
    lines = r.layout.describe()
    col = next(x for x in lines if x.startswith("第2列"))
    assert col.startswith(
        "第2列 营业收入(亿元) → 指标 revenue_elec 口径 level 单位 亿元 期间 2024年1-9月"
    )
    assert (
        "column 2 营业收入(亿元) → indicator revenue_elec measure level unit 亿元 period 2024-01~09"
        in col
    )
    assert lines[:3] == [
        "表格形式：地区为行 / layout: entities as rows",
        "主体 —（—） / entity - (from -)",
        "期间 2024年1-9月（标题） / period 2024-01~09 (from title)",
    ]
    assert any(x.startswith("第3列 同比增长(%) → 指标 revenue_elec 口径 yoy_pct") for x in lines)
    assert any("第7行 计划单列市 → 跳过" in x and "skipped" in x for x in lines)
    assert any("第4行 全国 → CN（合计行）" in x for x in lines)
    assert all(" / " in x for x in lines)


def test_the_total_row_is_the_entity_the_title_names(cat: AliasCatalogue) -> None:
    table = wide(
        ["地区", "营业收入(亿元)", "增速(%)"],
        [["全省", "4,000", "6.1"], ["深圳", "2,500", "7.0"], ["中山", "300", "2.2"]],
        title="2024年1-9月广东省分市电子信息制造业营业收入",
    )
    r = recognise(table, cat)
    assert r.issues == []
    assert [x.entity for x in r.layout.rows] == ["440000", "440300", "442000"]
    assert r.layout.rows[0].summary
    assert obs(r, 4, "增速(%)") == (
        "revenue_elec",
        "440000",
        "2024-01~09",
        "cum_month",
        "yoy_pct",
        "%",
    )


def test_two_row_headers_give_each_column_its_period(cat: AliasCatalogue) -> None:
    header = [
        "地区",
        "营业收入（亿元）/本月",
        "营业收入（亿元）/累计",
        "营业收入（亿元）/同比增长(%)",
        "利润总额（亿元）/1-本月累计",
        "利润总额（亿元）/比上年同期增长(%)",
    ]
    table = wide(header, [["江苏", "1,100", "9,800", "4.5", "420", "-2.0"]], title="2024年9月")
    r = recognise(table, cat)
    assert r.issues == []
    assert obs(r, 4, header[1]) == ("revenue_elec", "320000", "2024-09", "month", "level", "亿元")
    assert obs(r, 4, header[2])[2:4] == ("2024-01~09", "cum_month")
    assert obs(r, 4, header[3]) == (
        "revenue_elec",
        "320000",
        "2024-01~09",
        "cum_month",
        "yoy_pct",
        "%",
    )
    assert obs(r, 4, header[5]) == (
        "profit_elec",
        "320000",
        "2024-01~09",
        "cum_month",
        "yoy_pct",
        "%",
    )
    assert [c.period_from for c in r.layout.columns[1:]] == ["header"] * 5


PRODUCT_HEADER = ["产品名称", "计量单位", "本月", "1-9月累计", "同比增长(%)"]
PRODUCT_ROWS: list[list[str | None]] = [
    ["手机", "万台", "1,520.3", "12,345.6", "5.1"],
    ["其中：智能手机", "万台", "1,100", "9,100", "6.3"],
    ["微型计算机设备", "万台", "900", "7,600", "-2.1"],
    ["集成电路", "亿块", "50.2", "420.5", "18.9"],
    ["  彩色电视机", "万台", "300", "2,700", "1.1"],
    ["太阳能电池（光伏电池）", "GW", "12", "110", "15"],
]


def test_products_as_rows(cat: AliasCatalogue) -> None:
    title = "2024年1-9月广东省规模以上工业主要产品产量"
    r = recognise(wide(PRODUCT_HEADER, PRODUCT_ROWS, title=title), cat)
    assert r.issues == []
    assert r.layout.kind == PRODUCTS_AS_ROWS
    assert (r.layout.entity, r.layout.entity_from) == ("440000", "title")
    assert [x.indicator for x in r.layout.rows] == [
        "phone_output",
        "smartphone_output",
        "pc_output",
        "ic_output",
        "tv_output",
        "solar_cell_output",
    ]
    smart = r.layout.rows[1]
    assert (smart.key, smart.part_of) == ("智能手机", "手机")
    assert r.layout.rows[4].part_of == "集成电路"  # indented under the row above
    assert obs(r, 4, "本月") == ("phone_output", "440000", "2024-09", "month", "level", "万台")
    assert obs(r, 4, "1-9月累计") == (
        "phone_output",
        "440000",
        "2024-01~09",
        "cum_month",
        "level",
        "万台",
    )
    assert obs(r, 7, "同比增长(%)") == (
        "ic_output",
        "440000",
        "2024-01~09",
        "cum_month",
        "yoy_pct",
        "%",
    )
    assert cell(r, 7, "1-9月累计")["unit"] == "亿块"
    assert r.table.frame.height == 6 * 3


def test_a_product_is_looked_up_as_what_the_table_counts_then_by_its_unit(
    cat: AliasCatalogue,
) -> None:
    table = wide(
        ["产品名称", "计量单位", "本月"],
        [["其中:手机", "万台", "1"]],
        title="2024年9月全国主要产品产量",
    )
    r = recognise(table, cat)
    assert r.layout.rows[0].indicator == "phone_output"
    assert cat.asked[0] == ("手机产量", "万台")
    unknown = wide(
        ["产品名称", "计量单位", "本月"],
        [["路由器", "万台", "1"]],
        title="2024年9月全国主要产品产量",
    )
    cat.asked.clear()
    recognise(unknown, cat)
    assert cat.asked == [("路由器产量", "万台"), ("路由器", "万台")]


def test_indicators_as_rows(cat: AliasCatalogue) -> None:
    table = wide(
        ["指标", "单位", "1-9月", "同比增长(%)"],
        [
            ["营业收入", "亿元", "114,234.5", "4.5"],
            ["利润总额", "亿元", "4,567.8", "-1.2"],
            ["出口交货值", "亿元", "56,789", "2.0"],
            ["5G手机出货量", "万部", "19,876.5", "8.1"],
        ],
        title="2024年全国电子信息制造业运行情况",
    )
    r = recognise(table, cat)
    assert r.issues == []
    assert r.layout.kind == INDICATORS_AS_ROWS
    assert r.layout.entity == "CN"
    assert [x.indicator for x in r.layout.rows] == [
        "revenue_elec",
        "profit_elec",
        "export_elec",
        "phone_ship_5g",
    ]
    # "1-9月" takes its year from the title (a year there, so the header says the months)
    assert obs(r, 7, "1-9月") == ("phone_ship_5g", "CN", "2024-01~09", "cum_month", "level", "万部")
    assert obs(r, 7, "同比增长(%)")[2:5] == ("2024-01~09", "cum_month", "yoy_pct")


def test_the_period_comes_from_title_header_or_hint(cat: AliasCatalogue) -> None:
    header = ["产品名称", "计量单位", "2024年8月", "本月"]
    rows: list[list[str | None]] = [["手机", "万台", "1", "2"]]
    titled = recognise(wide(header, rows, title="2024年9月全国主要产品产量"), cat)
    assert obs(titled, 4, "2024年8月")[2:4] == ("2024-08", "month")
    assert obs(titled, 4, "本月")[2:4] == ("2024-09", "month")
    assert titled.layout.period_from == "title"
    framed = recognise(wide(header, rows, title="全国主要产品产量", period="2024年1-7月"), cat)
    assert obs(framed, 4, "本月")[2] == "2024-07"
    hinted = recognise(
        wide(header, rows, title="2024年9月全国主要产品产量"), cat, LayoutHints(period="2024年6月")
    )
    assert (hinted.layout.period, hinted.layout.period_from) == ("2024-06", "hint")
    assert obs(hinted, 4, "本月")[2] == "2024-06"
    assert obs(hinted, 4, "2024年8月")[2] == "2024-08"  # a dated header says it itself


def test_hints_name_entity_indicator_columns_and_rows(cat: AliasCatalogue) -> None:
    table = wide(
        ["产品", "单位", "本月", "上年同期", "增长(%)", "备注"],
        [["光伏电池", "GW", "10", "8", "25", "快报"], ["锂电池", "GWh", "50", "40", "25", None]],
        title="2024年9月主要产品产量",
    )
    hints = LayoutHints(
        entity="江苏", rows={"光伏电池": "solar_cell_output", "锂电池": "li_battery_output"}
    )
    r = recognise(table, cat, hints)
    assert r.issues == []
    assert (r.layout.entity, r.layout.entity_from) == ("320000", "hint")
    assert obs(r, 5, "本月") == ("li_battery_output", "320000", "2024-09", "month", "level", "GWh")
    assert cell(r, 4, "本月")["note"] == "快报"
    last_year = r.layout.columns[3]
    assert last_year.skipped is not None and last_year.role == "skip"
    assert r.table.frame.filter(pl.col(COLUMN) == "上年同期").height == 0
    # one indicator for a table of regions; a column skipped or named by the user
    regions = wide(
        ["地区", "本月", "1-9月累计", "同比增长(%)", "序号"],
        [["四川", "1", "2", "3", "1"]],
        title="2024年1-9月各地区手机产量",
    )
    one = recognise(regions, cat, LayoutHints(indicator="phone_output"))
    assert one.issues == []
    assert obs(one, 4, "1-9月累计") == (
        "phone_output",
        "510000",
        "2024-01~09",
        "cum_month",
        "level",
        None,
    )
    mapped = recognise(
        regions,
        cat,
        LayoutHints(
            columns={
                "本月": "skip",
                "1-9月累计": "phone_output:level",
                "同比增长(%)": "phone_output:yoy_pct",
            }
        ),
    )
    assert mapped.issues == []
    assert mapped.table.frame.get_column(COLUMN).to_list() == ["1-9月累计", "同比增长(%)"]


def test_hints_round_trip_as_json() -> None:
    import json

    hints = LayoutHints(
        entity="广东",
        period="2024年1-9月",
        indicator=None,
        columns={"同比增长(%)": "skip", "营业收入": "revenue_elec:level"},
        rows={"手机": "phone_output"},
        kind=PRODUCTS_AS_ROWS,
    )
    assert LayoutHints.from_dict(json.loads(json.dumps(hints.to_dict()))) == hints
    assert LayoutHints.from_dict({}) == LayoutHints()
    for bad in ({"entty": "广东"}, {"rows": ["手机"]}, {"kind": "sideways"}, {"period": 2024}):
        with pytest.raises(HintError) as info:
            LayoutHints.from_dict(bad)
        assert " / " in str(info.value)


def test_the_long_table_passes_the_pipeline(cat: AliasCatalogue) -> None:
    rows: list[list[str | None]] = [
        ["全国", "１２,３４５.６", "５.２", "800.1", "3.1", "60", "-1.2"],
        ["北京", "3,123.4", "2.1", "100", "1.0", "50", "2"],
    ]
    r = recognise(wide(REGION_HEADER, rows, title=TITLE), cat)
    v = validate_table(r.table, ColumnMapping(), cat, default_vintage=date(2024, 10, 20))
    assert v.ok, [str(i) for i in v.issues]
    assert v.frame.height == 12
    got = v.frame.filter((pl.col("entity") == "110000") & (pl.col("indicator") == "profit_elec"))
    assert sorted(got.select("measure", "value").rows()) == [("level", 100.0), ("yoy_pct", 1.0)]
    nation = v.frame.filter((pl.col("entity") == "CN") & (pl.col("indicator") == "revenue_elec"))
    assert sorted(nation.select("measure", "value").rows()) == [
        ("level", 12345.6),
        ("yoy_pct", 5.2),
    ]
    # a dash is a figure not published: no observation and nothing to warn of, for its one
    # cell only, not for its row's others
    rows[1][5] = "—"
    r = recognise(wide(REGION_HEADER, rows, title=TITLE), cat)
    v = validate_table(r.table, ColumnMapping(), cat, default_vintage=date(2024, 10, 20))
    assert v.issues.issues == []
    assert v.frame.height == 11


def _where(r: Recognised, code: IssueCode) -> list[tuple[int | None, str | None]]:
    return [(i.loc.row, i.loc.column) for i in r.issues if i.code is code]


def test_every_problem_is_reported_at_once(cat: AliasCatalogue) -> None:
    table = wide(
        PRODUCT_HEADER,
        [
            ["手机", "万台", "1", "2", "3"],
            ["营收", "亿元", "1", "2", "3"],
            ["量子计算机", "台", "1", "2", "3"],
            [None, None, "1", None, None],
        ],
        title="主要产品产量",
    )
    r = recognise(table, cat)
    assert {i.loc.file for i in r.issues} == {"分地区.xlsx"}
    assert {i.loc.sheet for i in r.issues} == {"表1"}
    # no entity and no period: the table as a whole, with the options that give them
    entity = [i for i in r.issues if i.code is IssueCode.UNKNOWN_ENTITY]
    assert len(entity) == 1 and "--entity" in entity[0].msg_zh and "--entity" in entity[0].msg_en
    period = [i for i in r.issues if i.code is IssueCode.BAD_PERIOD]
    assert len(period) == 1 and "--period" in period[0].msg_zh and "--period" in period[0].msg_en
    assert "本月" in period[0].msg_zh and "1-9月累计" in period[0].msg_en
    # an ambiguous label lists its indicators, an unknown one its near candidates
    rows = {i.loc.row: i for i in r.issues if i.code is IssueCode.UNKNOWN_INDICATOR}
    assert set(rows) == {5, 6}
    assert "revenue_elec" in rows[5].msg_zh and "revenue_cce" in rows[5].msg_en
    assert "wenzeng catalog indicators" in rows[6].msg_zh and "--column/--row" in rows[6].msg_zh
    assert rows[6].loc.column == "产品名称" and rows[6].value == "量子计算机"
    # figures without a label
    assert _where(r, IssueCode.REQUIRED) == [(7, "产品名称")]
    assert r.table.frame.height == 0  # nothing half-read goes on


def test_rows_that_are_no_entity_are_reported_with_their_row(cat: AliasCatalogue) -> None:
    table = wide(
        REGION_HEADER[:3],
        [["合计", "10", "1"], ["北京", "5", "1"], ["北京经开区", "1", "1"], ["天律", "4", "1"]],
        title="2024年1-9月各地区电子信息制造业营业收入",
    )
    r = recognise(table, cat)
    assert _where(r, IssueCode.UNKNOWN_ENTITY) == [(4, "地区"), (6, "地区"), (7, "地区")]
    total, zone, typo = r.issues
    assert "--entity" in total.msg_zh  # a total row, but the title names no place
    assert "110000 北京市" in zone.msg_zh  # near candidates
    assert "120000 天津市" in typo.msg_en
    assert "wenzeng catalog entities" in typo.msg_zh
    # the rows that could be read are kept
    assert r.table.frame.get_column("entity").unique().to_list() == ["110000"]
    fixed = recognise(table, cat, LayoutHints(entity="全国"))
    assert _where(fixed, IssueCode.UNKNOWN_ENTITY) == [(6, "地区"), (7, "地区")]
    assert fixed.layout.rows[0].entity == "CN"


def test_columns_that_name_no_indicator_are_reported(cat: AliasCatalogue) -> None:
    table = wide(
        ["地区", "营收(亿元)", "同比增长(%)", "能耗(万吨)", "本月"],
        [["上海", "1", "2", "3", "4"]],
        title="2024年9月各地区主要指标",
    )
    hints = LayoutHints(columns={"能耗(万吨)": "energy_use"}, entity="火星")
    r = recognise(table, cat, hints)
    assert sorted(_where(r, IssueCode.UNKNOWN_INDICATOR)) == [
        (None, "能耗(万吨)"),
        (None, "营收(亿元)"),
    ]
    assert _where(r, IssueCode.UNKNOWN_COLUMN) == [(None, "本月")]
    assert _where(r, IssueCode.UNKNOWN_ENTITY) == [(None, None)]
    revenue = next(i for i in r.issues if i.loc.column == "营收(亿元)")
    assert "revenue_elec" in revenue.msg_zh and "revenue_cce" in revenue.msg_zh
    assert r.table.frame.height == 0


def test_a_bad_period_hint_is_reported(cat: AliasCatalogue) -> None:
    table = wide(PRODUCT_HEADER, PRODUCT_ROWS, title="2024年1-9月全国主要产品产量")
    r = recognise(table, cat, LayoutHints(period="九月份"))
    bad = [i for i in r.issues if i.code is IssueCode.BAD_PERIOD]
    assert [i.value for i in bad][:1] == ["九月份"]


@pytest.mark.parametrize(("n_rows", "n_cols"), [(5000, 40), (100_000, 2)])
def test_a_large_wide_table_melts_asking_the_catalogue_once_per_label(
    cat: AliasCatalogue, n_rows: int, n_cols: int
) -> None:
    """200,000 cells melt with one catalogue question per column name, not per cell (the
    time it takes is measured in bench/import_bench.py, not here)."""
    names = [e.name.zh for e in cat.entities.values()][:40]
    header = ["地区"] + [
        h for i in range(n_cols // 2) for h in (f"营业收入/{i % 12 + 1}月", "同比增长(%)")
    ]
    columns = [[names[r % len(names)] for r in range(n_rows)]] + [
        [f"{r * 0.5 + c:.1f}" for r in range(n_rows)] for c in range(n_cols)
    ]
    frame = pl.DataFrame({f"c{i}": c for i, c in enumerate(columns)})
    frame = frame.with_columns(pl.Series(ROW, range(4, n_rows + 4), dtype=pl.Int64))
    table = RawTable(
        "大表.csv",
        frame,
        framing=Framing(title="2024年各地区电子信息制造业营业收入", header=tuple(header)),
    )
    r = recognise(table, cat)
    assert r.issues == []
    assert r.table.frame.height == n_rows * n_cols == 200_000
    # work per distinct label: the catalogue is asked once per column name, not per cell
    assert len(cat.asked) <= n_cols
    last = r.table.frame.row(-1, named=True)
    assert (last[ROW], last[COLUMN], last["value"]) == (
        n_rows + 3,
        header[-1],
        f"{(n_rows - 1) * 0.5 + n_cols - 1:.1f}",
    )
    lines = r.layout.describe()
    assert lines[-1] == f"……另有 {n_rows - 200} 行 / … {n_rows - 200} more rows"
    assert len(r.layout.describe(most_rows=None)) == len(lines) - 1 + n_rows - 200


@pytest.mark.parametrize(
    ("text", "key", "component"),
    [
        ("其中：智能手机", "智能手机", True),
        ("其中:智能手机", "智能手机", True),
        ("  彩色电视机", "彩色电视机", True),
        ("\u3000\u3000集成电路", "集成电路", True),
        ("北　京", "北京", False),
        ("内蒙古自治区", "内蒙古自治区", False),
        ("内：出口", "出口", True),
        ("１．营业收入", "营业收入", False),
        ("(2)利润总额", "利润总额", False),
        ("三、出口交货值", "出口交货值", False),
        ("5G手机出货量", "5G手机出货量", False),
    ],
)
def test_row_labels_lose_their_typography(text: str, key: str, component: bool) -> None:
    label = read_label(text)
    assert (label.key, label.component) == (key, component)


@pytest.mark.parametrize(
    ("title", "entity", "period"),
    [
        ("2024年1-9月广东省规模以上工业主要产品产量", "440000", "2024-01~09"),
        ("２０２４年１—９月全国电子信息制造业运行情况", "CN", "2024-01~09"),
        ("2024年9月新疆生产建设兵团主要指标", "660000", "2024-09"),
        ("深圳市2024年三季度电子信息制造业", "440300", "2024-Q3"),
        ("2024年前三季度江苏省电子信息制造业", "320000", "2024-01~09"),
        ("各地区电子信息制造业主要指标", None, None),
    ],
)
def test_a_title_names_the_entity_and_period(
    cat: AliasCatalogue, title: str, entity: str | None, period: str | None
) -> None:
    found = title_entity(cat, title)
    assert (found.code if found else None) == entity
    p = title_period(title)
    assert (p.code if p else None) == period


def test_a_row_published_only_as_growth_takes_that_measure(cat: AliasCatalogue) -> None:
    table = wide(
        ["指标名称", "计量单位", "1-9月", "本月"],
        [
            ["规模以上电子信息制造业增加值", "%", "12.8", "10.6"],
            ["营业收入", "亿元", "114,234.5", "13,001"],
        ],
        title="2024年1-9月全国电子信息制造业运行情况",
    )
    r = recognise(table, cat)
    assert r.issues == []
    assert obs(r, 4, "1-9月")[0:5] == ("va_elec", "CN", "2024-01~09", "cum_month", "yoy_pct")
    assert obs(r, 4, "本月")[2:5] == ("2024-09", "month", "yoy_pct")
    assert obs(r, 5, "1-9月")[4:] == ("level", "亿元")


def test_regions_by_product_columns_in_a_table_of_output(cat: AliasCatalogue) -> None:
    table = wide(
        ["项目", "地区代码", "手机(万台)", "同比增长(%)", "集成电路(亿块)", "同比增长(%)"],
        [
            ["广东", "440000", "50,000", "3.3", "500", "20.1"],
            ["江苏", "320000", "100", "1", "900", "9"],
        ],
        title="2024年1-9月分地区主要电子产品产量",
    )
    r = recognise(table, cat)
    assert r.issues == []
    assert r.layout.kind == ENTITIES_AS_ROWS
    assert r.layout.columns[1].skipped is not None
    assert obs(r, 5, "集成电路(亿块)") == (
        "ic_output",
        "320000",
        "2024-01~09",
        "cum_month",
        "level",
        "亿块",
    )
    assert [c.indicator for c in r.layout.columns[2:]] == ["phone_output"] * 2 + ["ic_output"] * 2


def test_each_row_is_reported_up_to_the_limit(cat: AliasCatalogue) -> None:
    table = wide(
        PRODUCT_HEADER,
        [["量子计算机", "台", "1", "2", "3"]] * 5,
        title="2024年9月全国主要产品产量",
    )
    everything = recognise(table, cat)
    assert _where(everything, IssueCode.UNKNOWN_INDICATOR) == [(n, "产品名称") for n in range(4, 9)]
    cut = recognise(table, cat, limit=3)
    assert [i.code for i in cut.issues] == [IssueCode.UNKNOWN_INDICATOR] * 3 + [IssueCode.TOO_LARGE]
    assert "2" in cut.issues[-1].msg_zh


def test_a_unit_line_above_the_table_is_the_unit_of_its_levels(cat: AliasCatalogue) -> None:
    table = wide(
        ["地区", "营业收入", "增长(%)", "利润总额"],
        [["重庆", "8,000", "2.5", "300"]],
        title="2024年1-9月分地区主要指标",
    )
    table = RawTable(
        table.file,
        table.frame,
        sheet=table.sheet,
        framing=Framing(title=table.framing.title, header=table.framing.header, unit="亿元"),
    )
    r = recognise(table, cat)
    assert r.issues == []
    assert obs(r, 4, "营业收入")[4:] == ("level", "亿元")
    assert obs(r, 4, "增长(%)")[4:] == ("yoy_pct", "%")
    assert obs(r, 4, "利润总额")[4:] == ("level", "亿元")
    assert "单位 亿元" in r.layout.columns[1].describe()


def test_units_in_a_unit_column_are_read_per_row(cat: AliasCatalogue) -> None:
    table = wide(
        ["产品名称", "计量单位", "本月"],
        [["手机", "万台", "1"], ["集成电路", "亿块", "2"], ["彩色电视机", "", "3"]],
        title="2024年9月全国主要产品产量",
    )
    r = recognise(table, cat)
    assert [cell(r, n, "本月")["unit"] for n in (4, 5, 6)] == ["万台", "亿块", None]


def test_hints_that_match_nothing_are_warned_of(cat: AliasCatalogue) -> None:
    table = wide(PRODUCT_HEADER, PRODUCT_ROWS, title="2024年1-9月全国主要产品产量")
    hints = LayoutHints(columns={"本年累计": "skip"}, rows={"显示器": "tv_output"})
    r = recognise(table, cat, hints)
    assert r.ok
    assert [(i.code, i.severity.value) for i in r.issues] == [
        (IssueCode.MISSING_COLUMN, "warning"),
        (IssueCode.UNKNOWN_INDICATOR, "warning"),
    ]
    assert "1-9月累计" in r.issues[0].msg_zh  # the headers the table has
    assert r.table.frame.height == 18


REGIONS = [
    e
    for e in builtin_catalogue().entities.values()
    if e.kind.value in ("province", "plan_city", "xpcc")
]
QUANTITIES = [
    ("营业收入", "revenue_elec"),
    ("利润总额", "profit_elec"),
    ("出口交货值", "export_elec"),
]
CELLS = st.one_of(
    st.just(""),
    st.just("—"),
    st.none(),
    st.decimals(min_value=-1000, max_value=100000, places=1, allow_nan=False).map(str),
)


def _typed(name: str, style: int) -> str:
    """A region's name as bureaus type it: as is, padded to width, or indented."""
    if style == 1 and len(name) == 2:
        return name[0] + "\u3000" + name[1]
    if style == 2:
        return " " + name
    return name


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(REGIONS), min_size=1, max_size=12, unique_by=lambda e: e.code),
    st.lists(
        st.tuples(st.sampled_from(QUANTITIES), st.booleans()),
        min_size=1,
        max_size=3,
        unique_by=lambda q: q[0][0],
    ),
    st.data(),
)
def test_any_region_table_melts_cell_for_cell(
    regions: list[Any], quantities: list[tuple[tuple[str, str], bool]], data: st.DataObject
) -> None:
    b = builtin_catalogue()
    cat = AliasCatalogue(b.indicators, b.entities, b.sectors)
    cat.asked = []
    header = ["地区"]
    expect: list[tuple[str, str]] = []  # each figure column's indicator and measure
    for (name, code), growth in quantities:
        header.append(f"{name}(亿元)")
        expect.append((code, "level"))
        if growth:
            header.append("同比增长(%)")
            expect.append((code, "yoy_pct"))
    rows: list[list[str | None]] = []
    for e in regions:
        label = _typed(e.short_name.zh if e.short_name else e.name.zh, data.draw(st.integers(0, 2)))
        rows.append([label] + [data.draw(CELLS) for _ in expect])
    r = recognise(wide(header, rows, title="2024年1-9月分地区主要指标"), cat)
    assert r.issues == []
    want = sorted(
        (4 + i, header[j + 1], regions[i].code, *expect[j], cell.strip())
        for i, row in enumerate(rows)
        for j, cell in enumerate(row[1:])
        if cell is not None and cell.strip() and cell.strip() not in MISSING
    )
    got = sorted(
        r.table.frame.select(ROW, COLUMN, "entity", "indicator", "measure", "value").rows()
    )
    assert [(g[0], g[2], g[3], g[4], g[5]) for g in got] == [
        (w[0], w[2], w[3], w[4], w[5]) for w in want
    ]
    assert {g[1] for g in got} <= set(header[1:])


@pytest.mark.parametrize(
    ("header", "is_wide"),
    [
        (REGION_HEADER, True),
        (PRODUCT_HEADER, True),
        (["指标", "单位", "1-9月", "同比增长(%)"], True),
        (["地区", "营业收入(亿元)"], True),
        (["省份", "2024年8月", "2024年9月"], True),
        (["指标", "地区", "期间", "数值"], False),
        (["indicator", "entity", "period", "value", "unit"], False),
        (["指标", "地区", "期间", "口径", "数值", "单位"], False),
        (["地区", "备注"], False),
    ],
)
def test_a_wide_table_is_told_from_a_long_one(header: list[str], is_wide: bool) -> None:
    assert looks_wide(wide(header, [["x"] * len(header)])) is is_wide


def test_a_csv_file_read_as_it_is(cat: AliasCatalogue, tmp_path: Path) -> None:
    path = tmp_path / "分地区.csv"
    path.write_text(
        "地区,营业收入(亿元),同比增长(%),利润总额(亿元),同比增长(%)\n"
        "北京,100,1.0,10,2.0\n"
        "全国,1000,3,100,4\n",
        encoding="utf-8",
    )
    r = recognise(read_table(path), cat, LayoutHints(period="2024年1-9月"))
    assert r.issues == []
    assert obs(r, 2, "营业收入(亿元)") == (
        "revenue_elec",
        "110000",
        "2024-01~09",
        "cum_month",
        "level",
        "亿元",
    )
    profit = r.table.frame.filter((pl.col(ROW) == 3) & (pl.col("indicator") == "profit_elec"))
    assert profit.select("measure", "value", COLUMN).rows() == [
        ("level", "100", "利润总额(亿元)"),
        ("yoy_pct", "4", "同比增长(%)"),
    ]
    v = validate_table(r.table, ColumnMapping(), cat, default_vintage=date(2024, 10, 20))
    assert v.ok and v.frame.height == 8


def test_columns_that_hold_no_observation_are_skipped_and_said_why(cat: AliasCatalogue) -> None:
    table = wide(
        ["序号", "地区", "营业收入(亿元)", "环比增长(%)", "上年同期(亿元)", "同比增长(%)"],
        [["1", "湖北", "3,000", "0.5", "2,800", "7.1"]],
        title="2024年9月各地区电子信息制造业营业收入",
    )
    r = recognise(table, cat)
    assert r.issues == []
    skipped = {c.header: c.skipped for c in r.layout.columns if c.skipped}
    assert set(skipped) == {"序号", "环比增长(%)", "上年同期(亿元)"}
    assert skipped["环比增长(%)"] == (
        "环比，不是同比",
        "growth on the month before, not on a year earlier",
    )
    assert r.table.frame.select(COLUMN, "indicator", "measure").rows() == [
        ("营业收入(亿元)", "revenue_elec", "level"),
        ("同比增长(%)", "revenue_elec", "yoy_pct"),
    ]


@pytest.mark.parametrize(
    ("header", "rows", "codes"),
    [
        (["地区", "营业收入(亿元)"], [], set()),
        (["地区"], [["北京"]], {IssueCode.MISSING_COLUMN}),
        (["地区", "本月"], [[None, None]], {IssueCode.UNKNOWN_COLUMN}),
        ([""], [[None]], {IssueCode.MISSING_COLUMN, IssueCode.UNKNOWN_ENTITY}),
    ],
)
def test_odd_tables_are_reported_not_raised(
    cat: AliasCatalogue, header: list[str], rows: list[list[str | None]], codes: set[IssueCode]
) -> None:
    r = recognise(wide(header, rows, title="2024年9月"), cat)
    assert {i.code for i in r.issues} == codes
    assert r.table.frame.height == 0
    assert set(r.table.frame.columns) == {*FIELDS[:7], "note", ROW, COLUMN}
    assert r.layout.describe()[0].startswith("表格形式")


def test_solar_cells_in_ten_thousand_kilowatts_are_stored_in_gigawatts(
    cat: AliasCatalogue,
) -> None:
    table = wide(
        PRODUCT_HEADER,
        [["太阳能电池", "万千瓦", "1,200", "9,850", "12.5"]],
        title="2024年1-9月全国规模以上工业主要产品产量",
    )
    r = recognise(table, cat, LayoutHints(rows={"太阳能电池": "solar_cell_output"}))
    assert r.issues == []
    v = validate_table(r.table, ColumnMapping(), cat, default_vintage=date(2024, 10, 20))
    assert v.ok, [str(i) for i in v.issues]
    assert v.frame.select("period", "measure", "value", "published_unit").rows() == [
        ("2024-09", "level", pytest.approx(12.0), "万千瓦"),
        ("2024-01~09", "level", pytest.approx(98.5), "万千瓦"),
        ("2024-01~09", "yoy_pct", 12.5, "%"),
    ]


def test_a_column_can_be_named_by_its_place(cat: AliasCatalogue) -> None:
    table = wide(REGION_HEADER, REGION_ROWS[1:3], title=TITLE)
    hints = LayoutHints(columns={"#5": "skip", "第7列": "skip", "#9": "skip"})
    r = recognise(table, cat, hints)
    assert [(i.loc.column, i.severity.value) for i in r.issues] == [("#9", "warning")]
    assert r.table.frame.filter(pl.col("measure") == "yoy_pct").get_column(
        "indicator"
    ).unique().to_list() == ["revenue_elec"]
