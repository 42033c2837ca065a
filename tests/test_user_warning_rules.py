"""Warning rules and signal lights from a user's catalogue file (its ``warnings:`` section):
stored like the other catalogue entries, checked as the built-in ones, run beside them, and
never shadowing a built-in rule or signal."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from wenzeng.errors import ValidationFailed
from wenzeng.services.context import Context
from wenzeng.services.early_warning import analyse, warning_config
from wenzeng.services.user_catalog import load_catalog_file, remove_user_entry

RULE = """
    - code: va_monthly_dip
      class: emerging
      detector: sudden_drop
      title: {zh: 增加值单月增速骤降, en: Value added dips in one month}
      series:
        - {indicator: va_elec, measure: yoy_pct, period_type: month}
      params: {points: 5}
      severity: {high: 10, medium: 5}
      explanation:
        zh: "{entity}{indicator}{period}同比 {value}%，较上期下降 {drop} 个百分点。"
        en: "{indicator} for {entity} grew {value}% in {period}, {drop} points below the period before."
      source: "a local rule of the department"
"""
SIGNAL = """
    - indicator: va_cce
      period_type: cum_month
      thresholds: [0, 5, 12, 16]
"""


def _file(tmp_path: Path, rules: str = RULE, signals: str = SIGNAL) -> Path:
    path = tmp_path / "local.yaml"
    text = "schema: wenzeng/catalog-extension/v1\nwarnings:\n"
    if rules:
        text += "  rules:" + rules
    if signals:
        text += "  signals:" + signals
    path.write_text(text, encoding="utf-8")
    return path


def _problems(exc: ValidationFailed) -> str:
    return " ".join(f"{i.msg_zh} / {i.msg_en} @{i.loc.line}" for i in exc.issues)


def test_a_user_rule_is_stored_and_runs_beside_the_built_in_ones(
    ctx: Context, tmp_path: Path
) -> None:
    done = load_catalog_file(ctx, _file(tmp_path))
    assert set(done.new) == {("warning_rule", "va_monthly_dip"), ("warning_signal", "va_cce")}
    config = warning_config(ctx.user_entries)
    assert config.rules[-1].code == "va_monthly_dip" and config.signals[-1].indicator == "va_cce"
    assert len(config.rules) == len(warning_config().rules) + 1
    # the 2022-12 run: value added fell from 9.4 % in October to −1.1 % in November
    result = analyse(ctx, date(2022, 12, 31), published_only=True)
    dips = [f for f in result.findings if f.rule == "va_monthly_dip"]
    assert [(f.period, f.evidence["drop"]) for f in dips] == [("2022-11", 10.5)]
    assert dips[0].severity == "high"
    assert load_catalog_file(ctx, _file(tmp_path)).same  # an identical reload changes nothing
    remove_user_entry(ctx, "warning_rule", "va_monthly_dip")
    assert [r.code for r in warning_config(ctx.user_entries).rules] == [
        r.code for r in warning_config().rules
    ]


def test_a_user_rule_cannot_shadow_a_built_in_one(ctx: Context, tmp_path: Path) -> None:
    shadow = RULE.replace("va_monthly_dip", "growth_break")
    with pytest.raises(ValidationFailed) as caught:
        load_catalog_file(ctx, _file(tmp_path, shadow, SIGNAL.replace("va_cce", "va_elec")))
    text = _problems(caught.value)
    assert (
        "与内置预警规则 growth_break 同名" in text and "built-in warning_rule growth_break" in text
    )
    assert "built-in warning_signal va_elec" in text
    assert not ctx.user_entries


def test_a_user_rule_is_checked_as_a_built_in_one(ctx: Context, tmp_path: Path) -> None:
    misspelt = RULE.replace("{points: 5}", "{pionts: 5}")
    with pytest.raises(ValidationFailed) as caught:
        load_catalog_file(ctx, _file(tmp_path, misspelt, ""))
    text = _problems(caught.value)
    assert "预警规则 va_monthly_dip" in text and "pionts" in text and "allowed: points" in text
    unknown = RULE.replace("indicator: va_elec", "indicator: va_nowhere")
    with pytest.raises(ValidationFailed) as caught:
        load_catalog_file(ctx, _file(tmp_path, unknown, ""))
    assert "names unknown indicator 'va_nowhere'" in _problems(caught.value)
    with pytest.raises(ValidationFailed) as caught:
        load_catalog_file(ctx, _file(tmp_path, RULE + RULE, ""))
    assert "appears twice" in _problems(caught.value)
