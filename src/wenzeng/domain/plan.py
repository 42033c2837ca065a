"""A stable-growth action plan: identity, targets, measures, reporting obligations.

Plans are YAML files (see ``docs/plan-format.md``); these models are their
schema.  The 2023–2024 electronic information manufacturing plan ships in
``wenzeng/catalog/plans/``; any other plan written to the same schema loads
without code changes.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from wenzeng.domain.catalog import Measure
from wenzeng.domain.links import is_web_url
from wenzeng.domain.periods import PeriodType
from wenzeng.domain.text import I18n

PLAN_SCHEMA = "wenzeng/plan/v1"


class Comparator(StrEnum):
    GT = "gt"  # 超过 / 突破
    GE = "ge"  # 不低于 / 达到
    LT = "lt"  # 低于
    LE = "le"  # 不高于
    APPROX = "approx"  # 左右: within ``tolerance``

    @property
    def symbol(self) -> str:
        return {"gt": ">", "ge": "≥", "lt": "<", "le": "≤", "approx": "≈"}[self.value]


class Computation(StrEnum):
    """How the figure compared with a target is computed from observations."""

    VALUE_AT_END = "value_at_end"  # the value for the final period (e.g. 2024 output)
    AVERAGE_ANNUAL_GROWTH = "average_annual_growth"  # compounded mean of annual YoY growth
    COUNT_ABOVE = "count_above"  # how many entities of a kind pass a threshold (5 provinces)
    RANK = "rank"  # the entity's rank (1 = first) from an indicator published as a rank
    QUALITATIVE = "qualitative"  # no number: tracked by the progress reported


class Strictness(StrEnum):
    BINDING = "binding"  # 约束性
    EXPECTED = "expected"  # 预期性


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Party(_Model):
    code: str = Field(pattern=r"^[A-Za-z0-9_\-]+$")
    name: I18n


class Source(_Model):
    title: str
    url: str | None = None

    @field_validator("url")
    @classmethod
    def _web_address(cls, url: str | None) -> str | None:
        if url is not None and not is_web_url(url):
            raise ValueError("the source url must be an http:// or https:// address")
        return url


class PlanPeriod(_Model):
    start: int = Field(ge=1990, le=2100, description="first year")
    end: int = Field(ge=1990, le=2100, description="last year")

    @model_validator(mode="after")
    def _ordered(self) -> PlanPeriod:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")
        return self


class Target(_Model):
    """One target of a plan.

    ``indicator``, ``measure``, ``comparator``, ``value`` and ``unit`` are required for
    every computation but ``qualitative``; ``count_above`` also needs ``threshold`` and
    ``entity_kind`` (and ``threshold_unit`` when the threshold is a level).  See
    ``docs/plan-format.md``.
    """

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: I18n
    text_zh: str = Field(min_length=1, description="the plan's own words")
    # optional in the file (a qualitative target has none); read them through the properties
    # below, which refuse a qualitative target, or through the ``*_`` fields, which may be None
    indicator_: str | None = Field(default=None, alias="indicator")
    entity: str = "CN"
    measure_: Measure | None = Field(default=None, alias="measure")
    period_type: PeriodType = PeriodType.YEAR
    comparator_: Comparator | None = Field(default=None, alias="comparator")
    value_: float | None = Field(default=None, alias="value")
    unit_: str | None = Field(default=None, alias="unit")
    tolerance: float | None = Field(default=None, ge=0, description="half-width for 左右")
    period: PlanPeriod
    computation: Computation
    threshold: float | None = Field(default=None, description="count_above: each entity's bar")
    threshold_comparator: Comparator = Comparator.GT
    threshold_unit: str | None = Field(default=None, description="count_above: the bar's unit")
    entity_kind: str | None = Field(default=None, description="count_above: province, plan_city…")
    headline: bool = True
    strictness: Strictness = Strictness.EXPECTED
    scope_note: I18n | None = None

    @property
    def is_qualitative(self) -> bool:
        return self.computation is Computation.QUALITATIVE

    def _quantified(self, name: str) -> Any:
        got = getattr(self, name + "_")
        if got is None:
            raise ValueError(
                f"目标 {self.code} 为定性目标，没有{name} / target {self.code} is qualitative: "
                f"it has no {name}"
            )
        return got

    @property
    def indicator(self) -> str:
        return str(self._quantified("indicator"))

    @property
    def measure(self) -> Measure:
        return Measure(self._quantified("measure"))

    @property
    def comparator(self) -> Comparator:
        return Comparator(self._quantified("comparator"))

    @property
    def value(self) -> float:
        return float(self._quantified("value"))

    @property
    def unit(self) -> str:
        return str(self._quantified("unit"))

    def goal_text(self) -> str:
        """The goal as a reader sees it: ``≥5个``, ``≈7%±0.5``; 定性目标 when qualitative."""
        if self.is_qualitative:
            return "定性目标"
        tol = f"±{self.tolerance:g}" if self.tolerance else ""
        return f"{self.comparator.symbol}{self.value:g}{self.unit}{tol}"

    def summary(self) -> dict[str, Any]:
        """What a reader needs to know of the target beside any figure about it."""
        out: dict[str, Any] = {
            "target": self.code,
            "title_zh": self.title.zh,
            "title_en": self.title.en,
            "text_zh": self.text_zh,
            "computation": self.computation.value,
            "indicator": self.indicator_,
            "comparator": self.comparator_.value if self.comparator_ else None,
            "value": self.value_,
            "unit": self.unit_,
            "tolerance": self.tolerance,
        }
        if self.computation is Computation.COUNT_ABOVE:
            out |= {
                "threshold": self.threshold,
                "threshold_comparator": self.threshold_comparator.value,
                "threshold_unit": self.threshold_unit,
                "entity_kind": self.entity_kind,
            }
        return out

    @model_validator(mode="after")
    def _complete(self) -> Target:
        problems: list[str] = []
        if not self.is_qualitative:
            problems += [
                f"{name} is required for computation {self.computation.value}"
                for name in ("indicator", "measure", "comparator", "value", "unit")
                if getattr(self, name + "_") is None
            ]
        count = self.computation is Computation.COUNT_ABOVE
        if count:
            if self.threshold is None:
                problems.append("count_above needs a threshold")
            if not self.entity_kind:
                problems.append("count_above needs an entity_kind (province, plan_city…)")
        else:
            problems += [
                f"{name} is only meaningful for count_above"
                for name in ("threshold", "threshold_unit", "entity_kind")
                if getattr(self, name) is not None
            ]
        if self.comparator_ is Comparator.APPROX and self.tolerance is None:
            problems.append("a '左右' (approx) target needs a tolerance")
        if self.comparator_ is not Comparator.APPROX and self.tolerance is not None:
            problems.append("tolerance is only meaningful for an approx target")
        if count and self.threshold_comparator is Comparator.APPROX:
            problems.append("threshold_comparator cannot be approx")
        if problems:
            raise ValueError("; ".join(problems))
        return self


class Area(_Model):
    code: str = Field(pattern=r"^[A-Za-z0-9_.\-]+$")
    kind: Literal["measure", "safeguard"]
    title: I18n


class PlanMeasure(_Model):
    """One measure (工作举措) or safeguard (保障措施) of the plan."""

    code: str = Field(pattern=r"^[A-Za-z0-9_.\-]+$")
    area: str
    title: I18n
    text: str = Field(min_length=1, description="the plan's text, in Chinese")
    responsible: list[str] = Field(default_factory=list, description="party codes")
    deliverables: list[I18n] = Field(default_factory=list)
    indicators: list[str] = Field(default_factory=list)


class ReporterKind(StrEnum):
    PROVINCE = "province"
    PLAN_CITY = "plan_city"
    XPCC = "xpcc"
    ASSOCIATION = "association"
    ENTERPRISE = "enterprise"
    MINISTRY = "ministry"


class Due(_Model):
    """When something is due: a fixed day of a month, relative to the period."""

    month: int | None = Field(default=None, ge=1, le=12, description="for annual obligations")
    day: int = Field(ge=1, le=31)
    months_after_period: int | None = Field(default=None, ge=0, le=12)


class ReportingObligation(_Model):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: I18n
    reporters: list[ReporterKind] = Field(min_length=1)
    frequency: Literal["monthly", "quarterly", "annual"]
    due: Due | None = None
    form: str | None = Field(default=None, description="form code, when a form exists")
    text_zh: str


class Plan(_Model):
    schema_: Literal["wenzeng/plan/v1"] = Field(alias="schema")
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]*$")
    title: I18n
    short_title: I18n | None = None
    document_number: str
    issuers: list[Party] = Field(min_length=1)
    issued: date
    period: PlanPeriod
    scope: I18n
    sectors: list[str] = Field(default_factory=list)
    source: Source
    parties: list[Party] = Field(default_factory=list, description="responsible parties")
    targets: list[Target] = Field(min_length=1)
    areas: list[Area] = Field(min_length=1)
    measures: list[PlanMeasure] = Field(min_length=1)
    obligations: list[ReportingObligation] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references(self) -> Plan:
        problems: list[str] = []
        for label, items in (
            ("targets", self.targets),
            ("areas", self.areas),
            ("measures", self.measures),
            ("obligations", self.obligations),
        ):
            seen: set[str] = set()
            for item in items:
                if item.code in seen:
                    problems.append(f"{label}: duplicate code {item.code!r}")
                seen.add(item.code)
        areas = {a.code for a in self.areas}
        parties = {p.code for p in self.parties} | {p.code for p in self.issuers}
        for m in self.measures:
            if m.area not in areas:
                problems.append(f"measure {m.code!r}: unknown area {m.area!r}")
            problems.extend(
                f"measure {m.code!r}: unknown responsible party {r!r}"
                for r in m.responsible
                if r not in parties
            )
        for t in self.targets:
            if not (self.period.start <= t.period.start <= t.period.end <= self.period.end):
                problems.append(f"target {t.code!r}: period outside the plan's period")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def target(self, code: str) -> Target:
        for t in self.targets:
            if t.code == code:
                return t
        raise KeyError(code)

    @property
    def headline_targets(self) -> list[Target]:
        return [t for t in self.targets if t.headline]
