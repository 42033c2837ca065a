"""Early-warning rules and signal thresholds as data (``wenzeng/catalog/warnings.yaml``).

The plan asks for 预警分析 of 苗头性 (emerging), 倾向性 (trending) and 潜在性
(latent) problems.  Each rule names a detector, the series it watches, its
parameters and thresholds, and the words of its explanation; changing a
threshold is an edit of the file, not of code.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from wenzeng.domain.labels import WARNING_CLASS
from wenzeng.domain.text import I18n


class Klass(StrEnum):
    EMERGING = "emerging"  # 苗头性
    TRENDING = "trending"  # 倾向性
    LATENT = "latent"  # 潜在性

    @property
    def zh(self) -> str:
        return WARNING_CLASS[self.value][0]


class Detector(StrEnum):
    ROBUST_BREAK = "robust_break"  # a break from the series' own recent behaviour
    SUDDEN_DROP = "sudden_drop"  # a fall of many points in one period (leading series)
    SIGNAL_COLD = "signal_cold"  # the signal light turns light blue or blue
    CONSECUTIVE_DECLINES = "consecutive_declines"  # n declines in a row
    CHANGE_POINT = "change_point"  # a recent downward shift in level (PELT)
    TARGET_RISK = "target_risk"  # a target projected to be missed
    RISING_STOCK = "rising_stock"  # inventory or receivables outgrowing revenue
    CONCENTRATION = "concentration"  # growth carried by very few regions
    DIVERGENCE = "divergence"  # a region falling behind the nation


class SeriesSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    indicator: str
    measure: Literal["level", "yoy_pct", "share_pct"] = "yoy_pct"
    period_type: Literal["month", "cum_month", "quarter", "year"] = "month"
    entities: Literal["nation", "regions", "enterprises", "all"] = "nation"


class BaseEffect(BaseModel):
    """Judge growth on the two-year average in the year after an abnormal one
    (docs/methods.md#base-effects): a year is abnormal when a growth rate of the series
    fell below ``below`` (%)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    below: float = -5.0


class WarningRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    klass: Klass = Field(alias="class")
    detector: Detector
    title: I18n
    series: list[SeriesSpec] = Field(default_factory=list)
    params: dict[str, Any] = Field(default_factory=dict)
    base_effect: BaseEffect | None = None
    # severity cut-offs on the detector's strength (e.g. |z|, points, probability)
    severity: dict[Literal["high", "medium", "low"], float] = Field(default_factory=dict)
    explanation: I18n  # with {placeholders} filled from the evidence
    source: str = Field(description="the method it follows (docs/methods.md section, paper)")

    @model_validator(mode="after")
    def _needs_series(self) -> WarningRule:
        if self.detector is not Detector.TARGET_RISK and not self.series:
            raise ValueError(f"rule {self.code}: a {self.detector.value} rule needs series")
        return self


class SignalIndicator(BaseModel):
    """One component of the signal-light system and the composite index."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    indicator: str
    measure: Literal["yoy_pct", "level", "share_pct"] = "yoy_pct"
    period_type: Literal["month", "cum_month"] = "cum_month"
    # four cut-offs between the five lights (blue | light blue | green | yellow | red);
    # absent: taken from the series' own history (10/25/75/90th percentiles)
    thresholds: tuple[float, float, float, float] | None = None
    note: str | None = None


class WarningConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_: Literal["wenzeng/warnings/v1"] = Field(alias="schema")
    signals: list[SignalIndicator] = Field(min_length=1)
    rules: list[WarningRule] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> WarningConfig:
        codes = [r.code for r in self.rules]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise ValueError(f"duplicate rule codes: {', '.join(dupes)}")
        return self
