"""What every target assessment is made of: statuses, evidence, projections, the judging rules
and the picking of figures from observations.  The computations live in ``tracking`` (value at
end, average growth) and ``tracking_kinds`` (counts, ranks, qualitative targets)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any

from wenzeng.domain.catalog import Indicator, Measure
from wenzeng.domain.labels import TARGET_STATUS
from wenzeng.domain.observation import ObservationRecord
from wenzeng.domain.periods import PeriodType
from wenzeng.domain.plan import Comparator, Target
from wenzeng.domain.units import convert

# observations of one indicator and measure for the target's entity, as of the assessment date
Fetch = Callable[[str, str], list[ObservationRecord]]
# observations of one indicator and measure for any entity: (indicator, measure, entity)
FetchFor = Callable[[str, str, str], list[ObservationRecord]]


class Status(StrEnum):
    ACHIEVED = "achieved"  # 达标
    BASICALLY = "basically"  # 基本达标
    AT_RISK = "at_risk"  # 有风险
    UNLIKELY = "unlikely"  # 难以达标
    NO_DATA = "no_data"  # 无数据
    QUALITATIVE = "qualitative"  # 定性目标: judged on the progress reported, never a number

    @property
    def zh(self) -> str:
        return TARGET_STATUS[self.value][0]

    @property
    def en(self) -> str:
        return TARGET_STATUS[self.value][1]


class FigureKind(StrEnum):
    ACTUAL = "actual"
    ALTERNATE = "alternate"  # the same industry from another publisher
    DERIVED = "derived"
    LOWER_BOUND = "lower_bound"
    PROJECTED = "projected"
    NONE = "none"


@dataclass(frozen=True)
class Evidence:
    indicator: str
    period: str
    period_label_zh: str
    value: float
    unit: str | None
    qualifier: str
    source_title: str
    source_url: str | None
    vintage: str
    role: str  # used | related
    entity: str = ""
    publisher: str = ""  # who published the figure, where known
    release: str = ""  # the title of the release it was published in

    @classmethod
    def of(cls, r: ObservationRecord, role: str = "used") -> Evidence:
        return cls(
            r.indicator,
            r.period,
            r.period_obj.label_zh,
            r.value,
            r.unit,
            r.qualifier,
            r.source_title,
            r.source_url,
            r.vintage.isoformat(),
            role,
            r.entity,
            r.publisher or "",
            r.release or "",
        )


@dataclass(frozen=True)
class Projection:
    mean: float
    lower: float  # 80 % interval
    upper: float
    sd: float
    probability: float  # of meeting the target
    method: str
    basis: str  # what it was projected from
    analogues: int  # earlier years the pattern was taken from


@dataclass(frozen=True)
class ProgressNote:
    """Progress reported on a qualitative target: who, for which period, in their words."""

    reporter: str
    period: str
    text: str


@dataclass(frozen=True)
class Peers:
    """What counts and qualitative targets read beyond the target's own entity: any
    entity's observations, the entities of a kind (code, Chinese name), the progress
    reported on a target.  Absent parts leave those targets without data."""

    fetch: FetchFor | None = None
    entities: Callable[[str], list[tuple[str, str]]] | None = None
    progress: Callable[[Target], list[ProgressNote]] | None = None


@dataclass
class Assessment:
    target: Target
    as_of: date
    status: Status
    rule_zh: str
    rule_en: str
    figure: float | None = None
    figure_kind: FigureKind = FigureKind.NONE
    figure_note_zh: str = ""
    figure_note_en: str = ""
    evidence: list[Evidence] = field(default_factory=list)
    related: list[Evidence] = field(default_factory=list)
    projection: Projection | None = None
    required_zh: str = ""
    required_en: str = ""
    required_value: float | None = None
    progress: list[ProgressNote] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        t = self.target
        return {
            **t.summary(),
            "period": [t.period.start, t.period.end],
            "as_of": self.as_of.isoformat(),
            "status": self.status.value,
            "status_zh": self.status.zh,
            "status_en": self.status.en,
            "rule_zh": self.rule_zh,
            "rule_en": self.rule_en,
            "figure": self.figure,
            "figure_kind": self.figure_kind.value,
            "figure_note_zh": self.figure_note_zh,
            "figure_note_en": self.figure_note_en,
            "evidence": [e.__dict__ for e in self.evidence],
            "related": [e.__dict__ for e in self.related],
            "projection": self.projection.__dict__ if self.projection else None,
            "required_zh": self.required_zh,
            "required_en": self.required_en,
            "required_value": self.required_value,
            "progress": [p.__dict__ for p in self.progress],
        }


# -- judging a figure ---------------------------------------------------------------------------
def goal(t: Target) -> tuple[Comparator, float]:
    """The comparator and value of a quantified target (the plan validator ensures both)."""
    return t.comparator, t.value


def indicator_of(t: Target) -> str:
    return t.indicator


def measure_of(t: Target) -> str:
    return t.measure.value


def compare(comparator: Comparator, x: float, value: float, tolerance: float = 0) -> bool:
    if comparator is Comparator.APPROX:
        # "5 % 左右" for a growth target: reaching the band (or more) meets it
        return x >= value - tolerance
    return {
        Comparator.GT: x > value,
        Comparator.GE: x >= value,
        Comparator.LT: x < value,
        Comparator.LE: x <= value,
    }[comparator]


def meets(t: Target, x: float) -> bool:
    comparator, value = goal(t)
    return compare(comparator, x, value, t.tolerance or 0)


def _goal_text(t: Target) -> str:
    return t.goal_text()


def judged(x: float) -> str:
    """A figure as an assessment writes it, in its rule text, its figure note and its figure
    alike: four significant digits, and never fewer than its whole digits (2.995, 86.62,
    15433), so that a figure just short of a goal never reads as the goal."""
    whole = len(str(int(abs(x)))) if abs(x) >= 1 else 1
    return f"{x:.{max(4, whole)}g}"


def judged_value(x: float) -> float:
    """The figure an assessment gives: :func:`judged` as a number."""
    return float(judged(x))


def shown_digits(t: Target, x: float) -> str:
    """A figure as a headline writes it: to one decimal (7.5), with more digits only where
    one decimal would be judged otherwise than the figure itself (4.46 beside a floor of
    4.5 reads 4.46, never 4.5), so that the figure shown and its status always agree."""
    for decimals in range(1, 5):
        text = f"{x:.{decimals}f}"
        if t.is_qualitative or meets(t, float(text)) == meets(t, x):
            return text
    return judged(x)


def _approx_achieved(t: Target, x: float) -> tuple[Status, str, str] | None:
    """A "左右" goal met: within its band, or above it (reaching the band's floor meets a
    growth goal of about so much), said as such rather than as "满足 ≈5%±0.5"."""
    comparator, value = goal(t)
    tol = t.tolerance or 0
    if comparator is not Comparator.APPROX or not meets(t, x):
        return None
    unit = t.unit or ""
    fig = f"{judged(x)}{unit}"  # as the figure and its note write it
    band = f"{value - tol:g}{unit}–{value + tol:g}{unit}"
    if x <= value + tol:
        return (
            Status.ACHIEVED,
            f"目标期数据 {fig} 在目标 {_goal_text(t)} 的区间（{band}）内：达标",
            f"the figure for the target period, {fig}, lies within the band of "
            f"{_goal_text(t)} ({band}): achieved",
        )
    return (
        Status.ACHIEVED,
        f"目标期数据 {fig} 高于目标 {_goal_text(t)} 的区间（{band}），"
        f"“左右”目标以达到区间下限 {value - tol:g}{unit} 为达标，超出不算未达：达标（超过目标）",
        f"the figure for the target period, {fig}, is above the band of {_goal_text(t)} "
        f"({band}); a goal of about so much is met once its floor of {value - tol:g}{unit} "
        "is reached: achieved (exceeded)",
    )


def judge_final(t: Target, x: float, kind: FigureKind) -> tuple[Status, str, str]:
    comparator, value = goal(t)
    goal_ = _goal_text(t)
    approx = _approx_achieved(t, x)
    if approx is not None:
        return approx
    if meets(t, x):
        return (
            Status.ACHIEVED,
            f"目标期数据 {judged(x)}{t.unit or ''} 满足目标 {goal_}：达标",
            f"the figure for the target period, {judged(x)}{t.unit or ''}, meets {goal_}: achieved",
        )
    near = (
        (value - x) <= 0.05 * abs(value) if comparator in (Comparator.GT, Comparator.GE) else False
    )
    if comparator is Comparator.APPROX:
        near = x >= value - 2 * (t.tolerance or 0)
    if near:
        return (
            Status.BASICALLY,
            f"{judged(x)}{t.unit or ''} 略低于目标 {goal_}（差距在容差或5%以内）：基本达标",
            f"{judged(x)}{t.unit or ''} falls just short of {goal_} (within the tolerance or 5 %): "
            "basically on target",
        )
    return (
        Status.UNLIKELY,
        f"目标期已结束，{judged(x)}{t.unit or ''} 未达到目标 {goal_}：难以达标",
        f"the target period is over and {judged(x)}{t.unit or ''} misses {goal_}: not met",
    )


def judge_projection(t: Target, p: Projection) -> tuple[Status, str, str]:
    pr = f"{p.probability:.0%}"
    if p.probability >= 0.8:
        s = Status.BASICALLY
    elif p.probability >= 0.4:
        s = Status.AT_RISK
    else:
        s = Status.UNLIKELY
    return (
        s,
        f"按{p.basis}预计期末为 {judged(p.mean)}{t.unit or ''}（80%区间 {judged(p.lower)}–{judged(p.upper)}），"
        f"达到目标 {_goal_text(t)} 的概率约 {pr}；概率≥80% 为基本达标，40%–80% 为有风险，"
        f"<40% 为难以达标：{s.zh}",
        f"projected from {p.basis}: {judged(p.mean)}{t.unit or ''} at the end of the period (80 % "
        f"interval {judged(p.lower)}–{judged(p.upper)}); probability of meeting {_goal_text(t)} about "
        f"{pr}; ≥ 80 % basically on target, 40–80 % at risk, < 40 % unlikely: {s.en}",
    )


# -- picking figures ------------------------------------------------------------------------------
def _published(records: Sequence[ObservationRecord]) -> list[ObservationRecord]:
    return [r for r in records if not r.simulated]


def _in_unit(r: ObservationRecord, unit: str) -> float:
    if r.measure == "level" and r.unit and unit and r.unit != unit:
        return convert(r.value, r.unit, unit)
    return r.value


def _annual(records: Sequence[ObservationRecord], year: int) -> ObservationRecord | None:
    """The figure for a whole year: the annual value, else the January–December cumulative."""
    for r in records:
        if r.period_type == PeriodType.YEAR.value and r.period_obj.year == year:
            return r
    for r in records:
        p = r.period_obj
        if p.type is PeriodType.CUM_MONTH and p.year == year and p.index == 12:
            return r
    return None


def _latest_in_year(
    records: Sequence[ObservationRecord],
    year: int,
    types: tuple[PeriodType, ...] = (PeriodType.CUM_MONTH,),
) -> ObservationRecord | None:
    found = [r for r in records if r.period_obj.year == year and r.period_obj.type in types]
    return max(found, key=lambda r: r.period_obj.end) if found else None


@dataclass
class _Series:
    """The records of one indicator and measure, with where they came from; a growth
    series derived from levels keeps each rate's two inputs (by period code)."""

    indicator: str
    records: list[ObservationRecord]
    inputs: dict[str, tuple[ObservationRecord, ObservationRecord]] = field(default_factory=dict)

    @property
    def from_levels(self) -> bool:
        return bool(self.inputs)

    def evidence(self, r: ObservationRecord) -> list[Evidence]:
        """What a figure of this series rests on: itself, or the two levels it came from."""
        if r.period in self.inputs:
            now, before = self.inputs[r.period]
            return [Evidence.of(now), Evidence.of(before)]
        return [Evidence.of(r)]


def growth_from_levels(levels: Sequence[ObservationRecord]) -> _Series | None:
    """Growth rates level_t / level_{t−1} − 1 (in %) for every level whose same period a year
    earlier is known, in that earlier level's unit converted to this one's."""
    by_key = {(r.period_type, r.period): r for r in levels}
    out: list[ObservationRecord] = []
    inputs: dict[str, tuple[ObservationRecord, ObservationRecord]] = {}
    for r in levels:
        p = r.period_obj
        if p.type not in (PeriodType.YEAR, PeriodType.CUM_MONTH, PeriodType.QUARTER):
            continue
        earlier = by_key.get((r.period_type, p.shift_years(-1).code))
        if earlier is None or r.qualifier or earlier.qualifier:
            continue
        base = _in_unit(earlier, r.unit or "") if r.unit and earlier.unit else earlier.value
        if base <= 0:
            continue
        rate = round((r.value / base - 1) * 100, 4)
        out.append(replace(r, measure="yoy_pct", value=rate, unit="%", qualifier=""))
        inputs[r.period] = (r, earlier)
    return _Series(levels[0].indicator, out, inputs) if out else None


def _series_with_alternates(t: Target, ind: Indicator, fetch: Fetch) -> list[_Series]:
    code, measure = indicator_of(t), measure_of(t)
    out = [_Series(code, _published(fetch(code, measure)))]
    out += [_Series(other, _published(fetch(other, measure))) for other in ind.same_as]
    if measure == "yoy_pct" and Measure.LEVEL in ind.measures:
        derived = growth_from_levels(_published(fetch(code, Measure.LEVEL.value)))
        if derived is not None:
            out.append(derived)
    return out
