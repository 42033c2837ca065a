"""Figures and dates for English readers (2.68 million persons, 1.12 trillion yuan, 7.0%,
1 Mar 2026) and dates for Chinese ones (2026年3月1日): the written text read back is the
value, to within what it shows."""

from __future__ import annotations

import math
import re
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wenzeng.present.dates import MONTHS_EN, date_text, moment_text
from wenzeng.present.numbers import EN_SCALES, common_scale, en_number, en_unit, figure

UNITS = ["人", "元", "万元", "亿元", "万亿元", "千元", "台", "万台", "万部", "亿块", "个", "家"]
EN_FIGURE = re.compile(
    r"^(?P<n>-?[\d,]+(?:\.\d+)?)(?: (?P<scale>million|billion|trillion))? (?P<words>\D+)$"
)
SCALE = dict(EN_SCALES)


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (2_679_675, "人", "2.68 million persons"),
        (11234.5, "亿元", "1.12 trillion yuan"),
        (0.6812, "亿元", "68.12 million yuan"),
        (6408, "亿元", "640.8 billion yuan"),
        (15433, "万元", "154.3 million yuan"),
        (5.5, "万元", "55,000 yuan"),
        (0.55, "万元", "5,500 yuan"),  # not 5,500.00: whole but for binary dust
        (12.5, "万台", "125,000 units"),
        (3.2, "亿部", "320.0 million units"),
        (1234, "人", "1,234 persons"),
        (7, "%", "7.0%"),
        (7.518, "%", "7.5%"),
        (-5.4, "%", "-5.4%"),
        (-0.0001, "%", "0.0%"),
        (0.5, "百分点", "0.5 pp"),
        (654, "GW", "654 GW"),  # power has no counted base: never 654 billion W
        (12.5, "GWh", "12.50 GWh"),
        (37, "个", "37 items"),
        (1, "位", "No. 1"),
        (None, "人", "—"),
        (math.nan, "人", "—"),
    ],
)
def test_en_number_examples(value: float | None, unit: str, expected: str) -> None:
    assert en_number(value, unit) == expected


def test_bounds_and_the_page_language() -> None:
    assert en_number(1.54, "亿元", qualifier=">") == "≥154.0 million yuan"
    assert figure(16.19e4, "亿元", en=True) == "16.19 trillion yuan"
    assert figure(16.19e4, "亿元") == "16.19万亿元"
    # a reader's 万元 is a Chinese scale: English pages write million yuan all the same
    assert figure(0.6812, "亿元", en=True, prefer="万元") == "68.12 million yuan"
    assert figure(0.6812, "亿元", prefer="万元") == "6812.0万元"


def test_units_in_english_come_from_the_unit_list() -> None:
    assert en_unit("亿元") == ("yuan", 1e8, True)
    assert en_unit("万部") == ("units", 1e4, True)
    assert en_unit("万人") == ("persons", 1e4, True)
    assert en_unit("GW")[0] == "GW" and not en_unit("GW")[2]
    assert en_unit("%") == ("%", 1.0, False)
    assert en_unit("万艘") == ("ships", 1e4, True)  # a counted unit not in the list


@given(
    value=st.floats(min_value=-1e15, max_value=1e15, allow_nan=False, allow_infinity=False),
    unit=st.sampled_from(UNITS),
)
def test_english_figure_reads_back_as_the_value(value: float, unit: str) -> None:
    """The English text, read back with its scale and unit, is the value to within its last
    written digit; a scaled figure lies between 1 and 1000 of its scale (but trillions);
    no Chinese scale is left in it."""
    text = en_number(value, unit)
    assert not re.search(r"[万亿]", text), text
    m = EN_FIGURE.match(text)
    assert m, text
    words, factor, _ = en_unit(unit)
    assert m["words"] == words
    written = float(m["n"].replace(",", ""))
    size = SCALE[m["scale"]] if m["scale"] else 1.0
    decimals = len(m["n"].split(".")[1]) if "." in m["n"] else 0
    back = written * size / factor
    assert math.isclose(back, value, rel_tol=1e-9, abs_tol=0.51 * 10**-decimals * size / factor)
    if m["scale"] and m["scale"] != "trillion":
        assert 1 - 1e-9 <= abs(value) * factor / size < 1000 + 1e-6
    if not m["scale"]:
        assert abs(value) * factor < 1e6 * (1 + 1e-9)


@given(
    values=st.lists(st.floats(min_value=0, max_value=1e12), min_size=1, max_size=20),
    unit=st.sampled_from(["元", "万元", "亿元", "人", "万台"]),
)
def test_one_english_scale_per_axis(values: list[float], unit: str) -> None:
    divisor, label = common_scale(values, unit, en=True)
    words, factor, _ = en_unit(unit)
    assert label.endswith(words) and not re.search(r"[万亿]", label)
    top = max(values) * factor
    assert all(v / divisor < 1000 * (1 + 1e-9) for v in values) or top >= 1e15 or top < 1e6
    scale = label.removesuffix(words).strip()
    assert divisor * factor == pytest.approx(SCALE.get(scale, 1.0))


@pytest.mark.parametrize(
    ("value", "zh", "en"),
    [
        (date(2026, 3, 1), "2026年3月1日", "1 Mar 2026"),
        ("2025-12-31", "2025年12月31日", "31 Dec 2025"),
        ("2024-02-29T08:30:00+00:00", "2024年2月29日", "29 Feb 2024"),
        (None, "—", "—"),
        ("", "—", "—"),
        ("2025年1-9月", "2025年1-9月", "2025年1-9月"),  # not a date: as it is
    ],
)
def test_date_text_examples(value: date | str | None, zh: str, en: str) -> None:
    assert date_text(value) == zh
    assert date_text(value, en=True) == en


def test_moment_text() -> None:
    assert moment_text("2026-12-03T11:14:16+00:00") == "2026年12月3日 11:14 UTC"
    assert moment_text("2026-12-03T19:14:16+08:00", en=True) == "3 Dec 2026 11:14 UTC"
    assert moment_text(datetime(2025, 1, 2, 9, 5), en=True) == "2 Jan 2025 09:05 UTC"
    assert moment_text(None) == "—"


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)))
def test_written_dates_read_back(d: date) -> None:
    zh = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", date_text(d))
    assert zh and date(int(zh[1]), int(zh[2]), int(zh[3])) == d
    en = re.fullmatch(r"(\d{1,2}) ([A-Z][a-z]{2}) (\d{4})", date_text(d, en=True))
    assert en and date(int(en[3]), MONTHS_EN.index(en[2]) + 1, int(en[1])) == d
    assert date_text(d.isoformat()) == date_text(d)
