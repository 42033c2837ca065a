"""Units are data: the built-in file, aliases, conversions, and registries extended by more."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wenzeng.definitions.units import builtin_units, read_units
from wenzeng.domain import units as units_module
from wenzeng.domain.units import (
    UNITS,
    Unit,
    UnitError,
    conversion_factor,
    convert,
    get_unit,
    unit_en,
    use_units,
)
from wenzeng.errors import ValidationFailed

REG = builtin_units()


@pytest.mark.parametrize(
    ("value", "source", "target", "expected"),
    [
        (1234.5, "万千瓦", "GW", 12.345),
        (1, "GW", "万千瓦", 100),
        (3.1, "亿部", "万部", 31000),
        (2, "亿千瓦时", "GWh", 200),
        (5, "万千瓦时", "千瓦时", 50000),
        (3, "万辆", "辆", 30000),
        (2.5, "万吨", "吨", 25000),
        (7, "万片", "片", 70000),
        (4, "万平方米", "平方米", 40000),
        (6, "万套", "套", 60000),
        (1, "亿块", "万块", 10000),
        (8, "兆瓦", "千瓦", 8000),
    ],
)
def test_units_releases_use_convert(
    value: float, source: str, target: str, expected: float
) -> None:
    assert convert(value, source, target) == pytest.approx(expected)


def test_every_unit_the_code_knew_before_is_still_known() -> None:
    before = (
        "元 千元 万元 亿元 万亿元 部 万部 亿部 台 万台 亿台 块 万块 亿块 个 万个 亿个 人 万人 家"
    )
    for code in [*before.split(), "MW", "GW", "吉瓦", "兆瓦", "MWh", "GWh", "%", "百分点"]:
        assert get_unit(code).code == code
    assert set(before.split()) <= set(UNITS)


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("％", "%"),
        ("gw", "GW"),
        ("gwh", "GWh"),
        ("mw", "MW"),
        ("pp", "百分点"),
        ("kWh", "千瓦时"),
        ("度", "千瓦时"),
        (" 万千瓦 ", "万千瓦"),
        ("ｋｗ", "千瓦"),
    ],
)
def test_aliases_and_spellings(written: str, code: str) -> None:
    assert get_unit(written).code == code


def test_phones_shipped_and_machines_made_do_not_convert() -> None:
    with pytest.raises(UnitError, match="not convertible"):
        conversion_factor("万部", "万台")
    assert not REG.convertible("万部", "万台")
    assert REG.convertible("万千瓦", "GW")


def test_unknown_unit_is_bilingual() -> None:
    with pytest.raises(UnitError) as info:
        get_unit("furlong")
    assert info.value.zh.startswith("未知单位") and "unknown unit" in info.value.en


def test_english_names() -> None:
    assert unit_en("万千瓦") == "10 MW"
    assert unit_en("亿元") == "100 million yuan"
    assert unit_en("furlong") == "furlong" and unit_en(None) == ""


def test_a_registry_extended_by_more_units_leaves_the_builtin_one_alone() -> None:
    bale = Unit("包", "bales", 1.0, "bales", "包")
    more = REG.with_units([bale, Unit("万包", "bales", 1e4, "10k bales", aliases=("万件包",))])
    assert more.conversion_factor("万件包", "包") == 10000
    assert REG.find("包") is None
    use_units(more)
    try:
        assert convert(2, "万包", "包") == 20000 and "包" in UNITS
    finally:
        use_units(None)
    assert units_module.units() is REG and "包" not in UNITS


def test_a_unit_file_with_a_bad_record_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "units.yaml"
    path.write_text(
        "schema: wenzeng/units/v1\nunits:\n"
        "  - {code: 包, dimension: bales, factor: 1, name: {zh: 包, en: bales}}\n"
        "  - {code: 万包, dimension: bales, factor: -5, name: {zh: 万包, en: 10k bales}}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationFailed) as info:
        read_units(path)
    assert [i.loc.line for i in info.value.issues] == [4]


def test_duplicate_codes_are_refused() -> None:
    with pytest.raises(UnitError, match="duplicate"):
        type(REG).of([Unit("包", "bales", 1, "b"), Unit("包", "bales", 2, "b")])


_CODES = sorted(REG.units)


@given(st.sampled_from(_CODES), st.sampled_from(_CODES), st.floats(-1e6, 1e6))
def test_conversion_goes_both_ways_within_a_dimension(a: str, b: str, x: float) -> None:
    if REG.units[a].dimension != REG.units[b].dimension:
        with pytest.raises(UnitError):
            conversion_factor(a, b)
        return
    assert convert(convert(x, a, b), b, a) == pytest.approx(x, rel=1e-9, abs=1e-9)


def test_the_command_line_lists_units_with_their_conversions(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import json

    from wenzeng.cli import run

    assert run(["catalog", "units", "--format", "json"]) == 0
    rows = {r["code"]: r for r in json.loads(capsys.readouterr().out)}
    assert set(rows) == set(REG.units)
    assert rows["万千瓦"]["conversion"] == "1 万千瓦 = 10,000 千瓦 = 0.01 吉瓦"
    assert rows["万千瓦"]["dimension"] == "power"
    assert run(["catalog", "indicators", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split(",")[:6] == [
        "code",
        "name_zh",
        "aliases_text",
        "unit",
        "minimum_text",
        "part_of_text",
    ]
    phone = next(line for line in lines if line.startswith("phone_ship_5g,"))
    assert "5G手机出货量" in phone and "万部" in phone and "phone_ship_smart" in phone
