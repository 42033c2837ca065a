"""Early-warning rules and signal thresholds as data (``wenzeng/catalog/warnings.yaml``).

The plan asks for 预警分析 of 苗头性 (emerging), 倾向性 (trending) and 潜在性
(latent) problems.  Each rule names a detector, the series it watches, its
parameters and thresholds, and the words of its explanation; changing a
threshold is an edit of the file, not of code.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, SerializeAsAny, ValidationError, model_validator

# the detectors' names and parameter models live in detector_kinds; re-exported here
from wenzeng.domain.detector_kinds import KINDS
from wenzeng.domain.detector_kinds import Detector as Detector
from wenzeng.domain.detector_kinds import Params as Params
from wenzeng.domain.labels import WARNING_CLASS
from wenzeng.domain.text import I18n
from wenzeng.domain.uniqueness import refuse_repeated

P = TypeVar("P", bound=Params)


class Klass(StrEnum):
    EMERGING = "emerging"  # 苗头性
    TRENDING = "trending"  # 倾向性
    LATENT = "latent"  # 潜在性

    @property
    def zh(self) -> str:
        return WARNING_CLASS[self.value][0]


class SeriesSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    indicator: str
    measure: Literal["level", "yoy_pct", "share_pct"] = "yoy_pct"
    period_type: Literal["month", "cum_month", "quarter", "year"] = "month"
    entities: Literal["nation", "regions", "enterprises", "all"] = "nation"


class BaseEffect(BaseModel):
    """Judge growth on the two-year average in the year after an abnormal one
    (docs/methods.md#base-effects): a year is abnormal when a growth rate of the series, or
    of the nation's series of a ``reference`` indicator (the industry's headline figures,
    for a series whose own abnormal months were not published), fell below ``below`` (%)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    below: float = -5.0
    reference: list[str] = Field(default_factory=list)


class WarningRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    klass: Klass = Field(alias="class")
    detector: Detector
    title: I18n
    series: list[SeriesSpec] = Field(default_factory=list)
    # the detector's parameter model (domain.detector_kinds), checked when the file loads
    params: SerializeAsAny[Params] = Field(default_factory=Params)
    base_effect: BaseEffect | None = None
    # severity cut-offs on the detector's strength (e.g. |z|, points, probability)
    severity: dict[Literal["high", "medium", "low"], float] = Field(default_factory=dict)
    explanation: I18n  # with {placeholders} filled from the evidence
    source: str = Field(description="the method it follows (docs/methods.md section, paper)")

    @model_validator(mode="before")
    @classmethod
    def _typed_params(cls, data: Any) -> Any:
        """Read ``params`` with the detector's model: an undeclared key or a value of the
        wrong type is refused, naming the rule and the key."""
        if not isinstance(data, dict):
            return data
        try:
            kind = KINDS[Detector(str(data.get("detector")))]
        except (ValueError, KeyError):
            return data  # the detector field itself reports an unknown detector
        code, detector = data.get("code", "?"), data.get("detector")
        raw = data.get("params")
        if isinstance(raw, Params):
            return data
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise ValueError(
                f"预警规则 {code}：params 须为键值表 / warning rule {code}: params must be a mapping"
            )
        allowed = list(kind.params.model_fields)
        unknown = sorted(str(k) for k in raw if k not in kind.params.model_fields)
        if unknown:
            keys = ", ".join(unknown)
            known = ", ".join(allowed) or "无 / none"
            raise ValueError(
                f"预警规则 {code}：检测方法 {detector} 没有参数 {keys}（可用：{known}）/ "
                f"warning rule {code}: detector {detector} has no parameter {keys} "
                f"(allowed: {known})"
            )
        try:
            params = kind.params.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            key = ".".join(str(part) for part in first["loc"])
            raise ValueError(
                f"预警规则 {code}：参数 {key} 的值 {raw.get(key)!r} 不合要求 / warning rule "
                f"{code}: parameter {key}: {first['msg']}"
            ) from None
        return {**data, "params": params}

    @model_validator(mode="after")
    def _needs_series(self) -> WarningRule:
        if KINDS[self.detector].needs_series and not self.series:
            raise ValueError(f"rule {self.code}: a {self.detector.value} rule needs series")
        return self

    def params_as(self, kind: type[P]) -> P:
        """The rule's parameters as the model ``kind`` its detector declares."""
        if not isinstance(self.params, kind):
            raise TypeError(f"rule {self.code}: params are {type(self.params).__name__}")
        return self.params

    def needed_series(self) -> list[SeriesSpec]:
        """The series the rule watches and those its detector also reads."""
        out = list(self.series)
        for change in KINDS[self.detector].also_reads(self.params):
            out += [s.model_copy(update=change) for s in self.series]
        for code in self.base_effect.reference if self.base_effect else []:
            out += [
                s.model_copy(update={"indicator": code, "entities": "nation"}) for s in self.series
            ]
        return out


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
        refuse_repeated((r.code for r in self.rules), "rule")
        return self
