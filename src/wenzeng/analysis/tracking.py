"""Target tracking: where each target of a plan stands, and how sure we can be.

For each target the assessment gives the figure the target is judged on, how
it was obtained, the evidence (every observation used, with its source), the
path still required, a projection to the end of the target period with an
interval and the probability of meeting the target, and a status with the
rule that produced it.

**The figure.**  In order of preference:

1. *actual* — the target's own series for its final period (e.g. the 2024
   annual value), or for a growth target averaged over several years, the
   compounded mean of the annual growth rates (never their arithmetic mean);
2. *same industry, another publisher* — the indicator's ``same_as``
   alternates (NBS 计算机、通信和其他电子设备制造业 ↔ MIIT 规上电子信息制造业),
   used year by year where the primary is missing, and said;
3. *derived* — a share computed from its numerator and denominator levels
   (5G phone shipments ÷ all phone shipments);
4. *lower bound* — a share whose disjoint parts are published (75", 85", 100"
   TV size classes): their sum is a floor, reported as "at least X";
5. *partial* — part of the final year is published (January–November): the
   year is projected from it (below);
6. otherwise *no data*: the status says so, with the related figures that are
   known, and never a guess dressed as a result.

**The projection** (ESCAP's anticipated-progress idea, adapted to a year that
is under way; see docs/analysis.md).  A year-to-date figure is turned into a
year-end one by the pattern of earlier years at the same month: for a
cumulative growth rate, the year-end rate ≈ the rate to month m plus the mean
change from month m to December in earlier years; for a cumulative level, the
year-end level ≈ level to month m ÷ the mean share of the year reached by
month m.  The spread of those earlier changes gives the interval (at least a
floor, and wider when fewer than three years are known); the probability of
meeting the target is read from a normal distribution with that spread.

**Status rules** (written out in every assessment):

- period over, figure known: meets the target → 达标; within the tolerance
  below it (a 左右 target) or within 5 % below a level target → 基本达标;
  otherwise → 难以达标 (the period is over: not met);
- a lower bound that meets the target → 达标;
- under way, projected: P(meet) ≥ 0.8 → 基本达标, 0.4 ≤ P < 0.8 → 有风险,
  P < 0.4 → 难以达标;
- nothing to judge on → 无数据.
"""

from __future__ import annotations

import math
from datetime import date
from statistics import NormalDist, mean, stdev

from wenzeng.analysis.tracking_core import (
    Assessment,
    Evidence,
    Fetch,
    FigureKind,
    Projection,
    Status,
    _annual,
    _goal_text,
    _in_unit,
    _latest_in_year,
    _published,
    _Series,
    _series_with_alternates,
    goal,
    indicator_of,
    judge_final,
    judge_projection,
    measure_of,
    meets,
)
from wenzeng.analysis.transforms import average_annual_growth
from wenzeng.domain.catalog import Indicator
from wenzeng.domain.observation import ObservationRecord
from wenzeng.domain.periods import Period
from wenzeng.domain.plan import Comparator, Computation, Target
from wenzeng.domain.units import convert, unit_en

__all__ = [
    "Assessment",
    "Evidence",
    "Fetch",
    "FigureKind",
    "Projection",
    "Status",
    "assess",
    "judge_final",
    "judge_projection",
    "meets",
]


# -- the assessment ---------------------------------------------------------------------------------
def assess(
    t: Target, ind: Indicator, catalogue: dict[str, Indicator], fetch: Fetch, as_of: date
) -> Assessment:
    """Assess one target as of a date, from the observations ``fetch`` returns (as of that date)."""
    if t.computation is Computation.AVERAGE_ANNUAL_GROWTH:
        return _assess_average_growth(t, ind, fetch, as_of)
    return _assess_value_at_end(t, ind, catalogue, fetch, as_of)


def _assess_average_growth(t: Target, ind: Indicator, fetch: Fetch, as_of: date) -> Assessment:
    series = _series_with_alternates(t, ind, fetch)
    years = list(range(t.period.start, t.period.end + 1))
    used: list[ObservationRecord] = []
    notes_zh, notes_en = [], []
    missing: list[int] = []
    for y in years:
        found = None
        for s in series:
            found = _annual(s.records, y)
            if found is not None:
                if s.indicator != indicator_of(t):
                    notes_zh.append(f"{y}年用 {s.indicator}（同一行业，另一发布机构）")
                    notes_en.append(
                        f"{y} uses {s.indicator} (the same industry, another publisher)"
                    )
                break
        if found is None:
            missing.append(y)
        else:
            used.append(found)
    rates = [r.value for r in used]
    if not missing:
        avg = average_annual_growth(rates)
        status, rz, re_ = judge_final(t, avg, FigureKind.ACTUAL)
        parts = " × ".join(f"(1+{r.value:g}%)" for r in used)
        return Assessment(
            t,
            as_of,
            status,
            rz,
            re_,
            figure=round(avg, 2),
            figure_kind=FigureKind.ALTERNATE if notes_zh else FigureKind.ACTUAL,
            figure_note_zh=f"各年增速复合平均：({parts})^(1/{len(used)}) − 1 = {avg:.2f}%"
            + ("；" + "；".join(notes_zh) if notes_zh else ""),
            figure_note_en=f"compounded mean of the annual growth rates: ({parts})^(1/{len(used)})"
            f" − 1 = {avg:.2f}%" + ("; " + "; ".join(notes_en) if notes_en else ""),
            evidence=[Evidence.of(r) for r in used],
        )
    # the last year under way: project it from its year-to-date growth
    last = missing[-1]
    if missing != [last] or last < as_of.year - 1:
        known = "、".join(str(y) for y in years if y not in missing) or "无"
        return Assessment(
            t,
            as_of,
            Status.NO_DATA,
            f"缺少{'、'.join(map(str, missing))}年的全年增速（已知：{known}）：无数据",
            f"no annual growth published for {', '.join(map(str, missing))}: no data",
            evidence=[Evidence.of(r) for r in used],
        )
    # project from the publisher whose year-to-date figure is the newest
    newest = max(
        (x for x in series if _latest_in_year(x.records, last) is not None),
        key=lambda x: _latest_in_year(x.records, last).period_obj.end,  # type: ignore[union-attr]
        default=None,
    )
    projection = _project_growth(newest.records, last, t, used_rates=rates) if newest else None
    if projection is None:
        return Assessment(
            t,
            as_of,
            Status.NO_DATA,
            f"{last}年尚无可用于预测的累计增速：无数据",
            f"no cumulative growth for {last} to project from: no data",
            evidence=[Evidence.of(r) for r in used],
        )
    status, rz, re_ = judge_projection(t, projection)
    need = _required_growth_for_average(t, rates, len(years))
    return Assessment(
        t,
        as_of,
        status,
        rz,
        re_,
        figure=round(projection.mean, 2),
        figure_kind=FigureKind.PROJECTED,
        evidence=[Evidence.of(r) for r in used],
        projection=projection,
        required_value=need,
        required_zh=f"{last}年增速需达到 {need:.2f}% 才能使平均增速达到 {goal(t)[1] - (t.tolerance or 0):g}%",
        required_en=f"{last} needs growth of {need:.2f}% for the average to reach "
        f"{goal(t)[1] - (t.tolerance or 0):g}%",
    )


def _required_growth_for_average(t: Target, known: list[float], n: int) -> float:
    floor = goal(t)[1] - (t.tolerance or 0)
    have = math.prod(1 + r / 100 for r in known)
    return ((1 + floor / 100) ** n / have - 1) * 100


def _project_growth(
    records: list[ObservationRecord], year: int, t: Target, used_rates: list[float]
) -> Projection | None:
    """Year-end cumulative growth ≈ growth to month m + mean (December − month m) of earlier years."""
    latest = _latest_in_year(records, year)
    if latest is None:
        return None
    m = latest.period_obj.index
    changes = []
    for y in range(year - 10, year):
        at_m = [r for r in records if r.period_obj == Period.cum_month(y, m)]
        final = _annual(records, y)
        if at_m and final is not None:
            changes.append(final.value - at_m[0].value)
    drift = mean(changes) if changes else 0.0
    sd = _spread(changes, floor=1.0 + (12 - m) * 0.25)
    year_rate = latest.value + drift
    avg = average_annual_growth([*used_rates, year_rate])
    # the average moves with the last year's rate, scaled by the compounding
    n = len(used_rates) + 1
    sd_avg = sd / n
    return _projection(
        t, avg, sd_avg, f"{latest.period_obj.label_zh}累计增速 {latest.value:g}%", len(changes)
    )


def _spread(changes: list[float], floor: float) -> float:
    """The spread of the earlier years' changes; never below ``floor``, wider when few are known."""
    if len(changes) >= 3:
        return max(stdev(changes), floor)
    return max(floor * 2, stdev(changes) if len(changes) == 2 else 0.0)


def _projection(t: Target, mu: float, sd: float, basis: str, analogues: int) -> Projection:
    z = NormalDist().inv_cdf(0.9)
    dist = NormalDist(mu, sd)
    comparator, value = goal(t)
    threshold = value - (t.tolerance or 0) if comparator is Comparator.APPROX else value
    if comparator in (Comparator.LT, Comparator.LE):
        p = dist.cdf(threshold)
    else:
        p = 1 - dist.cdf(threshold)
    return Projection(
        round(mu, 3),
        round(mu - z * sd, 3),
        round(mu + z * sd, 3),
        round(sd, 3),
        round(p, 3),
        "year-to-date pattern of earlier years (analogue months)",
        basis,
        analogues,
    )


def _assess_value_at_end(
    t: Target, ind: Indicator, catalogue: dict[str, Indicator], fetch: Fetch, as_of: date
) -> Assessment:
    year = t.period.end
    series = _series_with_alternates(t, ind, fetch)
    for s in series:
        final = _annual(s.records, year)
        if final is None:
            continue
        x = _in_unit(final, t.unit or "")
        if final.qualifier == ">" and not meets(t, x):
            continue  # "more than X" that does not reach the target settles nothing
        status, rz, re_ = judge_final(t, x, FigureKind.ACTUAL)
        q = "超过" if final.qualifier == ">" else ""
        return Assessment(
            t,
            as_of,
            status,
            rz,
            re_,
            figure=x,
            figure_kind=FigureKind.ACTUAL
            if s.indicator == indicator_of(t)
            else FigureKind.ALTERNATE,
            figure_note_zh=f"{final.period_obj.label_zh}{q}{x:g}{t.unit or ''}",
            figure_note_en=f"{final.period_obj.label_en}: {'more than ' if q else ''}{x:g}"
            f"{t.unit if t.unit == '%' else ' ' + unit_en(t.unit or '')}",
            evidence=[Evidence.of(final)],
        )
    derived = _derived_share(t, ind, fetch, year, as_of)
    if derived is not None:
        return derived
    bound = _lower_bound(t, ind, fetch, year, as_of)
    if bound is not None:
        return bound
    return _project_or_no_data(t, ind, fetch, series, year, as_of)


def _derived_share(
    t: Target, ind: Indicator, fetch: Fetch, year: int, as_of: date
) -> Assessment | None:
    if not (ind.numerator and ind.denominator):
        return None
    num = _annual(_published(fetch(ind.numerator, "level")), year)
    den = _annual(_published(fetch(ind.denominator, "level")), year)
    if num is None or den is None or den.value <= 0:
        return None
    x = (
        100 * num.value / convert(den.value, den.unit or "", num.unit or "")
        if (num.unit and den.unit and num.unit != den.unit)
        else 100 * num.value / den.value
    )
    status, rz, re_ = judge_final(t, x, FigureKind.DERIVED)
    return Assessment(
        t,
        as_of,
        status,
        rz,
        re_,
        figure=round(x, 2),
        figure_kind=FigureKind.DERIVED,
        figure_note_zh=f"由分子分母计算：{ind.numerator} {num.value:g}{num.unit} ÷ "
        f"{ind.denominator} {den.value:g}{den.unit} = {x:.2f}%（{year}年占比未直接发布）",
        figure_note_en=f"computed from its parts: {ind.numerator} {num.value:g} "
        f"{unit_en(num.unit)} ÷ {ind.denominator} {den.value:g} {unit_en(den.unit)} = "
        f"{x:.2f}% (the {year} share "
        "itself was not published)",
        evidence=[Evidence.of(num), Evidence.of(den)],
    )


def _lower_bound(
    t: Target, ind: Indicator, fetch: Fetch, year: int, as_of: date
) -> Assessment | None:
    if not ind.lower_bound_from:
        return None
    parts = [_annual(_published(fetch(code, measure_of(t))), year) for code in ind.lower_bound_from]
    known = [p for p in parts if p is not None]
    if not known:
        return None
    floor = sum(p.value for p in known)
    listed = "、".join(f"{p.indicator} {p.value:g}%" for p in known)
    missing = [c for c, p in zip(ind.lower_bound_from, parts, strict=True) if p is None]
    if meets(t, floor):
        status, rz, re_ = (
            Status.ACHIEVED,
            f"{year}年全口径占比未发布；已知组成部分之和至少 {floor:.1f}%（{listed}），"
            f"已满足目标 {_goal_text(t)}：达标",
            f"the {year} share itself was not published; its known parts add up "
            f"to at least {floor:.1f}% ({listed}), which meets {_goal_text(t)}: "
            "achieved",
        )
    else:
        status, rz, re_ = (
            Status.NO_DATA,
            f"{year}年全口径占比未发布；已知组成部分之和至少 {floor:.1f}%，"
            f"不足以判断是否达到 {_goal_text(t)}：无数据",
            f"the {year} share was not published; its known parts add up to at "
            f"least {floor:.1f}%, not enough to judge {_goal_text(t)}: no data",
        )
    return Assessment(
        t,
        as_of,
        status,
        rz,
        re_,
        figure=round(floor, 2),
        figure_kind=FigureKind.LOWER_BOUND,
        figure_note_zh=f"至少 {floor:.1f}%，来自 {listed}"
        + (f"；未发布：{'、'.join(missing)}" if missing else ""),
        figure_note_en=f"at least {floor:.1f}%, from {listed}"
        + (f"; not published: {', '.join(missing)}" if missing else ""),
        evidence=[Evidence.of(p) for p in known],
    )


def _project_or_no_data(
    t: Target, ind: Indicator, fetch: Fetch, series: list[_Series], year: int, as_of: date
) -> Assessment:
    records = series[0].records
    latest = _latest_in_year(records, year)
    related = sorted(records, key=lambda r: r.period_obj.end)[-3:]
    if latest is not None and as_of.year <= year + 1:
        proj = _project_level(records, latest, year, t)
        if proj is not None:
            status, rz, re_ = judge_projection(t, proj)
            return Assessment(
                t,
                as_of,
                status,
                rz,
                re_,
                figure=proj.mean,
                figure_kind=FigureKind.PROJECTED,
                evidence=[Evidence.of(latest)],
                projection=proj,
            )
    known = "；".join(
        f"{r.period_obj.label_zh} {_in_unit(r, t.unit or ''):g}{_unit_shown(t, r)}" for r in related
    )
    return Assessment(
        t,
        as_of,
        Status.NO_DATA,
        f"{year}年目标口径数据未发布"
        + (f"（已知相关数据：{known}）" if known else "")
        + "：无数据",
        f"no figure of the target's scope has been published for {year}"
        + (" (related figures are listed)" if related else "")
        + ": no data",
        related=[Evidence.of(r, "related") for r in related],
    )


def _unit_shown(t: Target, r: ObservationRecord) -> str:
    return (t.unit or "") if r.measure == "level" else (r.unit or "")


def _project_level(
    records: list[ObservationRecord], latest: ObservationRecord, year: int, t: Target
) -> Projection | None:
    """Year-end value from a year-to-date one, by the mean share of earlier years reached by then."""
    m = latest.period_obj.index
    x = _in_unit(latest, t.unit or "")
    if measure_of(t) == "share_pct":
        # a year-to-date share: the year-end share drifts little; its spread from earlier years
        changes = []
        for y in range(year - 10, year):
            at_m = [r for r in records if r.period_obj == Period.cum_month(y, m)]
            final = _annual(records, y)
            if at_m and final is not None:
                changes.append(final.value - at_m[0].value)
        drift = mean(changes) if changes else 0.0
        return _projection(
            t,
            x + drift,
            _spread(changes, floor=0.5 + (12 - m) * 0.2),
            f"{latest.period_obj.label_zh}占比 {x:g}%",
            len(changes),
        )
    ratios = []
    for y in range(year - 10, year):
        at_m = [r for r in records if r.period_obj == Period.cum_month(y, m)]
        final = _annual(records, y)
        if at_m and final is not None and final.value > 0:
            ratios.append(at_m[0].value / final.value)
    if not ratios:
        return None
    share = mean(ratios)
    mu = x / share
    sd = mu * _spread([r / share for r in ratios], floor=0.02 + (12 - m) * 0.005)
    return _projection(
        t, mu, sd, f"{latest.period_obj.label_zh}累计 {x:g}{t.unit or ''}", len(ratios)
    )
