"""Warning explanations say growth the Chinese way: 同比下降5.4%, 下降10.0个百分点 — never
同比 -5.4% or 10.0 个百分点 — in every built-in rule and in a real analysis of the built-in
store."""

from __future__ import annotations

import re
from datetime import date

import pytest

from wenzeng.analysis.warnings import change_zh, fill_explanation
from wenzeng.auth.principal import Principal, Role
from wenzeng.services.context import Context
from wenzeng.services.early_warning import list_warnings, run_analysis, warning_config

ANALYST = Principal("ana", Role.ANALYST, user_id=1)
CONFIG = warning_config()
ENGLISH_SPACING = ("同比 -", "同比 +", " 个百分点", "个百分点 ")


def _plain(text: str) -> None:
    for bad in ENGLISH_SPACING:
        assert bad not in text, text
    assert not re.search(r"同比 ?-?\d", text), text  # growth after 同比 in words, not a sign
    assert "{" not in text, text  # every name the template uses was filled


def test_growth_in_words() -> None:
    assert change_zh(3.2) == "增长3.2%"
    assert change_zh(-5.4) == "下降5.4%"
    assert change_zh(-0.04) == "持平"


@pytest.mark.parametrize("rule", CONFIG.rules, ids=lambda r: r.code)
def test_every_rule_says_growth_in_words(rule) -> None:  # noqa: ANN001
    names = set(re.findall(r"{(\w+)}", rule.explanation.zh))
    for sign in (-1.0, 1.0):
        values = {n.removesuffix("_change"): sign * 5.4 for n in names}
        values.update(drop=10.0, runs=3, periods=3, top=3, n=24)
        zh = fill_explanation(rule.explanation.zh, values)
        _plain(zh)
        if "value_change" in names:
            assert ("同比下降5.4%" if sign < 0 else "同比增长5.4%") in zh, zh


def test_real_analysis_explains_in_chinese_words(ctx: Context) -> None:
    """The built-in store analysed as of two dates: a downturn (2023) and today."""
    for when in (date(2023, 3, 31), None):
        run_analysis(ctx, when)
    warnings = list_warnings(ctx, ANALYST)
    assert warnings
    rules = {w["rule"] for w in warnings}
    assert len(rules) >= 3, rules
    for w in warnings:
        _plain(w["explanation_zh"])
    # English explanations keep their figures with a sign
    assert any(re.search(r"grew -?\d", w["explanation_en"]) for w in warnings)
