"""A bureau table's column header read into name, unit, measure, period and column role."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wenzeng.ingest.headers import ENTITY, LABEL, SKIP, UNIT, VALUE, normalise, read_header


@pytest.mark.parametrize(
    ("text", "name", "unit", "measure", "period_type", "period"),
    [
        ("营业收入(万元)", "营业收入", "万元", None, None, None),
        ("营业收入（亿元）", "营业收入", "亿元", None, None, None),
        ("利润总额", "利润总额", None, None, None, None),
        ("同比增长(%)", None, "%", "yoy_pct", None, None),
        ("增长（％）", None, "%", "yoy_pct", None, None),
        ("比上年同期增长(%)", None, "%", "yoy_pct", None, None),
        ("增速(%)", None, "%", "yoy_pct", None, None),
        ("占比(%)", None, "%", "share_pct", None, None),
        ("比重(%)", None, "%", "share_pct", None, None),
        ("营业收入/本月", "营业收入", None, None, "month", None),
        ("营业收入/累计", "营业收入", None, None, "cum_month", None),
        ("营业收入（亿元）/同比增长(%)", "营业收入", "%", "yoy_pct", None, None),
        ("本月", None, None, None, "month", None),
        ("当月", None, None, None, "month", None),
        ("1-9月累计", None, None, None, "cum_month", "1-9月"),
        ("１－９月累计", None, None, None, "cum_month", "1-9月"),
        ("1—9月", None, None, None, "cum_month", "1-9月"),
        ("本年累计", None, None, None, "cum_month", None),
        ("1-本月累计", None, None, None, "cum_month", None),
        ("累计", None, None, None, "cum_month", None),
        ("2024年9月", None, None, None, "month", "2024年9月"),
        ("2024年1-9月", None, None, None, "cum_month", "2024年1-9月"),
        ("9月", None, None, None, "month", "9月"),
        ("1-9月同比增长(%)", None, "%", "yoy_pct", "cum_month", "1-9月"),
        ("本月产量（万台）", "产量", "万台", None, "month", None),
        ("5G手机出货量(万部)", "5G手机出货量", "万部", None, None, None),
        ("装机容量（万千瓦）", "装机容量", "万千瓦", None, None, None),
        ("前三季度", None, None, None, "cum_month", "1-9月"),
        ("2024年上半年", None, None, None, "cum_month", "2024年1-6月"),
        ("三季度", None, None, None, "quarter", "三季度"),
    ],
)
def test_a_header_says_name_unit_measure_and_period(
    text: str,
    name: str | None,
    unit: str | None,
    measure: str | None,
    period_type: str | None,
    period: str | None,
) -> None:
    r = read_header(text)
    assert (r.text, r.role) == (text, VALUE)
    assert (r.name, r.unit, r.measure, r.period_type, r.period) == (
        name,
        unit,
        measure,
        period_type,
        period,
    )


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("地区", ENTITY),
        ("省份", ENTITY),
        ("地区名称", ENTITY),
        ("地　区", ENTITY),
        ("产品名称", LABEL),
        ("产品", LABEL),
        ("指标名称", LABEL),
        ("指标", LABEL),
        ("计量单位", UNIT),
        ("单位", UNIT),
        ("序号", SKIP),
        ("上年同期", SKIP),
        ("上年同期/本月", SKIP),
        ("环比增长(%)", SKIP),
        ("本月/比上月增长(%)", SKIP),
        ("利润率增减(百分点)", SKIP),
    ],
)
def test_a_header_can_name_the_role_of_its_column(text: str, role: str) -> None:
    r = read_header(text)
    assert r.role == role
    assert (r.skip is not None) is (role == SKIP)


def test_a_dated_period_names_its_year() -> None:
    assert read_header("2024年9月").dated
    assert not read_header("1-9月").dated
    assert not read_header("本月").dated


def test_the_long_name_keeps_the_measure_words_for_a_second_look() -> None:
    r = read_header("5G手机占同期手机出货量比重(%)")
    assert (r.name, r.label, r.measure) == (
        "5G手机占同期手机出货量",
        "5G手机占同期手机出货量比重",
        "share_pct",
    )


NAMES = st.sampled_from(
    ["营业收入", "利润总额", "出口交货值", "产量", "5G手机出货量", "新签订单金额"]
)
UNITS = st.sampled_from(["亿元", "万元", "万台", "亿块", "万千瓦", "GW"])
GROWTH = st.sampled_from(["同比增长", "增长", "比上年同期增长", "增速", "同比"])
SHARE = st.sampled_from(["占比", "比重"])
MONTH_WORDS = st.sampled_from(["本月", "当月"])
CUM_WORDS = st.sampled_from(["累计", "本年累计", "1-本月累计"])
BRACKETS = st.sampled_from([("(", ")"), ("（", "）")])
MONTHS = st.integers(min_value=2, max_value=12)
YEARS = st.integers(min_value=2000, max_value=2100)


def _wide(text: str) -> str:
    """The same text in full-width digits and letters, as some bureaus type it."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" and c not in "()" else c for c in text)


@given(NAMES, UNITS, BRACKETS, st.booleans())
def test_any_name_with_a_unit_reads_back(
    name: str, unit: str, br: tuple[str, str], wide: bool
) -> None:
    text = f"{name}{br[0]}{unit}{br[1]}"
    r = read_header(_wide(text) if wide else text)
    assert (r.name, r.unit, r.measure, r.role) == (normalise(name), normalise(unit), None, VALUE)


@given(GROWTH, SHARE, BRACKETS, st.booleans())
def test_growth_and_share_words_set_the_measure(
    growth: str, share: str, br: tuple[str, str], with_unit: bool
) -> None:
    pct = f"{br[0]}%{br[1]}" if with_unit else ""
    g, s = read_header(growth + pct), read_header(share + pct)
    assert (g.measure, g.name) == ("yoy_pct", None)
    assert (s.measure, s.name) == ("share_pct", None)
    assert g.unit == s.unit == ("%" if with_unit else None)


@given(NAMES, MONTH_WORDS, CUM_WORDS, st.sampled_from(["/", " / "]))
def test_two_row_headers_join_the_name_and_the_period(
    name: str, month: str, cum: str, sep: str
) -> None:
    m, c = read_header(f"{name}{sep}{month}"), read_header(f"{name}{sep}{cum}")
    assert (m.name, m.period_type) == (name, "month")
    assert (c.name, c.period_type) == (name, "cum_month")


@given(YEARS, MONTHS, st.booleans(), st.booleans(), st.sampled_from(["-", "—", "－", "~", "至"]))
def test_periods_in_headers(year: int, month: int, with_year: bool, wide: bool, dash: str) -> None:
    prefix = f"{year}年" if with_year else ""
    cum, single = f"{prefix}1{dash}{month}月累计", f"{prefix}{month}月"
    c = read_header(_wide(cum) if wide else cum)
    s = read_header(_wide(single) if wide else single)
    assert (c.period_type, c.period) == ("cum_month", f"{prefix}1-{month}月")
    assert (s.period_type, s.period) == ("month", f"{prefix}{month}月")
    assert c.dated is s.dated is with_year


@given(st.text(max_size=40))
def test_any_text_reads_without_error(text: str) -> None:
    r = read_header(text)
    assert r.text == text
    assert r.measure in (None, "level", "yoy_pct", "share_pct")
    assert r.period_type in (None, "month", "cum_month", "quarter", "year")
