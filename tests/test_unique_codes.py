"""A warning rule or a backtest episode given twice under one code is refused, naming it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from wenzeng.definitions.warning_file import builtin_warnings
from wenzeng.domain.episodes import EpisodeFile
from wenzeng.domain.uniqueness import repeated
from wenzeng.domain.warning_rules import WarningConfig
from wenzeng.services.backtest import episodes


def test_repeated_codes_are_named_once_each_sorted() -> None:
    assert repeated(["b", "a", "b", "c", "a", "b"]) == ["a", "b"]
    assert repeated(["a", "b"]) == []


def test_a_rule_code_given_twice_is_refused() -> None:
    doc = builtin_warnings().model_dump(by_alias=True, mode="json")
    first = doc["rules"][0]
    doc["rules"].append(first)
    with pytest.raises(ValidationError, match=f"duplicate rule codes: {first['code']} \\["):
        WarningConfig.model_validate(doc)


def test_an_episode_code_given_twice_is_refused() -> None:
    doc = episodes().model_dump(by_alias=True, mode="json")
    assert EpisodeFile.model_validate(doc) == episodes()  # the shipped file passes
    second = doc["episodes"][1]
    doc["episodes"] += [second, second]
    with pytest.raises(ValidationError, match=f"duplicate episode codes: {second['code']} \\["):
        EpisodeFile.model_validate(doc)
