import pytest
from hypothesis import given
from hypothesis import strategies as st

from wenzeng.domain.units import UnitError, conversion_factor, convert
from wenzeng.domain.values import ParsedValue, ValueError_, parse_value


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1234.5", ParsedValue(1234.5)),
        ("1,234.5", ParsedValue(1234.5)),
        ("１２３４．５", ParsedValue(1234.5)),
        ("１，２３４", ParsedValue(1234.0)),
        ("12.5%", ParsedValue(12.5, "", True)),
        ("12.5％", ParsedValue(12.5, "", True)),
        ("－3.2", ParsedValue(-3.2)),
        ("−3.2", ParsedValue(-3.2)),
        ("(12.3)", ParsedValue(-12.3)),
        ("超过450", ParsedValue(450.0, ">")),
        (">85%", ParsedValue(85.0, ">", True)),
        ("约510", ParsedValue(510.0, "~")),
        ("450以上", ParsedValue(450.0, ">")),
        ("—", ParsedValue(None)),
        ("", ParsedValue(None)),
        ("  ", ParsedValue(None)),
        (None, ParsedValue(None)),
    ],
)
def test_reads_numbers_as_offices_write_them(cell: str | None, expected: ParsedValue) -> None:
    assert parse_value(cell) == expected


@pytest.mark.parametrize("cell", ["abc", "12..5", "1.2.3", "12 万", "五十"])
def test_text_is_not_a_number(cell: str) -> None:
    with pytest.raises(ValueError_):
        parse_value(cell)


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_plain_and_thousands_forms_agree(x: float) -> None:
    plain = f"{x:.2f}"
    grouped = f"{x:,.2f}"
    assert parse_value(plain).value == parse_value(grouped).value == float(plain)


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=0, max_value=1e9))
def test_full_width_digits_read_like_ascii(x: float) -> None:
    ascii_text = f"{x:.3f}"
    full = ascii_text.translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
    assert parse_value(full).value == parse_value(ascii_text).value


def test_unit_conversion() -> None:
    assert convert(16.19, "万亿元", "亿元") == pytest.approx(161900)
    assert convert(3.1, "亿部", "万部") == pytest.approx(31000)
    assert conversion_factor("GW", "吉瓦") == 1
    with pytest.raises(UnitError, match="units not convertible: 亿元 \\(money\\) → GW"):
        conversion_factor("亿元", "GW")
    with pytest.raises(UnitError, match="unknown unit: 'furlong'"):
        conversion_factor("furlong", "GW")


@given(
    st.floats(min_value=1e-6, max_value=1e9),
    st.sampled_from(["元", "万元", "亿元", "万亿元"]),
    st.sampled_from(["元", "万元", "亿元", "万亿元"]),
)
def test_conversion_round_trips(x: float, a: str, b: str) -> None:
    assert convert(convert(x, a, b), b, a) == pytest.approx(x)
