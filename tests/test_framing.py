"""Framing detection over grids: title rows, unit lines, headers, notes, the period."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wenzeng.domain.periods import Period, PeriodType, parse_period
from wenzeng.ingest.frame_detect import (
    detect,
    find_period,
    find_unit,
    is_number,
    note_kind,
    unique_names,
)
from wenzeng.ingest.framing import Grid


def grid(*rows: str, merges: tuple[tuple[int, int, int, int], ...] = ()) -> Grid:
    """A grid from CSV-like lines (comma-separated, empty fields blank)."""
    cells = [[c or None for c in line.split(",")] if line else [] for line in rows]
    return Grid("t.csv", None, cells, list(range(1, len(cells) + 1)), merges=merges)


# -- the whole split --------------------------------------------------------------------------
def test_a_bureau_table_is_split_into_title_unit_header_data_and_notes() -> None:
    framed = detect(
        grid(
            "2024年1-9月全省电子信息制造业主要指标,,,,",
            "单位：亿元,,,,",
            "",
            "地区,营业收入,,利润总额,",
            ",本月,1-9月累计,本月,1-9月累计",
            "全省,1234.5,9876.1,100.2,800",
            "南京市,—,—,—,—",
            "",
            "苏州市,300,2500,30,250",
            "注：1.本表数据为快报数，",
            "2.苏州市含工业园区。,,,,",
            "资料来源：省统计局,,,,",
        ),
        fixed_width=True,
    )
    f = framed.framing
    assert f.title == "2024年1-9月全省电子信息制造业主要指标"
    assert f.period == "2024年1-9月" and f.unit == "亿元"
    assert f.header_rows == (4, 5)
    assert f.header == (
        "地区",
        "营业收入/本月",
        "营业收入/1-9月累计",
        "利润总额/本月",
        "利润总额/1-9月累计",
    )
    assert [(n.row, n.kind) for n in f.notes] == [
        (1, "title"),
        (2, "unit"),
        (10, "note"),
        (11, "note"),
        (12, "source"),
    ]
    assert framed.numbers == [6, 7, 9]  # blank rows skipped, numbers kept
    assert framed.rows[1] == ["南京市", "—", "—", "—", "—"]  # dashes are data
    assert framed.columns[0] == "地区" and not framed.wide


def test_a_plain_table_has_its_header_in_row_1_and_nothing_else() -> None:
    framed = detect(
        grid("indicator,region,period,value", "rev,CN,2024-09,12.5", "rev,BJ,2024-09,3")
    )
    assert framed.framing.header_rows == (1,)
    assert framed.framing.title is None and framed.framing.notes == ()
    assert framed.numbers == [2, 3] and framed.columns == ["indicator", "region", "period", "value"]


def test_a_one_column_table_has_no_title() -> None:
    framed = detect(grid("value", "1", "2"))
    assert framed.framing.header_rows == (1,) and framed.rows == [["1"], ["2"]]


def test_a_blank_first_header_and_repeated_headers_get_unique_names() -> None:
    framed = detect(grid(",本月,同比增长(%),累计,同比增长(%)", "全省,1,2,3,4"))
    assert framed.framing.header == ("", "本月", "同比增长(%)", "累计", "同比增长(%)")
    assert framed.columns == ["column_1", "本月", "同比增长(%)", "累计", "同比增长(%)_2"]


def test_a_unit_at_the_end_of_the_title_and_a_period_line() -> None:
    framed = detect(
        grid(
            "全省规模以上工业主要产品产量（单位：万吨）,,",
            "时间：2024年9月,,填报单位：省统计局",
            "产品,本月,累计",
            "钢材,1,2",
        )
    )
    f = framed.framing
    assert f.unit == "万吨" and f.period == "2024年9月" and f.header_rows == (3,)
    assert [n.kind for n in f.notes] == ["title", "title", "title"]


def test_a_merged_excel_header_is_two_rows_and_a_merged_title_is_a_title() -> None:
    cells = [
        ["表1 重点企业月报（2024年上半年）"] * 4,
        ["企业", "营业收入", "营业收入", "备注"],
        ["企业", "当月", "累计", "备注"],
        ["E1", "1", "2", None],
        ["注：本表为快报数", "注：本表为快报数", "注：本表为快报数", "注：本表为快报数"],
    ]
    g = Grid(
        "t.xlsx",
        "s",
        cells,  # type: ignore[arg-type]
        [1, 2, 3, 4, 5],
        merges=((1, 1, 1, 4), (2, 1, 3, 1), (2, 2, 2, 3), (2, 4, 3, 4), (5, 1, 5, 4)),
    )
    framed = detect(g)
    assert framed.framing.header == ("企业", "营业收入/当月", "营业收入/累计", "备注")
    assert framed.framing.period == "2024年1-6月"
    assert framed.rows == [["E1", "1", "2", None]]
    assert framed.framing.notes[-1].text == "注：本表为快报数"


def test_data_below_a_row_with_text_is_no_second_header_row() -> None:
    framed = detect(grid("地区,营业收入,", "全省,12,13"))
    assert framed.framing.header_rows == (1,)
    merged = Grid(
        "t.xlsx", "s", [["地区", "备注", "备注"], ["全省", "12", "13"]], [1, 2], ((1, 2, 1, 3),)
    )
    assert detect(merged).framing.header_rows == (1,)  # a merge over figures is no group


def test_years_under_a_group_label_are_sub_labels() -> None:
    framed = detect(grid("地区,营业收入,", ",2023,2024", "全省,12,13"))
    assert framed.framing.header == ("地区", "营业收入/2023", "营业收入/2024")


def test_a_wider_data_row_is_listed_for_csv_and_kept_for_excel() -> None:
    g = grid("a,b", "1,2", "1,2,3,4")
    assert detect(g, fixed_width=True).wide == [(3, 4)]
    framed = detect(g)
    assert framed.columns == ["a", "b", "column_3", "column_4"] and not framed.wide
    assert framed.rows[0] == ["1", "2", None, None]


def test_trailing_empty_columns_are_dropped() -> None:
    framed = detect(grid("a,b,,", "1,2,,"), fixed_width=True)
    assert framed.columns == ["a", "b"] and framed.rows == [["1", "2"]]


def test_only_blank_rows_is_no_table() -> None:
    assert detect(grid("", ",,")).columns == []


# -- notes ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cells", "after", "kind"),
    [
        (["注：1.本表数据为快报数"], False, "note"),
        (["注:数据为快报数", None], False, "note"),
        (["注", None], False, "note"),
        (["说明：口径调整"], False, "note"),
        (["备注：无"], False, "note"),
        (["资料来源：省统计局", None], False, "source"),
        (["数据来源：国家统计局"], False, "source"),
        (["来源：工信部"], False, "source"),
        (["*为快报数"], False, "note"),
        (["①不含港澳台"], False, "note"),
        (["1.本表数据为快报数"], True, "note"),
        (["1.本表数据为快报数"], False, None),
        (["本表中部分数据因四舍五入的原因，存在总计与分项合计不等的情况。", None], False, "note"),
        (["单位负责人：张三", "填表人：李四", "报出日期：2024年10月8日"], False, "note"),
        (["制表单位：省统计局", None], False, "note"),
        (["注册资本", "12"], False, None),  # a row label, not 注
        (["*其中：国有企业", "12.5", "3"], False, None),  # a footnote mark on data
        (["合计", None], False, None),
        (["—", "—", "—"], False, None),
        (["一、按行业分", None], False, None),
        ([None, None], False, None),
    ],
)
def test_note_rows(cells: list[str | None], after: bool, kind: str | None) -> None:
    assert note_kind(cells, after) == kind


def test_a_note_in_the_middle_is_taken_out() -> None:
    framed = detect(grid("a,b", "x,1", "注：以下为估计数,", "y,2"))
    assert framed.numbers == [2, 4] and framed.framing.notes[0].row == 3


# -- cells ------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["12.5", "-3", "1,234", "45%", "１２", ".5"])
def test_numbers(text: str) -> None:
    assert is_number(text)


@pytest.mark.parametrize("text", ["—", "--", "合计", "1-9月", "", None, "E9001"])
def test_not_numbers(text: str | None) -> None:
    assert not is_number(text)


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("单位：亿元", "亿元"),
        ("计量单位：万元", "万元"),
        ("金额单位：亿元", "亿元"),
        ("2024年主要指标（单位：亿元）", "亿元"),
        ("2024年主要指标(单位:万吨)", "万吨"),
        ("2024年主要指标", None),
    ],
)
def test_units(text: str, unit: str | None) -> None:
    assert find_unit(text) == unit


@given(st.lists(st.text(max_size=6), max_size=8))
def test_unique_names_are_unique_and_keep_their_order(header: list[str]) -> None:
    names = unique_names(header)
    assert len(set(names)) == len(names) == len(header)
    for text, name in zip(header, names, strict=True):
        assert name.startswith(text) if text else name.startswith("column_")


# -- periods ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("title", "period"),
    [
        ("2024年1-9月全省电子信息制造业主要指标", "2024年1-9月"),
        ("2024年1—9月全省", "2024年1-9月"),
        ("2024年1～9月全省", "2024年1-9月"),
        ("2024年9月全省", "2024年9月"),
        ("2024年前三季度全省", "2024年1-9月"),
        ("2024年上半年全省", "2024年1-6月"),
        ("2024年一季度全省", "2024年第一季度"),
        ("2024年第三季度全省", "2024年第三季度"),
        ("2023年全省工业", "2023年"),
        ("２０２４年１－９月全省", "2024年1-9月"),
        ("2024年9月份全省", "2024年9月"),
        ("2024年下半年全省", None),
        ("全省主要指标", None),
        ("表12024年", None),
    ],
)
def test_periods_in_titles(title: str, period: str | None) -> None:
    assert find_period(title) == period


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@st.composite
def written_periods(draw: st.DrawFn) -> tuple[Period, str]:
    year = draw(st.integers(1950, 2100))
    kind = draw(st.sampled_from(["cum", "month", "quarter", "year", "q3", "half"]))
    dash = draw(st.sampled_from(["-", "—", "～", "~", "至", "－"]))
    if kind == "cum":
        month = draw(st.integers(2, 12))
        period, label = Period.cum_month(year, month), f"{year}年1{dash}{month}月"
    elif kind == "month":
        month = draw(st.integers(1, 12))
        period, label = Period.month(year, month), f"{year}年{month}月"
    elif kind == "quarter":
        q = draw(st.integers(1, 4))
        word = draw(st.sampled_from(["一二三四"[q - 1], str(q)]))
        prefix = draw(st.sampled_from(["", "第"]))
        period, label = Period.quarter(year, q), f"{year}年{prefix}{word}季度"
    elif kind == "q3":
        period, label = Period.cum_month(year, 9), f"{year}年前三季度"
    elif kind == "half":
        period, label = Period.cum_month(year, 6), f"{year}年上半年"
    else:
        period, label = Period.annual(year), f"{year}年"
    if draw(st.booleans()):
        label = label.translate(FULL_WIDTH)
    return period, label


@given(
    written=written_periods(),
    before=st.text(alphabet="全省表主要指标（） ", max_size=5),
    after=st.text(alphabet="全省电子信息制造业主要指标（）", max_size=12),
)
def test_a_period_written_in_a_title_is_found_and_parses_back(
    written: tuple[Period, str], before: str, after: str
) -> None:
    period, label = written
    found = find_period(before + label + after)
    assert found is not None
    assert parse_period(found) == period


@given(st.text(alphabet="全省电子信息制造业主要指标单位亿元：,-—", max_size=40))
def test_a_title_without_a_year_names_no_period(title: str) -> None:
    assert find_period(title) is None


@given(st.text(max_size=40))
def test_any_text_gives_no_period_or_one_that_parses(title: str) -> None:
    found = find_period(title)
    if found is not None:
        assert parse_period(found).type in set(PeriodType)


# -- generated bureau tables ------------------------------------------------------------------
LABELS = st.text(alphabet="营业收入利润总额产量企业数出口交货值", min_size=2, max_size=6)
VALUES = st.one_of(
    st.decimals(-1e6, 1e6, places=2, allow_nan=False).map(str),
    st.sampled_from(["—", "-", "…", ""]),
)


@st.composite
def bureau_tables(draw: st.DrawFn) -> tuple[list[list[str | None]], dict[str, object]]:
    """A table as a bureau lays it out, with what a reader should find in it."""
    width = draw(st.integers(2, 6))
    header = ["地区", *draw(st.lists(LABELS, min_size=width - 1, max_size=width - 1))]
    rows: list[list[str | None]] = []
    expect: dict[str, object] = {}
    period = draw(st.sampled_from(["2024年1-9月", "2024年9月", "2023年", "2024年第二季度", None]))
    if period is not None or draw(st.booleans()):
        title = f"{period or ''}全省主要指标"
        rows.append([title] + [None] * draw(st.integers(0, width - 1)))
        expect["title"] = title
    if draw(st.booleans()):
        rows.append(["单位：亿元"])
        expect["unit"] = "亿元"
    rows.extend([[]] * draw(st.integers(0, 2)))
    expect["header_rows"] = (len(rows) + 1,)
    if draw(st.booleans()):  # two rows: group labels over 本月 and 累计
        groups = draw(st.lists(LABELS, min_size=1, max_size=3, unique=True))
        top: list[str | None] = ["地区"]
        sub: list[str | None] = [None]
        for g in groups:
            top += [g, None]
            sub += ["本月", "1-9月累计"]
        header = ["地区"] + [f"{g}/{s}" for g in groups for s in ("本月", "1-9月累计")]
        width = len(header)
        expect["header_rows"] = (len(rows) + 1, len(rows) + 2)
        rows += [top, sub]
    else:
        rows.append(list(header))
    data_numbers = []
    for i in range(draw(st.integers(1, 8))):
        values: list[str | None] = [
            v or None for v in draw(st.lists(VALUES, min_size=width - 1, max_size=width - 1))
        ]
        if not any(v not in (None, "—", "-", "…") for v in values):
            values[0] = "1"
        rows.append([f"地区{i}", *values])
        data_numbers.append(len(rows))
        if draw(st.integers(0, 5)) == 0:
            rows.append([])
    notes = draw(
        st.lists(st.sampled_from(["注：本表为快报数。", "资料来源：省统计局"]), max_size=2)
    )
    note_numbers = []
    for note in notes:
        rows.append([note])
        note_numbers.append(len(rows))
    expect |= {"header": tuple(header), "period": period, "data": data_numbers}
    expect["notes"] = note_numbers
    return rows, expect


@given(bureau_tables())
def test_a_generated_bureau_table_is_split_as_it_was_laid_out(
    table: tuple[list[list[str | None]], dict[str, object]],
) -> None:
    rows, expect = table
    framed = detect(Grid("t.csv", None, rows, list(range(1, len(rows) + 1))), fixed_width=True)
    f = framed.framing
    assert f.header_rows == expect["header_rows"]
    assert f.header == expect["header"]
    assert framed.numbers == expect["data"]
    assert [n.row for n in f.notes if n.kind in ("note", "source")] == expect["notes"]
    assert f.title == expect.get("title") and f.unit == expect.get("unit")
    assert f.period == expect["period"]


@given(bureau_tables(), st.sampled_from([",", "\t"]), st.booleans())
def test_a_generated_table_written_as_csv_reads_the_same_either_way(
    table: tuple[list[list[str | None]], dict[str, object]], sep: str, padded: bool
) -> None:
    import csv
    import io
    from pathlib import Path

    from wenzeng.ingest import csv_frame
    from wenzeng.ingest.limits import Limits

    rows, expect = table
    width = max(len(r) for r in rows)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\n")
    for r in rows:
        cells = [c or "" for c in r]
        writer.writerow(cells + [""] * (width - len(cells)) if padded else cells)
    text = out.getvalue()
    path = Path("t.tsv" if sep == "\t" else "t.csv")
    frame, framing, _ = csv_frame.read_csv(path, text.encode("gb18030"), Limits())
    slow, slow_framing = csv_frame._tolerant(str(path), text, sep, "gbk/gb18030", Limits())
    assert frame.equals(slow) and framing == slow_framing
    assert frame.get_column("__row").to_list() == expect["data"]
    assert framing.header == expect["header"] and framing.period == expect["period"]


@given(st.text(alphabet='ab1,;\t"\n 注：—年月2', max_size=80))
def test_any_text_is_read_or_refused_in_our_words(text: str) -> None:
    from pathlib import Path

    from wenzeng.errors import ValidationFailed
    from wenzeng.ingest.readers import read_table

    try:
        table = read_table(Path("x.csv"), text.encode())
    except ValidationFailed as exc:
        assert exc.issues and all(i.loc.file == "x.csv" for i in exc.issues)
        assert "polars" not in exc.message.lower() and " / " in exc.message
        return
    assert table.frame.columns[-1] == "__row"
    assert table.frame.get_column("__row").is_sorted()


CELLS = st.one_of(
    st.none(), st.sampled_from(["地区", "注：快报", "1", "—", "2024年9月", "单位：亿元", "x"])
)


@given(st.lists(st.lists(CELLS, max_size=5), max_size=12), st.booleans())
def test_any_grid_splits_into_disjoint_rows_of_the_header_width(
    cells: list[list[str | None]], fixed: bool
) -> None:
    numbers = list(range(1, len(cells) + 1))
    framed = detect(Grid("g.csv", None, cells, numbers), fixed_width=fixed)
    f = framed.framing
    assert all(len(r) == len(framed.columns) for r in framed.rows)
    assert len(f.header) == len(framed.columns) == len(set(framed.columns))
    assert framed.numbers == sorted(framed.numbers)
    used = set(framed.numbers) | set(f.header_rows) | {n.row for n in f.notes if n.kind != "title"}
    assert len(used) == len(framed.numbers) + len(f.header_rows) + len(
        {n.row for n in f.notes if n.kind != "title"}
    )
    for row, number in zip(framed.rows, framed.numbers, strict=True):
        assert any(c is not None for c in row) or fixed, number
