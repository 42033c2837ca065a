"""Figures in Chinese convention: 万 and 亿 with the unit, one decimal for percentages,
growth in words; the headline figure of a target agrees with its status."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wenzeng.domain.observation import ObservationRecord
from wenzeng.present.numbers import change_words, cn_number, common_scale, split_unit
from wenzeng.web.pages.figures import figure_text

UNITS = ["人", "元", "万元", "亿元", "台", "万台", "个", "GW", "万人"]
NUMBER = re.compile(r"^(?P<n>-?[\d,]+(?:\.\d+)?)(?P<u>.*)$")


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (2_679_675, "人", "267.97万人"),
        (0.6812, "亿元", "6812.0万元"),
        (15433, "万元", "15,433.0万元"),
        (11234.5, "亿元", "11,234.5亿元"),
        (68.0143, "亿元", "68.01亿元"),
        (0.6812, "万亿元", "6812.0亿元"),
        (161_900, "亿元", "16.19万亿元"),
        (203_000, "万元", "20.30亿元"),
        (7, "%", "7.0%"),
        (7.518, "%", "7.5%"),
        (-5.4, "%", "-5.4%"),
        (654, "GW", "654GW"),
        (37, "个", "37个"),
        (None, "人", "—"),
    ],
)
def test_cn_number_examples(value: float | None, unit: str, expected: str) -> None:
    assert cn_number(value, unit) == expected


def test_a_reporter_in_wan_yuan_keeps_wan_yuan() -> None:
    assert cn_number(0.6812, "亿元", prefer="万元") == "6812.0万元"
    assert cn_number(15433, "万元", prefer="万元") == "15,433.0万元"
    record = ObservationRecord(
        "revenue_cum", "E9001", "level", "cum_month", "2026-10", date(2026, 11, 5),
        0.6812, "", "亿元", "6812", "万元", "report", "企业填报", None, None, False, 1,
    )  # fmt: skip
    assert figure_text(record, "万元") == "6812.0万元"
    assert figure_text(record) == "6812.0万元"  # too small for 亿
    people = replace(
        record, indicator="employment", value=2_679_675, unit="人", published_unit="人"
    )
    assert figure_text(people) == "267.97万人"


def test_growth_in_words() -> None:
    assert change_words(-5.4) == "同比下降5.4%"
    assert change_words(10.61) == "同比增长10.6%"
    assert change_words(0.04) == "同比持平"
    assert change_words(-5.4, en=True) == "down 5.4% year on year"


@given(
    value=st.floats(min_value=-1e15, max_value=1e15, allow_nan=False, allow_infinity=False),
    unit=st.sampled_from(UNITS),
)
def test_written_figure_reads_back_as_the_value(value: float, unit: str) -> None:
    """The text, read back with its unit, is the value to within its last written digit;
    a scaled figure lies between 1 and 10000 of its unit."""
    text = cn_number(value, unit)
    m = NUMBER.match(text)
    assert m, text
    written = float(m["n"].replace(",", ""))
    shown_unit = m["u"]
    base, factor = split_unit(unit)
    shown_base, shown_factor = split_unit(shown_unit)
    assert shown_base == base
    decimals = len(m["n"].split(".")[1]) if "." in m["n"] else 0
    back = written * shown_factor / factor
    assert math.isclose(
        back, value, rel_tol=1e-9, abs_tol=0.51 * 10**-decimals * shown_factor / factor
    )
    if factor == 1 and shown_factor > 1:  # a base unit is scaled up to below 10000
        assert 1 - 1e-9 <= abs(value) / shown_factor < 10000 + 1e-6 or shown_factor == 1e12
    if factor > 1 and 1 <= abs(value) < 1e5:  # a unit with its scale keeps it
        assert shown_unit == unit
    if factor > 1 and abs(value) >= 1e5 and unit != "万亿元":  # …up to five digits
        assert shown_unit != unit


@given(st.lists(st.floats(min_value=0, max_value=1e13), min_size=1, max_size=20))
def test_one_scale_per_axis(values: list[float]) -> None:
    divisor, unit = common_scale(values, "元")
    assert all(v / divisor < 10000 for v in values) or unit == "万亿元"
    assert unit.endswith("元")
