"""The typed registry of warning detectors: each one's name, parameter model, the series it
needs besides the one it watches, and the labels of the evidence it gives.

``warnings.yaml`` (and a user's catalogue file) is checked against this registry when it
loads: a parameter a detector does not declare, or a value of the wrong type, is refused
with the rule and the key named, in Chinese and English — a misspelt key never silently
becomes its default.  Adding a detector touches this file (its kind), the engine
(:mod:`wenzeng.analysis.warnings`: the function, in ``DETECTORS``) and the rules that use
it (docs/extending.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

Label = tuple[str, str]  # (Chinese, English)


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


class Params(BaseModel):
    """A detector's parameters: only the declared keys, each with its type and default."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class RobustBreakParams(Params):
    window: int = Field(24, ge=3, description="months of history the latest is compared with")
    min_points: int = Field(8, ge=3, description="known months needed to judge")
    threshold: float = Field(3.5, gt=0, description="|modified z| that fires")


class SuddenDropParams(Params):
    points: float = Field(10, gt=0, description="fall in one period, in points")


class SignalColdParams(Params):
    max_score: int = Field(2, ge=1, le=4, description="the coldest light score that fires")


class DeclinesParams(Params):
    n: int = Field(3, ge=1, description="declines in a row")
    min_total_drop: float = Field(0.0, ge=0, description="total fall needed, in points")


class ChangePointParams(Params):
    min_size: int = Field(3, ge=1, description="shortest segment (PELT)")
    recent: int = Field(6, ge=1, description="the break must be in the last so many months")
    min_shift: float = Field(3.0, description="fall of the level needed, in points")


class TargetRiskParams(Params):
    pass


class RisingStockParams(Params):
    against: str = Field("revenue_elec", description="the indicator a stock must outgrow")
    gap: float = Field(10, description="excess growth, in points")
    periods: int = Field(3, ge=1, description="months in a row")


class ConcentrationParams(Params):
    top: int = Field(3, ge=1, description="leading regions counted")
    share: float = Field(75, gt=0, le=100, description="their share of the growth that fires (%)")


class DivergenceParams(Params):
    gap: float = Field(8, description="shortfall against the nation, in points")
    periods: int = Field(3, ge=1, description="months in a row")


# the evidence every finding carries, and what a finding adds about its figures' sources
COMMON_EVIDENCE: dict[str, Label] = {
    "indicator": ("指标", "indicator"),
    "entity": ("地区/主体", "entity"),
    "measure": ("口径", "measure"),
    "period_type": ("期间类型", "period type"),
    "period": ("期间", "period"),
    "equivalents": ("取自同口径序列的数据", "figures from an equivalent series"),
    "basis": ("判断依据", "judged on"),
    "abnormal_year": ("基数异常年份", "abnormal base year"),
}


@dataclass(frozen=True)
class DetectorKind:
    """What the engine and the loader need to know of a detector."""

    params: type[Params]
    evidence: dict[str, Label]
    needs_series: bool = True
    # the series needed besides each watched one, as changes to its spec
    also_reads: Callable[[Params], list[dict[str, str]]] = field(default=lambda _p: [])


def _against(p: Params) -> list[dict[str, str]]:
    assert isinstance(p, RisingStockParams)
    return [{"indicator": p.against}]


# the labels of the evidence the detectors give, each written once (a detector names its keys)
EVIDENCE: dict[str, Label] = {
    "value": ("数值", "value"),
    "median": ("近期中位数", "recent median"),
    "z": ("稳健z值", "robust z"),
    "n": ("参照期数", "periods compared"),
    "previous": ("上期数值", "previous value"),
    "drop": ("降幅（百分点）", "drop (points)"),
    "score": ("信号灯分值", "light score"),
    "light": ("信号灯", "light"),
    "light_en": ("信号灯（英文）", "light (English)"),
    "thresholds": ("信号灯分界", "light cut-offs"),
    "start": ("起始值", "starting value"),
    "runs": ("连续回落期数", "periods falling in a row"),
    "before": ("变点前中枢", "level before"),
    "after": ("变点后中枢", "level after"),
    "break_period": ("变点期间", "break period"),
    "break_period_code": ("变点期间代码", "break period code"),
    "target": ("目标", "target"),
    "status": ("状态", "status"),
    "figure": ("评估数值", "figure"),
    "probability": ("达标概率", "probability of meeting"),
    "excess": ("本期超出（百分点）", "excess now (points)"),
    "gap": ("阈值（百分点）", "threshold (points)"),
    "periods": ("持续期数", "periods"),
    "share": ("前几位合计占比（%）", "share of the leaders (%)"),
    "top": ("统计前几位", "leaders counted"),
    "growth": ("合计增速（%）", "total growth (%)"),
    "leaders": ("主要贡献地区", "leading regions"),
    "leaders_codes": ("主要贡献地区代码", "leading region codes"),
    "nation": ("全国数值", "national value"),
    "shortfall": ("低于全国（百分点）", "shortfall (points)"),
}


def _kind(
    params: type[Params],
    *evidence: str,
    of_value: bool = True,
    needs_series: bool = True,
    also_reads: Callable[[Params], list[dict[str, str]]] = lambda _p: [],
) -> DetectorKind:
    """A detector's kind from its parameter model and the keys of its evidence; a detector
    that judges one watched figure (``of_value``) gives that figure, ``value``, first."""
    keys = ("value", *evidence) if of_value else evidence
    return DetectorKind(params, {k: EVIDENCE[k] for k in keys}, needs_series, also_reads)


KINDS: dict[Detector, DetectorKind] = {
    Detector.ROBUST_BREAK: _kind(RobustBreakParams, "median", "z", "n"),
    Detector.SUDDEN_DROP: _kind(SuddenDropParams, "previous", "drop"),
    Detector.SIGNAL_COLD: _kind(SignalColdParams, "score", "light", "light_en", "thresholds"),
    Detector.CONSECUTIVE_DECLINES: _kind(DeclinesParams, "start", "runs", "drop"),
    Detector.CHANGE_POINT: _kind(
        ChangePointParams, "before", "after", "break_period", "break_period_code"
    ),
    Detector.TARGET_RISK: _kind(
        TargetRiskParams,
        "target",
        "status",
        "figure",
        "probability",
        of_value=False,
        needs_series=False,
    ),
    Detector.RISING_STOCK: _kind(
        RisingStockParams, "excess", "gap", "periods", also_reads=_against
    ),
    Detector.CONCENTRATION: _kind(
        ConcentrationParams, "share", "top", "growth", "leaders", "leaders_codes", of_value=False
    ),
    Detector.DIVERGENCE: _kind(
        DivergenceParams,
        "nation",
        "gap",
        "periods",
        "shortfall",
        also_reads=lambda _p: [{"entities": "nation"}],
    ),
}


def evidence_label(key: str, lang: str) -> str:
    """The label of an evidence field, from the common ones or any detector's."""
    found = COMMON_EVIDENCE.get(key) or EVIDENCE.get(key)
    if found is None:
        return key
    return found[1] if lang == "en" else found[0]
