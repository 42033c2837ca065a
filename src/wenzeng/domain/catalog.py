"""Catalogue records: indicators, entities, sectors.

The records are data (``wenzeng/catalog/*.yaml``); these models are their
schema.  Nothing here reads files or touches a database.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from wenzeng.domain.periods import PeriodType
from wenzeng.domain.text import I18n


class Measure(StrEnum):
    """What a number measures about its indicator."""

    LEVEL = "level"  # the amount itself, in the indicator's unit
    YOY_PCT = "yoy_pct"  # growth on the same period a year earlier, %
    SHARE_PCT = "share_pct"  # a share of a whole, %


class SeriesKind(StrEnum):
    """The five forms in which Chinese statistics publish a figure."""

    LEVEL = "level"  # 当期水平
    CUM_LEVEL = "cum_level"  # 累计水平 (1-n月)
    YOY = "yoy"  # 当期同比 %
    CUM_YOY = "cum_yoy"  # 累计同比 %
    SHARE = "share"  # 占比 %

    @classmethod
    def of(cls, measure: Measure, period_type: PeriodType) -> SeriesKind:
        if measure is Measure.SHARE_PCT:
            return cls.SHARE
        cumulative = period_type in (PeriodType.CUM_MONTH, PeriodType.YEAR)
        if measure is Measure.LEVEL:
            return cls.CUM_LEVEL if cumulative else cls.LEVEL
        return cls.CUM_YOY if cumulative else cls.YOY


class Nature(StrEnum):
    """How an indicator's level behaves over time."""

    FLOW = "flow"  # adds up over months: output, revenue, profit
    STOCK = "stock"  # a position at a date: inventory, employment, receivables
    SHARE = "share"  # a ratio of two flows, %
    RATE = "rate"  # a rate or margin, %
    GROWTH = "growth"  # published only as growth (value added at constant prices)


class Polarity(StrEnum):
    POSITIVE = "positive"  # higher is better
    NEGATIVE = "negative"  # higher is worse (inventory, receivables, costs)
    NEUTRAL = "neutral"


class Aggregation(StrEnum):
    """How values of several entities combine into one."""

    SUM = "sum"  # levels add up (output, revenue)
    WEIGHTED_MEAN = "weighted_mean"  # growth rates and shares, weighted by ``weight_indicator``
    RATIO_OF_SUMS = "ratio_of_sums"  # numerator and denominator summed separately
    NONE = "none"  # not aggregable (published only at one level)


class Frequency(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUAL = "annual"


class Indicator(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=48)
    name: I18n
    unit: str | None = Field(
        default=None, description="canonical unit of the level; None when only rates are published"
    )
    frequency: Frequency
    nature: Nature
    measures: list[Measure] = Field(min_length=1)
    series_kinds: list[SeriesKind] = Field(min_length=1)
    polarity: Polarity = Polarity.POSITIVE
    aggregation: Aggregation
    weight_indicator: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    entity_kinds: list[str] = Field(default_factory=lambda: ["nation"], min_length=1)
    publisher: str | None = None
    scope: I18n | None = None
    sector: str | None = None
    same_as: list[str] = Field(
        default_factory=list,
        description="indicators that measure the same thing from another publisher; used, and "
        "said, when this one is not published",
    )
    lower_bound_from: list[str] = Field(
        default_factory=list,
        description="shares of disjoint parts of this share (e.g. single TV size classes): their "
        "sum is a lower bound when this one is not published",
    )
    leading: bool = Field(
        default=False, description="a leading indicator (orders, export delivery)"
    )
    aliases: list[str] = Field(
        default_factory=list,
        description="other names releases give it (手机, 营业收入); see indicators.yaml on sharing",
    )
    minimum: float | None = Field(
        default=None, description="the least value its level can take (0: never negative)"
    )
    part_of: list[str] = Field(
        default_factory=list,
        description="indicators whose level (or share) this one's can never exceed for the same "
        "entity and period: smartphones are part of phones",
    )
    description: I18n | None = None

    @model_validator(mode="after")
    def _check_consistency(self) -> Indicator:
        if Measure.LEVEL in self.measures and self.unit is None:
            raise ValueError("an indicator published as a level needs a unit")
        if self.aggregation is Aggregation.WEIGHTED_MEAN and not self.weight_indicator:
            raise ValueError("aggregation weighted_mean needs weight_indicator")
        if self.aggregation is Aggregation.RATIO_OF_SUMS and not (
            self.numerator and self.denominator
        ):
            raise ValueError("aggregation ratio_of_sums needs numerator and denominator")
        if self.minimum is not None and Measure.LEVEL not in self.measures:
            raise ValueError("minimum bounds the level: the indicator needs the level measure")
        if self.code in self.part_of:
            raise ValueError("an indicator cannot be part of itself")
        return self


class EntityKind(StrEnum):
    NATION = "nation"
    PROVINCE = "province"  # 省、自治区、直辖市
    PLAN_CITY = "plan_city"  # 计划单列市
    XPCC = "xpcc"  # 新疆生产建设兵团
    REGION_GROUP = "region_group"  # East, Central, West, Northeast, Jing-Jin-Ji
    CITY = "city"  # a prefecture-level city named in a release
    ASSOCIATION = "association"  # national industry association
    ENTERPRISE = "enterprise"


REPORTING_REGION_KINDS = (EntityKind.PROVINCE, EntityKind.PLAN_CITY, EntityKind.XPCC)


class Entity(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[A-Za-z0-9_\-]+$", max_length=40)
    kind: EntityKind
    name: I18n
    short_name: I18n | None = None
    parent: str | None = None
    aliases: list[str] = Field(default_factory=list)
    members: list[str] = Field(default_factory=list, description="for region groups")
    sectors: list[str] = Field(default_factory=list, description="for associations")
    tile: tuple[int, int] | None = Field(default=None, description="(row, col) on the tile map")
    simulated: bool = False


class Sector(BaseModel):
    """A class of GB/T 4754-2017 within the plan's scope."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^C\d{2,4}$")
    name: I18n
    parent: str | None = None
    in_plan_scope: bool = True
    note: I18n | None = None
