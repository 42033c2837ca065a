"""The typed detector registry: each detector declares its parameters (an undeclared key or
a wrong value is refused when the rules load, naming the rule and the key), the series it
also reads, and the labels of its evidence; the engine has a function for each."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from wenzeng.analysis.warnings import DETECTORS
from wenzeng.definitions.catalogue import catalog_dir
from wenzeng.definitions.yaml_doc import load_model
from wenzeng.domain.detector_kinds import (
    EVIDENCE,
    KINDS,
    Detector,
    RobustBreakParams,
    evidence_label,
)
from wenzeng.domain.warning_rules import WarningConfig
from wenzeng.errors import ValidationFailed
from wenzeng.services.early_warning import needed_specs, warning_config


def _with(tmp_path: Path, code: str, params: object) -> Path:
    doc = yaml.safe_load((catalog_dir() / "warnings.yaml").read_text(encoding="utf-8"))
    for rule in doc["rules"]:
        if rule["code"] == code:
            rule["params"] = params
    path = tmp_path / "warnings.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def _problems(exc: ValidationFailed) -> str:
    return " ".join(f"{i.msg_zh} {i.msg_en} {i.loc.line}" for i in exc.issues)


def test_a_misspelt_parameter_is_refused_naming_the_rule_and_the_key(tmp_path: Path) -> None:
    path = _with(tmp_path, "growth_break", {"window": 24, "treshold": 2.0})
    with pytest.raises(ValidationFailed) as caught:
        load_model(WarningConfig, path)
    text = _problems(caught.value)
    assert "预警规则 growth_break" in text and "treshold" in text
    assert "warning rule growth_break" in text and "allowed: window, min_points, threshold" in text


def test_a_parameter_of_the_wrong_kind_is_refused(tmp_path: Path) -> None:
    path = _with(tmp_path, "growth_slowing", {"n": "three"})
    with pytest.raises(ValidationFailed) as caught:
        load_model(WarningConfig, path)
    text = _problems(caught.value)
    assert "growth_slowing" in text and "参数 n" in text and "parameter n" in text
    path = _with(tmp_path, "signal_cold", {"max_score": 7})
    with pytest.raises(ValidationFailed, match="invalid definition file"):
        load_model(WarningConfig, path)


def test_the_built_in_rules_are_typed_and_complete() -> None:
    config = warning_config()
    rule = next(r for r in config.rules if r.code == "growth_break")
    assert rule.params == RobustBreakParams(window=24, min_points=8, threshold=3.5)
    # a rule left without params gets its detector's defaults
    bare = rule.model_dump(by_alias=True, mode="json") | {"params": {}}
    again = type(rule).model_validate(bare)
    assert again.params_as(RobustBreakParams).threshold == 3.5
    # every detector has its kind and its function in the engine
    assert set(KINDS) == set(Detector)
    assert set(DETECTORS) == {d for d in Detector if KINDS[d].needs_series}


def test_the_series_a_detector_also_reads_are_loaded() -> None:
    specs = needed_specs(warning_config())
    kinds = {(s.indicator, s.entities, s.period_type) for s in specs}
    # rising stock reads revenue beside each stock; divergence reads the nation
    assert ("revenue_elec", "regions", "month") in kinds
    assert ("revenue_elec", "nation", "cum_month") in kinds


def test_every_evidence_field_is_labelled() -> None:
    for kind in KINDS.values():
        for key in kind.evidence:
            assert evidence_label(key, "zh") != key and evidence_label(key, "en")
    assert evidence_label("equivalents", "zh") == "取自同口径序列的数据"
    assert evidence_label("basis", "en") == "judged on"
    assert evidence_label("drop", "en") == "drop (points)"
    assert evidence_label("no_such_field", "zh") == "no_such_field"


def test_each_evidence_label_is_given_by_some_detector() -> None:
    given = [key for kind in KINDS.values() for key in kind.evidence]
    assert set(EVIDENCE) == set(given)
    # the detectors that judge one watched figure give it first; the others do not give it
    for detector, kind in KINDS.items():
        watches_a_value = detector not in (Detector.TARGET_RISK, Detector.CONCENTRATION)
        assert (next(iter(kind.evidence)) == "value") is watches_a_value
