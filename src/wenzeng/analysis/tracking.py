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
   (5G phone shipments ÷ all phone shipments), or a growth rate computed from two
   years' levels (level_t ÷ level_{t−1} − 1) where only levels are published;
4. *lower bound* — a share whose disjoint parts are published (75", 85", 100"
   TV size classes): their sum is a floor, reported as "at least X";
5. *partial* — part of the final year is published (January–November): the
   year is projected from it (below);
6. otherwise *no data*: the status says so, with the related figures that are
   known, and never a guess dressed as a result.

Counts of entities above a threshold, ranks and qualitative targets are assessed in
``tracking_kinds``; what all assessments share is in ``tracking_core``.

**The projection** (ESCAP's anticipated-progress idea, adapted to a year that
is under way; see docs/analysis.md).  A year-to-date figure is turned into a
year-end one by the pattern of earlier years at the same month: for a
cumulative growth rate, the year-end rate ≈ the rate to month m plus the mean
change from month m to December in earlier years; for a cumulative level, the
year-end level ≈ level to month m ÷ the mean share of the year reached by
month m.  For an average over several years, years not yet begun are taken at the projected
rate of the year under way, with twice its spread.  The spread of those earlier changes gives
the interval (at least a
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
from dataclasses import dataclass
from datetime import date
from statistics import NormalDist, mean, stdev

from wenzeng.analysis.tracking_core import (
    Assessment,
    Evidence,
    Fetch,
    FigureKind,
    Peers,
    ProgressNote,
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
    judged,
    judged_value,
    measure_of,
    meets,
)
from wenzeng.analysis.tracking_kinds import assess_count_above, assess_qualitative, assess_rank
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
    "Peers",
    "ProgressNote",
    "Projection",
    "Status",
    "assess",
    "judge_final",
    "judge_projection",
    "meets",
]


# -- the assessment ---------------------------------------------------------------------------------
def assess(
    t: Target,
    ind: Indicator | None,
    catalogue: dict[str, Indicator],
    fetch: Fetch,
    as_of: date,
    peers: Peers | None = None,
) -> Assessment:
    """Assess one target as of a date, from the observations ``fetch`` returns (as of that date).

    ``ind`` is the target's indicator (None only for a qualitative target); ``peers`` gives
    what counts of entities and qualitative targets need (other entities, reported progress)."""
    peers = peers or Peers()
    if t.is_qualitative:
        return assess_qualitative(t, peers, as_of)
    if ind is None:
        raise ValueError(f"target {t.code}: its indicator is not in the catalogue")
    if t.computation is Computation.COUNT_ABOVE:
        return assess_count_above(t, ind, peers, as_of)
    if t.computation is Computation.RANK:
        return assess_rank(t, ind, fetch, as_of)
    if t.computation is Computation.AVERAGE_ANNUAL_GROWTH:
        return _assess_average_growth(t, ind, catalogue, fetch, as_of)
    return _assess_value_at_end(t, ind, catalogue, fetch, as_of)


def _name(catalogue: dict[str, Indicator], code: str) -> tuple[str, str]:
    ind = catalogue.get(code)
    return (ind.name.zh, ind.name.en) if ind else (code, code)


def _source_note(
    catalogue: dict[str, Indicator], t: Target, s: _Series, r: ObservationRecord, label: str
) -> tuple[str, str] | None:
    """How a figure not of the target's own published series was obtained, or None."""
    zh, en = _name(catalogue, s.indicator)
    if s.from_levels and r.period in s.inputs:
        now, before = s.inputs[r.period]
        return (
            f"{label}增速由{zh}水平值推算：{now.value:g}{now.unit or ''} ÷ "
            f"{before.value:g}{before.unit or ''} − 1 = {r.value:.2f}%",
            f"{label} growth derived from the levels of {en}: {now.value:g} ÷ "
            f"{before.value:g} − 1 = {r.value:.2f}%",
        )
    if s.indicator != indicator_of(t):
        return (
            f"{label}用{zh}（同一行业，另一发布机构）",
            f"{label} uses {en} (the same industry, another publisher)",
        )
    return None


def _assess_average_growth(
    t: Target, ind: Indicator, catalogue: dict[str, Indicator], fetch: Fetch, as_of: date
) -> Assessment:
    series = _series_with_alternates(t, ind, fetch)
    years = list(range(t.period.start, t.period.end + 1))
    used: list[ObservationRecord] = []
    evidence: list[Evidence] = []
    notes_zh, notes_en = [], []
    levels_only = False
    missing: list[int] = []
    for y in years:
        found = None
        for s in series:
            found = _annual(s.records, y)
            if found is not None:
                note = _source_note(catalogue, t, s, found, f"{y}年")
                if note:
                    notes_zh.append(note[0])
                    notes_en.append(note[1].replace(f"{y}年", str(y)))
                    levels_only = levels_only or s.from_levels
                evidence += s.evidence(found)
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
            figure=judged_value(avg),
            figure_kind=(
                FigureKind.DERIVED
                if levels_only
                else FigureKind.ALTERNATE
                if notes_zh
                else FigureKind.ACTUAL
            ),
            figure_note_zh=f"各年增速复合平均：({parts})^(1/{len(used)}) − 1 = {judged(avg)}%"
            + ("；" + "；".join(notes_zh) if notes_zh else ""),
            figure_note_en=f"compounded mean of the annual growth rates: ({parts})^(1/{len(used)})"
            f" − 1 = {judged(avg)}%" + ("; " + "; ".join(notes_en) if notes_en else ""),
            evidence=evidence,
        )
    # the years still to come: the first is under way (or just over) and is projected from
    # its year-to-date growth; later years not yet begun are taken at that projected rate
    first = missing[0]
    contiguous = missing == years[years.index(first) :]
    if not contiguous or first < as_of.year - 1:
        known = "、".join(str(y) for y in years if y not in missing) or "无"
        return Assessment(
            t,
            as_of,
            Status.NO_DATA,
            f"缺少{'、'.join(map(str, missing))}年的全年增速（已知：{known}）：无数据",
            f"no annual growth published for {', '.join(map(str, missing))}: no data",
            evidence=evidence,
        )
    projected: list[_YearRate] = []
    for y in missing:
        # the publisher whose year-to-date figure is the newest
        newest = max(
            (x for x in series if _latest_in_year(x.records, y) is not None),
            key=lambda x: _latest_in_year(x.records, y).period_obj.end,  # type: ignore[union-attr]
            default=None,
        )
        got = _year_rate(newest, y, catalogue) if newest else None
        if got is None:
            break
        projected.append(got)
        evidence += got.evidence
    if not projected:
        return Assessment(
            t,
            as_of,
            Status.NO_DATA,
            f"{first}年尚无可用于预测的累计增速：无数据",
            f"no cumulative growth for {first} to project from: no data",
            evidence=evidence,
        )
    assumed = missing[len(projected) :]
    projection = _project_average(t, rates, projected, assumed)
    status, rz, re_ = judge_projection(t, projection)
    need = _required_growth_for_average(t, rates, len(years), len(missing))
    floor = goal(t)[1] - (t.tolerance or 0)
    which_zh = "、".join(map(str, missing))
    which_en = ", ".join(map(str, missing))
    each_zh, each_en = ("年均", " a year") if len(missing) > 1 else ("", "")
    return Assessment(
        t,
        as_of,
        status,
        rz,
        re_,
        figure=judged_value(projection.mean),
        figure_kind=FigureKind.PROJECTED,
        figure_note_zh="；".join(notes_zh + [p.note_zh for p in projected]),
        figure_note_en="; ".join(notes_en + [p.note_en for p in projected]),
        evidence=evidence,
        projection=projection,
        required_value=need,
        required_zh=f"{which_zh}年增速需{each_zh}达到 {need:.2f}% 才能使平均增速达到 {floor:g}%",
        required_en=f"{which_en} need{'s' if len(missing) == 1 else ''} growth of {need:.2f}%"
        f"{each_en} for the average to reach {floor:g}%",
    )


def _required_growth_for_average(t: Target, known: list[float], n: int, left: int = 1) -> float:
    """The growth each of the ``left`` remaining years needs for the average to reach the goal."""
    floor = goal(t)[1] - (t.tolerance or 0)
    have = math.prod(1 + r / 100 for r in known)
    return float((((1 + floor / 100) ** n / have) ** (1 / left) - 1) * 100)


@dataclass(frozen=True)
class _YearRate:
    """A year under way: its full-year growth projected from its year-to-date growth."""

    rate: float
    sd: float
    basis: str
    analogues: int
    evidence: list[Evidence]
    note_zh: str
    note_en: str


def _year_rate(s: _Series, year: int, catalogue: dict[str, Indicator]) -> _YearRate | None:
    """Year-end cumulative growth ≈ growth to month m + mean (December − month m) of earlier years."""
    latest = _latest_in_year(s.records, year)
    if latest is None:
        return None
    m = latest.period_obj.index
    changes = []
    for y in range(year - 10, year):
        at_m = [r for r in s.records if r.period_obj == Period.cum_month(y, m)]
        final = _annual(s.records, y)
        if at_m and final is not None:
            changes.append(final.value - at_m[0].value)
    drift = mean(changes) if changes else 0.0
    sd = _spread(changes, floor=1.0 + (12 - m) * 0.25)
    label = latest.period_obj.label_zh
    how = "由水平值推算的" if s.from_levels else ""
    rate = latest.value + drift
    return _YearRate(
        rate,
        sd,
        f"{label}{how}累计增速 {latest.value:g}%",
        len(changes),
        s.evidence(latest),
        f"{year}年全年数据未发布，按{label}{how}累计增速 {latest.value:g}% 预计全年约 {rate:.2f}%"
        + (f"（{_name(catalogue, s.indicator)[0]}）" if s.from_levels else ""),
        f"{year} is not out: projected at about {rate:.2f}% from the growth of "
        f"{latest.period_obj.label_en}, {latest.value:g}%"
        + (" (derived from levels)" if s.from_levels else ""),
    )


def _project_average(
    t: Target, known: list[float], projected: list[_YearRate], assumed: list[int]
) -> Projection:
    """The average over the period with the years under way projected and the years not yet
    begun taken at the last projected rate, whose uncertainty they carry twice over."""
    last = projected[-1]
    rates = [*known, *(p.rate for p in projected), *(last.rate for _ in assumed)]
    avg = average_annual_growth(rates)
    # the average moves with each unknown year's rate, scaled by the compounding
    sd_avg = (sum(p.sd for p in projected) + sum(2 * last.sd for _ in assumed)) / len(rates)
    basis = "；".join(p.basis for p in projected)
    if assumed:
        basis += f"；{'、'.join(map(str, assumed))}年尚未开始，按 {last.rate:.2f}% 假设"
    return _projection(t, avg, sd_avg, basis, min(p.analogues for p in projected))


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
        note = _source_note(catalogue, t, s, final, final.period_obj.label_zh)
        return Assessment(
            t,
            as_of,
            status,
            rz,
            re_,
            figure=judged_value(x) if s.from_levels else x,
            figure_kind=FigureKind.DERIVED
            if s.from_levels
            else FigureKind.ACTUAL
            if s.indicator == indicator_of(t)
            else FigureKind.ALTERNATE,
            figure_note_zh=f"{final.period_obj.label_zh}{q}{x:g}{t.unit or ''}"
            + (f"；{note[0]}" if note else ""),
            figure_note_en=f"{final.period_obj.label_en}: {'more than ' if q else ''}{x:g}"
            f"{t.unit if t.unit == '%' else ' ' + unit_en(t.unit or '')}"
            + (f"; {note[1]}" if note else ""),
            evidence=s.evidence(final),
        )
    derived = _derived_share(t, ind, catalogue, fetch, year, as_of)
    if derived is not None:
        return derived
    bound = _lower_bound(t, ind, catalogue, fetch, year, as_of)
    if bound is not None:
        return bound
    return _project_or_no_data(t, ind, fetch, series, year, as_of)


def _derived_share(
    t: Target,
    ind: Indicator,
    catalogue: dict[str, Indicator],
    fetch: Fetch,
    year: int,
    as_of: date,
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
        figure=judged_value(x),
        figure_kind=FigureKind.DERIVED,
        figure_note_zh=f"由分子分母计算：{_name(catalogue, ind.numerator)[0]} "
        f"{num.value:g}{num.unit} ÷ {_name(catalogue, ind.denominator)[0]} "
        f"{den.value:g}{den.unit} = {judged(x)}%（{year}年占比未直接发布）",
        figure_note_en=f"computed from its parts: {_name(catalogue, ind.numerator)[1]} "
        f"{num.value:g} {unit_en(num.unit)} ÷ {_name(catalogue, ind.denominator)[1]} "
        f"{den.value:g} {unit_en(den.unit)} = "
        f"{judged(x)}% (the {year} share "
        "itself was not published)",
        evidence=[Evidence.of(num), Evidence.of(den)],
    )


def _lower_bound(
    t: Target,
    ind: Indicator,
    catalogue: dict[str, Indicator],
    fetch: Fetch,
    year: int,
    as_of: date,
) -> Assessment | None:
    if not ind.lower_bound_from:
        return None
    parts = [_annual(_published(fetch(code, measure_of(t))), year) for code in ind.lower_bound_from]
    known = [p for p in parts if p is not None]
    if not known:
        return None
    floor = sum(p.value for p in known)
    listed = "、".join(f"{_name(catalogue, p.indicator)[0]} {p.value:g}%" for p in known)
    listed_en = ", ".join(f"{_name(catalogue, p.indicator)[1]} {p.value:g}%" for p in known)
    missing = [c for c, p in zip(ind.lower_bound_from, parts, strict=True) if p is None]
    missing_zh = [_name(catalogue, c)[0] for c in missing]
    missing_en = [_name(catalogue, c)[1] for c in missing]
    if meets(t, floor):
        status, rz, re_ = (
            Status.ACHIEVED,
            f"{year}年全口径占比未发布；已知组成部分之和至少 {floor:.1f}%（{listed}），"
            f"已满足目标 {_goal_text(t)}：达标",
            f"the {year} share itself was not published; its known parts add up "
            f"to at least {floor:.1f}% ({listed_en}), which meets {_goal_text(t)}: "
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
        + (f"；未发布：{'、'.join(missing_zh)}" if missing else ""),
        figure_note_en=f"at least {floor:.1f}%, from {listed_en}"
        + (f"; not published: {', '.join(missing_en)}" if missing else ""),
        evidence=[Evidence.of(p) for p in known],
    )


def _project_or_no_data(
    t: Target, ind: Indicator, fetch: Fetch, series: list[_Series], year: int, as_of: date
) -> Assessment:
    records = series[0].records
    latest = _latest_in_year(records, year)
    related = sorted(records, key=lambda r: r.period_obj.end)[-3:]
    if measure_of(t) == "yoy_pct" and as_of.year <= year + 1:
        # growth: the year-end rate from the newest year-to-date rate, by any route
        newest = max(
            (x for x in series if _latest_in_year(x.records, year) is not None),
            key=lambda x: _latest_in_year(x.records, year).period_obj.end,  # type: ignore[union-attr]
            default=None,
        )
        got = _year_rate(newest, year, {}) if newest else None
        if got is not None:
            proj = _projection(t, got.rate, got.sd, got.basis, got.analogues)
            status, rz, re_ = judge_projection(t, proj)
            return Assessment(
                t,
                as_of,
                status,
                rz,
                re_,
                figure=proj.mean,
                figure_kind=FigureKind.PROJECTED,
                figure_note_zh=got.note_zh,
                figure_note_en=got.note_en,
                evidence=got.evidence,
                projection=proj,
            )
        latest = None
    if latest is not None and as_of.year <= year + 1:
        level = _project_level(records, latest, year, t)
        if level is not None:
            status, rz, re_ = judge_projection(t, level)
            return Assessment(
                t,
                as_of,
                status,
                rz,
                re_,
                figure=level.mean,
                figure_kind=FigureKind.PROJECTED,
                evidence=[Evidence.of(latest)],
                projection=level,
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
