"""Indicators by the names bureau tables give them: aliases, normalised variants, narrowing by
unit and entity kind, and the catalogue refusing names shared without need."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wenzeng.definitions.catalogue import builtin_catalogue, indicator_problems
from wenzeng.domain.catalog import Indicator
from wenzeng.domain.names import label_key

CAT = builtin_catalogue()


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("手机产量", "phone_output"),
        ("phone_output", "phone_output"),
        ("Output of mobile phones", "phone_output"),
        ("5G手机出货量", "phone_ship_5g"),
        ("智能手机出货量", "phone_ship_smart"),
        ("手机出货量", "phone_ship_total"),
        ("营业收入", "revenue_elec"),
        ("营收", "revenue_elec"),
        ("规上电子信息制造业营收", "revenue_elec"),
        ("利润", "profit_elec"),
        ("利润总额", "profit_elec"),
        ("出口交货值", "export_elec"),
        ("固定资产投资", "fai_elec"),
        ("工业总产值", "output_value_elec"),
        ("从业人员", "employment"),
        ("微型计算机", "pc_output"),
        ("电子计算机整机", "pc_output"),
        ("集成电路", "ic_output"),
        ("彩电", "tv_output"),
        ("光伏电池", "solar_cell_output"),
        ("太阳能电池(光伏电池)产量", "solar_cell_output"),
        ("锂离子电池", "li_battery_output"),
        ("服务器", "server_output"),
        ("其中：彩色电视机", "tv_output"),
        ("# 集成电路", "ic_output"),
        ("集成电路（万块）", "ic_output"),
    ],
)
def test_names_releases_use_resolve(label: str, code: str) -> None:
    assert CAT.find_indicator(label).code == code


def test_phone_is_told_apart_by_unit_and_entity_kind() -> None:
    assert CAT.find_indicator("手机").code is None
    assert set(CAT.find_indicator("手机").candidates) == {"phone_output", "phone_ship_total"}
    assert CAT.find_indicator("手机", unit="万台").code == "phone_output"
    assert CAT.find_indicator("手机", unit="亿部").code == "phone_ship_total"
    assert CAT.find_indicator("手机（万部）").code == "phone_ship_total"
    assert CAT.find_indicator("手机", entity_kind="province").code == "phone_output"
    assert CAT.find_indicator("其中：智能手机", unit="万台").code == "smartphone_output"
    # 增加值: growth for the nation, a level for provinces and cities
    assert CAT.find_indicator("增加值", entity_kind="nation").code == "va_elec"
    assert CAT.find_indicator("工业增加值", entity_kind="city").code == "va_cce_prov"


def test_a_unit_that_fits_no_candidate_leaves_the_label_ambiguous() -> None:
    m = CAT.find_indicator("手机", unit="亿元")
    assert m.code is None and len(m.candidates) == 2


def test_unknown_label() -> None:
    assert CAT.find_indicator("规上工业营收") == type(CAT.find_indicator("x"))(None, ())


@given(
    st.sampled_from(["手机产量", "5G手机出货量", "集成电路", "规模以上电子信息制造业营业收入"]),
    st.lists(st.sampled_from([" ", "\u3000", "\t"]), max_size=3),
    st.sampled_from(["", "其中：", "其中:", "#", "  其中："]),
)
def test_spaces_and_leading_markers_do_not_matter(label: str, spaces: list[str], lead: str) -> None:
    cut = len(label) // 2
    written = lead + label[:cut] + "".join(spaces) + label[cut:]
    assert label_key(written) == label_key(label)
    assert CAT.find_indicator(written).code == CAT.find_indicator(label).code is not None


@given(st.text(max_size=30))
def test_a_key_is_its_own_key(label: str) -> None:
    assert label_key(label_key(label)) == label_key(label)


def test_variants_normalise_to_one_key() -> None:
    assert label_key("规模以上工业营业收入") == label_key("规上工业营收")
    assert label_key("太阳能电池（光伏电池）") == label_key("太阳能电池[光伏电池]")
    assert label_key("ＧＤＰ") == label_key("gdp")
    assert label_key("2.5英寸") == "2.5英寸"  # a decimal is not numbering


def _ind(code: str, unit: str | None, kinds: list[str], **kw: object) -> Indicator:
    return Indicator.model_validate(
        {
            "code": code,
            "name": {"zh": code, "en": code},
            "unit": unit,
            "frequency": "monthly",
            "nature": "flow",
            "measures": ["level"] if unit else ["yoy_pct"],
            "series_kinds": ["level"] if unit else ["yoy"],
            "aggregation": "sum",
            "entity_kinds": kinds,
            **kw,
        }
    )


def test_a_name_shared_without_need_is_refused() -> None:
    a = _ind("a", "万台", ["nation"], aliases=["电视"])
    b = _ind("b", "亿台", ["nation", "province"], aliases=["电视"])
    problems = indicator_problems({"a": a, "b": b})
    assert len(problems) == 1 and "电视" in problems[0] and "a, b" in problems[0]
    # told apart by unit, or by entity kind: allowed
    c = _ind("c", "万部", ["nation"], aliases=["电视"])
    d = _ind("d", "亿台", ["province"], aliases=["电视"])
    assert indicator_problems({"a": a, "c": c}) == []
    assert indicator_problems({"a": a, "d": d}) == []


def test_part_of_must_name_a_comparable_known_indicator_and_not_go_round() -> None:
    a = _ind("a", "万台", ["nation"], part_of=["zz"])
    assert "unknown indicator 'zz'" in indicator_problems({"a": a})[0]
    b = _ind("b", "万部", ["nation"], part_of=["c"])
    c = _ind("c", "万台", ["nation"])
    assert "cannot be compared" in indicator_problems({"b": b, "c": c})[0]
    x = _ind("x", "万台", ["nation"], part_of=["y"])
    y = _ind("y", "台", ["nation"], part_of=["x"])
    assert any("goes round" in p for p in indicator_problems({"x": x, "y": y}))


def test_the_builtin_catalogue_has_no_problem() -> None:
    assert indicator_problems(CAT.indicators) == []


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("北京", "110000"),
        ("北京市", "110000"),
        ("北　京", "110000"),
        ("内蒙古", "150000"),
        ("内蒙古自治区", "150000"),
        ("广西壮族自治区", "450000"),
        ("大连", "210200"),
        ("大连市", "210200"),
        ("宁波", "330200"),
        ("厦门", "350200"),
        ("青岛", "370200"),
        ("深圳", "440300"),
        ("兵团", "660000"),
        ("新疆兵团", "660000"),
        ("新疆生产建设兵团", "660000"),
        ("东部地区", "East"),
        ("东部", "East"),
        ("全国合计", "CN"),
    ],
)
def test_entity_labels_of_bureau_tables(label: str, code: str) -> None:
    found = CAT.find_entity(label)
    assert found is not None and found.code == code
