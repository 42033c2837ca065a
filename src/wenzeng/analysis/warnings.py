"""The early-warning engine: rules (data) × panels of series → findings with evidence.

A *panel* holds one kind of series (indicator × measure × period type) for a
set of entities as a matrix: one row per entity, one column per month up to
the analysis date.  Each rule's detector screens the whole matrix at once
(:mod:`wenzeng.analysis.detectors`), change points included (a batched PELT
that gives ruptures' answers).  A series whose latest value is not in the latest column
is not judged (its news is old), and a series too short to judge is counted
as such, never guessed about.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from wenzeng.analysis import detectors as det
from wenzeng.analysis.base_effects import two_year_average
from wenzeng.analysis.equivalents import Substitute
from wenzeng.analysis.tracking import Assessment
from wenzeng.analysis.tracking import Status as TargetStatus
from wenzeng.domain.detector_kinds import (
    ChangePointParams,
    ConcentrationParams,
    DeclinesParams,
    DivergenceParams,
    RisingStockParams,
    RobustBreakParams,
    SignalColdParams,
    SuddenDropParams,
)
from wenzeng.domain.periods import Period, PeriodType
from wenzeng.domain.warning_rules import (
    Detector,
    Klass,
    SeriesSpec,
    SignalIndicator,
    WarningConfig,
    WarningRule,
)

FloatMatrix = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Panel:
    spec: SeriesSpec
    entities: list[str]
    months: list[int]  # month numbers (year·12 + month − 1), ascending, the last is "now"
    values: FloatMatrix  # (entities, months), NaN where nothing is known
    simulated: npt.NDArray[np.bool_]  # (entities,) any simulated value in the row
    # figures read from an equivalent series, by (row, column)
    substitutes: Mapping[tuple[int, int], Substitute] = field(default_factory=dict)
    # rows whose latest figure is a two-year average: the abnormal year and its lowest growth
    base_years: Mapping[int, tuple[int, float]] = field(default_factory=dict)

    @property
    def period_type(self) -> PeriodType:
        return PeriodType(self.spec.period_type)

    def period_code(self, column: int) -> str:
        return _period_text(self.months[column], self.spec.period_type, "code")

    def period_label(self, column: int, lang: str = "zh") -> str:
        return _period_text(self.months[column], self.spec.period_type, lang)

    @cached_property
    def _row_of(self) -> dict[str, int]:
        return {e: i for i, e in reversed(list(enumerate(self.entities)))}

    def row(self, entity: str) -> FloatMatrix | None:
        i = self._row_of.get(entity)
        if i is None:
            return None
        found: FloatMatrix = self.values[i]
        return found


@lru_cache(maxsize=4096)
def _period_text(month: int, period_type: str, what: str) -> str:
    """A panel column's period code, or its label in ``what`` (zh / en); one per finding."""
    y, m = divmod(month, 12)
    p = Period(y, PeriodType(period_type), m + 1)
    return p.code if what == "code" else p.label_en if what == "en" else p.label_zh


def month_number(p: Period) -> int:
    return p.year * 12 + p.index - 1


def build_panel(
    spec: SeriesSpec,
    frame: pl.DataFrame,
    now: int,
    length: int,
    substitutes: Mapping[tuple[str, int], Substitute] | None = None,
) -> Panel:
    """A panel from rows (entity, period, value, simulated) of monthly periods up to ``now``;
    ``substitutes`` names the figures read from an equivalent series by (entity, month)."""
    months = list(range(now - length + 1, now + 1))
    if frame.height == 0:
        return Panel(spec, [], months, np.empty((0, length)), np.empty(0, dtype=bool))
    mnum = {
        code: month_number(Period.month(int(code[:4]), int(code[-2:])))
        for code in frame["period"].unique().to_list()
    }
    f = frame.with_columns(
        pl.col("period").replace_strict(mnum, return_dtype=pl.Int64).alias("m")
    ).filter(pl.col("m").is_between(months[0], now))
    entities = sorted(f["entity"].unique().to_list())
    index = {e: i for i, e in enumerate(entities)}
    values = np.full((len(entities), length), np.nan)
    rows = np.array([index[e] for e in f["entity"].to_list()], dtype=np.int64)
    cols = f["m"].to_numpy() - months[0]
    values[rows, cols] = f["value"].to_numpy()
    sim = np.zeros(len(entities), dtype=bool)
    flagged = f.filter(pl.col("simulated"))["entity"].unique().to_list()
    for e in flagged:
        sim[index[e]] = True
    cells = {
        (index[e], m - months[0]): sub
        for (e, m), sub in (substitutes or {}).items()
        if e in index and months[0] <= m <= now
    }
    return Panel(spec, entities, months, values, sim, cells)


@dataclass
class Finding:
    rule: str
    klass: Klass
    indicator: str
    entity: str
    period: str
    severity: str  # high | medium | low
    strength: float
    evidence: dict[str, Any]
    explanation_zh: str
    explanation_en: str
    simulated: bool = False

    @property
    def key(self) -> str:
        measure = self.evidence.get("measure", "")
        ptype = self.evidence.get("period_type", "")
        return f"{self.rule}|{self.indicator}|{measure}|{ptype}|{self.entity}"


@dataclass
class Names:
    """How indicators and entities are called in explanations."""

    indicator: Callable[[str, str], str]
    entity: Callable[[str, str], str]


CHANGE = "_change"  # '{value_change}': the growth rate ``value`` said in Chinese words


def change_zh(pct: float) -> str:
    """A growth rate the Chinese way, for after '同比': '增长3.2%', '下降5.4%', '持平' (a rate
    that rounds to 0.0)."""
    text = f"{abs(pct):.1f}"
    if float(text) == 0:
        return "持平"
    return f"{'增长' if pct > 0 else '下降'}{text}%"


class _Blank(dict[str, Any]):
    """The values a template names, floats to one decimal (formatted when asked for); a
    name with ``_change`` after a number's name gives that growth rate in Chinese words."""

    def __getitem__(self, key: str) -> Any:
        v = super().__getitem__(key)
        return f"{v:.1f}" if isinstance(v, float) else v

    def __missing__(self, key: str) -> str:
        base = key.removesuffix(CHANGE)
        if key.endswith(CHANGE) and base in self:
            v = super().__getitem__(base)
            if isinstance(v, int | float) and not isinstance(v, bool):
                return change_zh(float(v))
        return "{" + key + "}"


def fill_explanation(template: str, values: Mapping[str, Any]) -> str:
    """A rule's explanation template filled with the values of a finding."""
    return template.format_map(_Blank(values))


def severity_of(rule: WarningRule, strength: float, *, lower_is_worse: bool = False) -> str:
    """high / medium / low from the rule's cut-offs on the detector's strength."""
    high = rule.severity.get("high")
    medium = rule.severity.get("medium")
    if lower_is_worse:
        if high is not None and strength <= high:
            return "high"
        if medium is not None and strength <= medium:
            return "medium"
        return "low"
    if high is not None and strength >= high:
        return "high"
    if medium is not None and strength >= medium:
        return "medium"
    return "low"


@dataclass
class RunStats:
    judged: int = 0
    insufficient: int = 0
    findings: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)


def _finding(
    rule: WarningRule,
    panel: Panel,
    row: int,
    names: Names,
    strength: float,
    values: dict[str, Any],
    *,
    severity: str | None = None,
) -> Finding:
    entity = panel.entities[row]
    spec = panel.spec
    period = panel.period_code(len(panel.months) - 1)
    evidence = {
        "indicator": spec.indicator,
        "measure": spec.measure,
        "period_type": spec.period_type,
        "entity": entity,
        "period": period,
        **values,
    }
    notes_zh, notes_en = _sources(panel, row, evidence)
    zh = {
        **values,
        "entity": names.entity(entity, "zh"),
        "indicator": names.indicator(spec.indicator, "zh"),
        "period": panel.period_label(len(panel.months) - 1, "zh"),
    }
    en = {
        **values,
        "entity": names.entity(entity, "en"),
        "indicator": names.indicator(spec.indicator, "en"),
        "period": panel.period_label(len(panel.months) - 1, "en"),
    }
    return Finding(
        rule.code,
        rule.klass,
        spec.indicator,
        entity,
        period,
        severity or severity_of(rule, strength),
        round(float(strength), 3),
        evidence,
        fill_explanation(rule.explanation.zh, zh) + notes_zh,
        fill_explanation(rule.explanation.en, en) + notes_en,
        bool(panel.simulated[row]),
    )


SOURCE_COLUMNS = 13  # the figures a finding names the sources of: the latest year and a month


def _sources(panel: Panel, row: int, evidence: dict[str, Any]) -> tuple[str, str]:
    """What a finding adds to its explanation (and evidence) about the figures it read:
    those taken from an equivalent series, and growth judged on the two-year average."""
    zh = en = ""
    first = len(panel.months) - SOURCE_COLUMNS
    used = sorted(
        ((c, sub) for (r, c), sub in panel.substitutes.items() if r == row and c >= first),
        key=lambda item: item[0],
    )
    if used:
        evidence["equivalents"] = [sub.as_dict() for _, sub in used]
        zh = "（" + "；".join(f"{panel.period_label(c)}取自{sub.label_zh}" for c, sub in used)
        zh += "：当时最先可得的同口径数据）"
        en = " (" + "; ".join(
            f"{panel.period_label(c, 'en')} from {sub.label_en}" for c, sub in used
        )
        en += ": the first figure of the same industry known then)"
    base = panel.base_years.get(row)
    if base is not None:
        year, low = base
        evidence["basis"] = "two_year_average"
        evidence["abnormal_year"] = year
        zh += (
            f"（{year}年基数异常（增速低至{low:.1f}%），按两年平均增速判断，"
            f"即 √((1+本期增速)(1+上年同期增速)) − 1，与国家统计局2021年做法相同）"
        )
        en += (
            f" (the {year} base was abnormal, growth as low as {low:.1f}%: judged on the "
            "two-year average growth √((1+g)(1+g a year earlier)) − 1, as NBS did in 2021)"
        )
    return zh, en


def _current(panel: Panel) -> npt.NDArray[np.bool_]:
    """Rows whose latest value is in the latest column."""
    return ~np.isnan(panel.values[:, -1]) if panel.values.size else np.zeros(0, dtype=bool)


# -- detectors over panels --------------------------------------------------------------------
def robust_break(
    rule: WarningRule, panel: Panel, names: Names, stats: RunStats, **_: Any
) -> list[Finding]:
    p = rule.params_as(RobustBreakParams)
    res = det.robust_deviation_panel(
        panel.values[:, -p.window - 1 : -1],
        panel.values[:, -1],
        min_points=p.min_points,
        threshold=p.threshold,
    )
    stats.insufficient += int(np.sum(res.status != det.OK))
    stats.judged += int(np.sum(res.status == det.OK))
    out = []
    for i in np.flatnonzero(res.fired & (res.z < 0)):
        out.append(
            _finding(
                rule,
                panel,
                int(i),
                names,
                abs(float(res.z[i])),
                {
                    "value": float(panel.values[i, -1]),
                    "median": float(res.median[i]),
                    "z": round(float(res.z[i]), 1),
                    "n": int(res.n_points[i]),
                },
            )
        )
    return out


def sudden_drop(
    rule: WarningRule, panel: Panel, names: Names, stats: RunStats, **_: Any
) -> list[Finding]:
    if panel.values.shape[1] < 2:
        return []
    prev, now = panel.values[:, -2], panel.values[:, -1]
    ok = ~np.isnan(prev) & ~np.isnan(now)
    stats.judged += int(ok.sum())
    stats.insufficient += int((~ok & _current(panel)).sum())
    drop = np.where(ok, prev - now, np.nan)
    points = rule.params_as(SuddenDropParams).points
    out = []
    for i in np.flatnonzero(ok & (drop >= points)):
        out.append(
            _finding(
                rule,
                panel,
                int(i),
                names,
                float(drop[i]),
                {"value": float(now[i]), "previous": float(prev[i]), "drop": float(drop[i])},
            )
        )
    return out


def signal_cold(
    rule: WarningRule,
    panel: Panel,
    names: Names,
    stats: RunStats,
    *,
    signals: Mapping[str, SignalIndicator],
    **_: Any,
) -> list[Finding]:
    sig = signals.get(panel.spec.indicator)
    if sig is None or sig.thresholds is None:
        return []
    scores = det.signal_scores(panel.values[:, -1], np.array(sig.thresholds))
    stats.judged += int((scores > 0).sum())
    limit = rule.params_as(SignalColdParams).max_score
    out = []
    for i in np.flatnonzero((scores > 0) & (scores <= limit)):
        light = det.LIGHTS[int(scores[i])]
        out.append(
            _finding(
                rule,
                panel,
                int(i),
                names,
                float(scores[i]),
                {
                    "value": float(panel.values[i, -1]),
                    "score": int(scores[i]),
                    "light": light.zh,
                    "light_en": light.en,
                    "thresholds": "/".join(f"{t:g}" for t in sig.thresholds),
                },
                severity=severity_of(rule, float(scores[i]), lower_is_worse=True),
            )
        )
    return out


def consecutive_declines(
    rule: WarningRule, panel: Panel, names: Names, stats: RunStats, **_: Any
) -> list[Finding]:
    p = rule.params_as(DeclinesParams)
    n = p.n
    res = det.consecutive_declines_panel(panel.values, n)
    stats.judged += int(np.sum(res.status == det.OK))
    stats.insufficient += int(np.sum((res.status != det.OK) & _current(panel)))
    least = p.min_total_drop
    out = []
    for i in np.flatnonzero(res.fired):
        count = int(res.count[i])
        start = float(panel.values[i, -1 - count])
        now = float(panel.values[i, -1])
        if start - now < least:
            continue
        out.append(
            _finding(
                rule,
                panel,
                int(i),
                names,
                start - now,
                {"value": now, "start": start, "runs": count, "drop": start - now},
            )
        )
    return out


def change_point(
    rule: WarningRule, panel: Panel, names: Names, stats: RunStats, **_: Any
) -> list[Finding]:
    out = []
    p = rule.params_as(ChangePointParams)
    recent, shift = p.recent, p.min_shift
    rows = np.flatnonzero(_current(panel))
    res = det.change_point_panel(panel.values[rows], min_size=p.min_size, k=recent)
    ok = res.status == det.OK
    stats.insufficient += int(np.sum(~ok))
    stats.judged += int(np.sum(ok))
    fall = res.mean_before - res.mean_after  # NaN where there is no break
    with np.errstate(invalid="ignore"):
        fired = ok & res.recent & (res.break_index >= 0) & ~(fall < shift)
    for j in np.flatnonzero(fired):
        i, at = int(rows[j]), int(res.break_index[j])
        out.append(
            _finding(
                rule,
                panel,
                i,
                names,
                float(fall[j]),
                {
                    "value": float(panel.values[i, -1]),
                    "before": float(res.mean_before[j]),
                    "after": float(res.mean_after[j]),
                    "break_period": panel.period_label(at),
                    "break_period_code": panel.period_code(at),
                },
            )
        )
    return out


def rising_stock(
    rule: WarningRule,
    panel: Panel,
    names: Names,
    stats: RunStats,
    *,
    panels: Mapping[SeriesSpec, Panel],
    **_: Any,
) -> list[Finding]:
    p = rule.params_as(RisingStockParams)
    against = SeriesSpec(
        indicator=p.against,
        measure=panel.spec.measure,
        period_type=panel.spec.period_type,
        entities=panel.spec.entities,
    )
    base = panels.get(against)
    if base is None:
        return []
    periods, gap = p.periods, p.gap
    out = []
    for i, e in enumerate(panel.entities):
        other = base.row(e)
        if other is None or np.isnan(panel.values[i, -1]):
            continue
        excess = panel.values[i, -periods:] - other[-periods:]
        if np.isnan(excess).any():
            stats.insufficient += 1
            continue
        stats.judged += 1
        if bool(np.all(excess > gap)):
            out.append(
                _finding(
                    rule,
                    panel,
                    i,
                    names,
                    float(excess[-1]),
                    {
                        "value": float(panel.values[i, -1]),
                        "excess": float(excess[-1]),
                        "gap": gap,
                        "periods": periods,
                    },
                )
            )
    return out


def concentration(
    rule: WarningRule, panel: Panel, names: Names, stats: RunStats, **_: Any
) -> list[Finding]:
    if panel.values.shape[1] < 13 or not panel.entities:
        return []
    p = rule.params_as(ConcentrationParams)
    top = p.top
    res = det.growth_contributions(panel.values[:, -1], panel.values[:, -13], k=top)
    if res.status != det.OK or res.top_k_share_of_total is None:
        stats.insufficient += 1
        return []
    stats.judged += 1
    share = float(res.top_k_share_of_total)
    if share < p.share:
        return []
    leaders = [panel.entities[j] for j in res.top_k_indices]
    row = 0
    f = _finding(
        rule,
        panel,
        row,
        names,
        share,
        {
            "share": share,
            "top": top,
            "growth": float(res.total_growth_pct),
            "leaders": "、".join(names.entity(e, "zh") for e in leaders),
            "leaders_codes": leaders,
        },
    )
    f.entity = "regions"
    f.evidence["entity"] = "regions"
    f.explanation_en = fill_explanation(
        rule.explanation.en,
        {
            **f.evidence,
            "leaders": ", ".join(names.entity(e, "en") for e in leaders),
            "period": panel.period_label(len(panel.months) - 1, "en"),
        },
    )
    f.simulated = bool(panel.simulated.any())
    return [f]


def divergence(
    rule: WarningRule,
    panel: Panel,
    names: Names,
    stats: RunStats,
    *,
    nation: Mapping[SeriesSpec, Panel],
    **_: Any,
) -> list[Finding]:
    spec = SeriesSpec(
        indicator=panel.spec.indicator,
        measure=panel.spec.measure,
        period_type=panel.spec.period_type,
        entities="nation",
    )
    nat = nation.get(spec)
    if nat is None or not nat.entities:
        return []
    nat_row = nat.values[0]
    p = rule.params_as(DivergenceParams)
    gap, periods = p.gap, p.periods
    res = det.divergence_panel(panel.values, nat_row, gap=gap, periods=periods)
    stats.judged += int(np.sum(res.status == det.OK))
    stats.insufficient += int(np.sum((res.status != det.OK) & _current(panel)))
    out = []
    for i in np.flatnonzero(res.fired):
        shortfall = float(nat_row[-1] - panel.values[i, -1])
        out.append(
            _finding(
                rule,
                panel,
                int(i),
                names,
                shortfall,
                {
                    "value": float(panel.values[i, -1]),
                    "nation": float(nat_row[-1]),
                    "gap": gap,
                    "periods": periods,
                    "shortfall": shortfall,
                },
            )
        )
    return out


DETECTORS: dict[Detector, Callable[..., list[Finding]]] = {
    Detector.ROBUST_BREAK: robust_break,
    Detector.SUDDEN_DROP: sudden_drop,
    Detector.SIGNAL_COLD: signal_cold,
    Detector.CONSECUTIVE_DECLINES: consecutive_declines,
    Detector.CHANGE_POINT: change_point,
    Detector.RISING_STOCK: rising_stock,
    Detector.CONCENTRATION: concentration,
    Detector.DIVERGENCE: divergence,
}


def target_findings(rule: WarningRule, assessments: Iterable[Assessment]) -> list[Finding]:
    out = []
    for a in assessments:
        if a.status not in (TargetStatus.AT_RISK, TargetStatus.UNLIKELY):
            continue
        p = a.projection.probability if a.projection else 0.0
        t = a.target
        evidence = {
            "target": t.code,
            "status": a.status.value,
            "figure": a.figure,
            "probability": p,
            "indicator": t.indicator,
            "measure": t.measure.value,
            "period_type": t.period_type.value,
            "entity": t.entity,
        }
        values = {"target": t.title.zh, "rule": a.rule_zh, "rule_en": a.rule_en}
        out.append(
            Finding(
                rule.code,
                rule.klass,
                t.indicator,
                t.entity,
                str(t.period.end),
                severity_of(rule, p, lower_is_worse=True),
                round(p, 3),
                evidence,
                fill_explanation(rule.explanation.zh, values),
                fill_explanation(rule.explanation.en, {**values, "target": t.title.en}),
            )
        )
    return out


def composite(config: WarningConfig, nation: Mapping[SeriesSpec, Panel]) -> dict[str, Any]:
    """The signal lights of the national components, the composite and diffusion indexes."""
    lights: list[dict[str, Any]] = []
    scores: list[int] = []
    changes: list[float] = []
    for sig in config.signals:
        spec = SeriesSpec(
            indicator=sig.indicator,
            measure=sig.measure,
            period_type=sig.period_type,
            entities="nation",
        )
        panel = nation.get(spec)
        if panel is None or not panel.entities or np.isnan(panel.values[0, -1]):
            lights.append({"indicator": sig.indicator, "status": "no_data"})
            continue
        row = panel.values[0]
        if sig.thresholds is None:
            th = det.thresholds_from_history(row[:-1])
            if th.thresholds is None:
                lights.append(
                    {"indicator": sig.indicator, "status": "insufficient_data", "reason": th.reason}
                )
                continue
            thresholds = th.thresholds
        else:
            thresholds = sig.thresholds
        score = det.signal_score(float(row[-1]), thresholds)
        light = det.LIGHTS[score]
        scores.append(score)
        six = row[-7] if len(row) >= 7 else np.nan
        changes.append(float(row[-1] - six) if not np.isnan(six) else np.nan)
        lights.append(
            {
                "indicator": sig.indicator,
                "value": float(row[-1]),
                "score": score,
                "light": light.code,
                "light_zh": light.zh,
                "light_en": light.en,
                "colour": light.colour,
                "period": panel.period_code(len(row) - 1),
            }
        )
        sub = panel.substitutes.get((0, len(row) - 1))
        if sub is not None:  # the figure came from an equivalent series: say which
            lights[-1]["equivalent"] = sub.as_dict()
    out: dict[str, Any] = {"lights": lights}
    if scores:
        comp = det.composite_index(scores)
        out["composite"] = {
            "index": comp.index,
            "sum": comp.total,
            "n": comp.n,
            "light": comp.light.code if comp.light else None,
            "light_zh": comp.light.zh if comp.light else None,
        }
    known = np.array([c for c in changes if not np.isnan(c)])
    out["diffusion"] = det.diffusion_index(known) if known.size else None
    return out


def run_rules(
    config: WarningConfig,
    panels: Mapping[SeriesSpec, Panel],
    names: Names,
    assessments: Iterable[Assessment] = (),
) -> tuple[list[Finding], RunStats]:
    stats = RunStats()
    signals = {s.indicator: s for s in config.signals}
    nation = {k: v for k, v in panels.items() if k.entities == "nation"}
    findings: list[Finding] = []
    for rule in config.rules:
        if rule.detector is Detector.TARGET_RISK:
            found = target_findings(rule, assessments)
        else:
            found = []
            for spec in rule.series:
                panel = panels.get(spec)
                if panel is None or not panel.entities:
                    continue
                if rule.base_effect is not None:
                    refs = [
                        nation[r]
                        for code in rule.base_effect.reference
                        if (r := spec.model_copy(update={"indicator": code, "entities": "nation"}))
                        in nation
                    ]
                    panel = two_year_average(panel, rule.base_effect, refs)
                found += DETECTORS[rule.detector](
                    rule, panel, names, stats, signals=signals, panels=panels, nation=nation
                )
        stats.by_rule[rule.code] = len(found)
        findings += found
    stats.findings = len(findings)
    return findings, stats
