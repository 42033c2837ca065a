"""Every label table covers every value of its enum or code list."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import get_args

import pytest

from wenzeng.analysis.tracking import FigureKind
from wenzeng.analysis.tracking import Status as TargetStatus
from wenzeng.auth.principal import Role
from wenzeng.domain import forms as form_defs
from wenzeng.domain import issues, labels
from wenzeng.domain.catalog import EntityKind, Frequency, Measure
from wenzeng.domain.observation import QUALIFIER_TEXT
from wenzeng.domain.periods import PeriodType
from wenzeng.domain.submissions import Action, IllegalTransition, Status, next_status
from wenzeng.domain.values import _QUALIFIERS
from wenzeng.domain.warning_rules import Klass, WarningRule
from wenzeng.reports.definition import REPORT_KINDS
from wenzeng.services import demo, early_warning, tracker


def codes(values: Iterable[StrEnum | str]) -> set[str]:
    return {str(v) for v in values}


COVERAGE: list[tuple[str, labels.Labels, set[str]]] = [
    ("submission status", labels.SUBMISSION_STATUS, codes(Status)),
    ("submission action", labels.SUBMISSION_ACTION, codes(Action)),
    ("reporting status", labels.REPORTING_STATUS, codes(Status) | {tracker.MISSING}),
    ("tracker filter", labels.TRACKER_FILTER, codes(Status) | {tracker.MISSING, "late"}),
    ("issue severity", labels.ISSUE_SEVERITY, codes(issues.Severity)),
    ("form check severity", labels.ISSUE_SEVERITY, codes(form_defs.Severity)),
    ("measure", labels.MEASURE, codes(Measure)),
    ("period type", labels.PERIOD_TYPE, codes(PeriodType)),
    ("frequency", labels.FREQUENCY, codes(Frequency)),
    ("qualifier", labels.QUALIFIER, {q for _, q in _QUALIFIERS} | {""}),
    (
        "source kind",
        labels.SOURCE_KIND,
        {"published", "import", "submission", demo.SOURCE_KIND},
    ),
    ("entity kind", labels.ENTITY_KIND, codes(EntityKind)),
    ("role", labels.ROLE, codes(Role)),
    ("target status", labels.TARGET_STATUS, codes(TargetStatus)),
    ("figure kind", labels.FIGURE_KIND, codes(FigureKind)),
    ("warning class", labels.WARNING_CLASS, codes(Klass)),
    (
        "warning severity",
        labels.WARNING_SEVERITY,
        set(get_args(get_args(WarningRule.model_fields["severity"].annotation)[0])),
    ),
    ("warning status", labels.WARNING_STATUS, set(early_warning.OPEN) | {"closed"}),
    ("report kind", labels.REPORT_KIND, set(REPORT_KINDS)),
    ("language", labels.LANGUAGE, {"zh", "en"}),
]


@pytest.mark.parametrize(("name", "table", "expected"), COVERAGE, ids=[c[0] for c in COVERAGE])
def test_each_table_covers_its_codes(name: str, table: labels.Labels, expected: set[str]) -> None:
    assert set(table) == expected, name


@pytest.mark.parametrize(("name", "table", "expected"), COVERAGE, ids=[c[0] for c in COVERAGE])
def test_every_label_has_both_languages(
    name: str, table: labels.Labels, expected: set[str]
) -> None:
    for code, (zh, en) in table.items():
        if table is labels.QUALIFIER and code == "":
            continue  # an exact figure carries no qualifier word
        assert zh.strip() and en.strip(), (name, code)


def test_the_domain_reads_its_words_from_the_labels() -> None:
    assert Status.SUBMITTED.label_zh == labels.SUBMISSION_STATUS["submitted"][0] == "已报送待审核"
    assert TargetStatus.AT_RISK.zh == "有风险" and TargetStatus.AT_RISK.en == "at risk"
    assert Klass.LATENT.zh == "潜在性"
    assert QUALIFIER_TEXT is labels.QUALIFIER
    with pytest.raises(IllegalTransition) as err:
        next_status(Status.SUBMITTED, Action.SUBMIT)
    assert "已报送待审核" in err.value.zh and "不能报送" in err.value.zh


def test_a_cumulative_period_reads_as_in_the_data_docs() -> None:
    assert labels.PERIOD_TYPE["cum_month"] == ("1-n月累计", "year to date")


def test_reading_helpers() -> None:
    assert labels.text(labels.MEASURE, "yoy_pct", "en") == "YoY growth"
    assert labels.text(labels.MEASURE, "yoy_pct", "zh") == "同比增速"
    assert labels.text(labels.MEASURE, None, "zh") == ""
    assert labels.pair(labels.MEASURE, "unknown") == ("unknown", "unknown")
    assert labels.options(labels.WARNING_SEVERITY)[0] == {"value": "high", "zh": "高", "en": "high"}
    assert labels.options(labels.LANGUAGE, "code")[1] == {
        "code": "en",
        "zh": "英文",
        "en": "English",
    }
