from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wenzeng.domain.periods import Period, PeriodError, PeriodType, parse_period

years = st.integers(min_value=1990, max_value=2100)
periods = st.one_of(
    st.builds(Period.month, years, st.integers(1, 12)),
    st.builds(Period.cum_month, years, st.integers(2, 12)),
    st.builds(Period.quarter, years, st.integers(1, 4)),
    st.builds(Period.annual, years),
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024", Period.annual(2024)),
        ("2024年", Period.annual(2024)),
        ("2024年全年", Period.annual(2024)),
        ("2024-09", Period.month(2024, 9)),
        ("2024-9", Period.month(2024, 9)),
        ("2024年9月", Period.month(2024, 9)),
        ("2024年9月份", Period.month(2024, 9)),
        ("2024-01~09", Period.cum_month(2024, 9)),
        ("2024年1-9月", Period.cum_month(2024, 9)),
        ("2024年1—9月", Period.cum_month(2024, 9)),
        ("2024年1～9月", Period.cum_month(2024, 9)),
        ("2024年1-2月", Period.cum_month(2024, 2)),
        ("2024年9月累计", Period.cum_month(2024, 9)),
        ("２０２４年１－９月", Period.cum_month(2024, 9)),
        ("2024年上半年", Period.cum_month(2024, 6)),
        ("2024-Q3", Period.quarter(2024, 3)),
        ("2024年三季度", Period.quarter(2024, 3)),
        ("2024年第一季度", Period.quarter(2024, 1)),
        ("2024年7-9月", Period.quarter(2024, 3)),
        (" 2024-YTD09 ", Period.cum_month(2024, 9)),
    ],
)
def test_reads_codes_and_chinese_labels(text: str, expected: Period) -> None:
    assert parse_period(text) == expected


def test_period_type_disambiguates_a_plain_month() -> None:
    assert parse_period("2024-09", "cum_month") == Period.cum_month(2024, 9)
    assert parse_period("2024-09", "month") == Period.month(2024, 9)
    with pytest.raises(PeriodError, match="is a year, not a month"):
        parse_period("2024", "month")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "period is empty"),
        ("2024-13", "the month must be 1–12, not 13"),
        ("2024年3-9月", "must start in January"),
        ("2024年下半年", "not a cumulative"),
        ("九月", "unreadable period"),
        ("2024-Q5", "unreadable period"),
    ],
)
def test_rejects_bad_labels_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(PeriodError, match=message):
        parse_period(text)


def test_unknown_period_type_is_named() -> None:
    with pytest.raises(PeriodError, match="unknown period type: 'weekly'"):
        parse_period("2024-09", "weekly")


def test_labels_and_calendar() -> None:
    p = Period.cum_month(2024, 2)
    assert p.code == "2024-01~02"
    assert p.label_zh == "2024年1-2月"
    assert p.label_en == "Jan–Feb 2024"
    assert p.start == date(2024, 1, 1)
    assert p.end == date(2024, 2, 29)
    assert Period.quarter(2023, 4).end == date(2023, 12, 31)
    assert Period.month(2024, 1).previous() == Period.month(2023, 12)
    assert Period.cum_month(2024, 2).previous() is None  # Jan–Feb opens the cumulative year
    assert Period.cum_month(2024, 9).shift_years(-1) == Period.cum_month(2023, 9)


@given(periods)
def test_code_round_trips(p: Period) -> None:
    assert parse_period(p.code) == p
    assert parse_period(p.code, p.type.value) == p


@given(periods)
def test_chinese_label_round_trips(p: Period) -> None:
    assert parse_period(p.label_zh) == p


@given(periods)
def test_period_contains_its_months(p: Period) -> None:
    assert p.start <= p.end
    assert p.start.month == p.first_month
    assert p.end.month == p.last_month
    if p.type is PeriodType.CUM_MONTH:
        assert p.start.month == 1


@given(st.lists(st.builds(Period.month, years, st.integers(1, 12)), min_size=2))
def test_month_codes_sort_chronologically(ps: list[Period]) -> None:
    assert sorted(ps, key=lambda p: p.code) == sorted(ps, key=lambda p: p.start)
