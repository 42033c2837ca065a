"""The register of MIIT's 运行情况 releases, one rule a test, pinned on golden text."""

from __future__ import annotations

import pytest

from wenzeng.domain.periods import Period
from wenzeng.reports.builder import Frame
from wenzeng.reports.definition import narrative_rules
from wenzeng.reports.document import Fig, plain
from wenzeng.reports.narrative import Cited, ItemFigures, Labels, Sentences, count_list
from wenzeng.reports.parts_data import shared_prefix
from wenzeng.reports.register import zh_register


def _zh() -> Sentences:
    return Sentences(narrative_rules(), "zh")


def _c(v: float, ref: int | None = None) -> Cited:
    return Cited(v, Fig(f"{v}%", ref, v))


# -- decline wording: 下降 for a fall, 回落 for slower growth, 收窄/扩大 for a smaller/larger fall
def test_a_fall_is_said_as_a_decline_never_as_a_negative_growth() -> None:
    assert plain(_zh().change(_c(-5.4))) == "下降5.4%"
    assert plain(_zh().change(_c(7.5))) == "增长7.5%"
    assert plain(_zh().change(_c(0.04))) == "持平"


def test_slower_growth_falls_back_and_a_smaller_decline_narrows() -> None:
    labels = Labels("规模以上电子信息制造业出口交货值", "2023年1—9月", "1—6月", "9月")
    slower = _zh().sentence(labels, ItemFigures(yoy=_c(12.8), prev_yoy=_c(13.3)))
    assert (
        slower.text
        == "2023年1—9月，规模以上电子信息制造业出口交货值同比增长12.8%，增速比1—6月回落0.5个百分点。"
    )
    narrower = _zh().sentence(labels, ItemFigures(yoy=_c(-6.3), prev_yoy=_c(-8.1)))
    assert (
        narrower.text
        == "2023年1—9月，规模以上电子信息制造业出口交货值同比下降6.3%，降幅比1—6月收窄1.8个百分点。"
    )
    wider = _zh().sentence(labels, ItemFigures(yoy=_c(-8.1), prev_yoy=_c(-6.3)))
    assert wider.text.endswith("同比下降8.1%，降幅比1—6月扩大1.8个百分点。")
    turned = _zh().sentence(labels, ItemFigures(yoy=_c(-1.1), prev_yoy=_c(2.0)))
    assert turned.text.endswith("同比下降1.1%，增速比1—6月回落3.1个百分点。")


# -- zero counts are left out ------------------------------------------------------------------
def test_counts_of_zero_are_left_out() -> None:
    rules = narrative_rules()
    targets = {"achieved": 4, "basically": 0, "at_risk": 0, "unlikely": 0, "no_data": 1}
    assert count_list(rules, "targets", "zh", targets) == "达标4项，无数据1项"
    assert count_list(rules, "targets", "en", targets) == "4 achieved and 1 without data"
    products = {"up": 4, "down": 0, "missing": 4}
    assert count_list(rules, "products", "zh", products) == "4种产量同比增长，4种数据暂缺"
    warnings = {"emerging": 5, "trending": 0, "latent": 18}
    assert count_list(rules, "warnings", "zh", warnings) == "苗头性5条、潜在性18条"


# -- varied openings: the period and the industry said once a part ------------------------------
def test_the_sentences_after_the_first_open_with_the_indicator() -> None:
    names = [
        "规模以上电子信息制造业增加值",
        "规模以上电子信息制造业营业收入",
        "规模以上电子信息制造业利润总额",
    ]
    prefix = shared_prefix(names)
    assert prefix == "规模以上电子信息制造业"
    assert shared_prefix(["电子信息制造业固定资产投资"]) == ""
    assert shared_prefix(["规模以上电子信息制造业", "规模以上电子信息制造业出口交货值"]) == ""
    labels = Labels(names[1].removeprefix(prefix), "2024年1—9月", "1—6月", "9月")
    level = Fig("11.49万亿元", 4, 11.49)
    following = _zh().sentence(labels, ItemFigures(level=level, yoy=_c(7.5)), following=True)
    assert following.text == "营业收入11.49万亿元，同比增长7.5%。"


# -- the right period words --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("period", "lang", "with_year", "expected"),
    [
        (Period.cum_month(2024, 12), "zh", True, "2024年"),
        (Period.cum_month(2024, 12), "zh", False, "全年"),
        (Period.cum_month(2024, 12), "en", True, "2024"),
        (Period.cum_month(2024, 9), "zh", True, "2024年1—9月"),
        (Period.cum_month(2024, 9), "zh", False, "1—9月"),
    ],
)
def test_january_to_december_is_the_year(
    period: Period, lang: str, with_year: bool, expected: str
) -> None:
    frame = Frame.of(Period.annual(2024))
    assert frame.label(period, lang, with_year=with_year) == expected


# -- text from the warning rules and the target tracking in the register -----------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "黑龙江省新签订单金额2025年12月同比 -2.6%，较上期 18.3% 下降 20.9 个百分点；",
            "黑龙江省新签订单金额2025年12月同比下降2.6%，较上期18.3%下降20.9个百分点；",
        ),
        ("新签订单金额2024年9月同比 26.1%", "新签订单金额2024年9月同比增长26.1%"),
        ("连续 5 期走弱，由 28.1% 降至 -3.6%。", "连续5期走弱，由28.1%降至-3.6%。"),
        ("按2024年1-9月累计增速 12.8% 预计", "按2024年1—9月累计增速12.8%预计"),
        ("应收账款同比增长 27.3%", "应收账款同比增长27.3%"),
    ],
)
def test_borrowed_text_is_put_in_the_register(text: str, expected: str) -> None:
    assert zh_register(text) == expected
