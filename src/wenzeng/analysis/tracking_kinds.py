"""The target kinds beyond one figure of one entity: counts of entities above a threshold
(5 个省份营收过万亿元), ranks (保持首位) and qualitative targets (向智能化、高端化迈进).

- ``count_above``: every entity of the target's ``entity_kind`` whose figure for the final
  year passes ``threshold_comparator threshold`` is counted; the count is compared with the
  target.  Entities without a figure are listed: when the known count does not settle the
  target, the status says how many are known above, below and unknown (有风险 while the
  unknown could still make up the difference, 无数据 when nothing is known).
- ``rank``: an indicator published as a rank (1 = first); the final year's rank is judged,
  else the newest rank inside the target period shows where it stands.
- ``qualitative``: no number, ever; the status is 定性目标 and the assessment carries the
  progress reported on it.
"""

from __future__ import annotations

from datetime import date

from wenzeng.analysis.tracking_core import (
    Assessment,
    Evidence,
    Fetch,
    FigureKind,
    Peers,
    Status,
    _annual,
    _goal_text,
    _in_unit,
    _latest_in_year,
    _published,
    _series_with_alternates,
    compare,
    judge_final,
    meets,
)
from wenzeng.domain.catalog import Indicator
from wenzeng.domain.observation import ObservationRecord
from wenzeng.domain.plan import Comparator, Target

ENTITY_KIND_ZH = {
    "province": "省份",
    "plan_city": "计划单列市",
    "city": "城市",
    "enterprise": "企业",
    "association": "行业协会",
}


def _kind_zh(kind: str) -> str:
    return ENTITY_KIND_ZH.get(kind, "地区")


def assess_count_above(t: Target, ind: Indicator, peers: Peers, as_of: date) -> Assessment:
    year = t.period.end
    kind = t.entity_kind or ""
    bar = f"{t.threshold_comparator.symbol}{t.threshold:g}{t.threshold_unit or ''}"
    name = ind.name.zh
    if peers.fetch is None or peers.entities is None:
        return Assessment(
            t,
            as_of,
            Status.NO_DATA,
            f"无法读取各{_kind_zh(kind)}的{name}数据：无数据",
            f"no figures by {kind} could be read: no data",
        )
    above: list[tuple[str, ObservationRecord, float]] = []
    below: list[tuple[str, ObservationRecord, float]] = []
    unknown: list[str] = []
    related: list[Evidence] = []
    for code, entity_name in peers.entities(kind):
        records = _published(peers.fetch(t.indicator, t.measure.value, code))
        final = _annual(records, year)
        x = _in_unit(final, t.threshold_unit or "") if final is not None else None
        passes = (
            final is not None
            and x is not None
            and compare(t.threshold_comparator, x, t.threshold or 0.0)
        )
        if final is not None and x is not None and (passes or final.qualifier != ">"):
            (above if passes else below).append((entity_name, final, x))
            continue
        unknown.append(entity_name)
        latest = _latest_in_year(records, year)
        if latest is not None:
            related.append(Evidence.of(latest, "related"))
    count = len(above)
    unit = t.threshold_unit or ""
    listed_above = "、".join(f"{n} {x:g}{unit}" for n, _, x in above) or "无"
    listed_below = "、".join(f"{n} {x:g}{unit}" for n, _, x in below) or "无"
    kind_zh = _kind_zh(kind)
    note_zh = (
        f"{year}年{name}{bar}的{kind_zh}：{listed_above}（{count}个）；"
        f"已知未达到的：{listed_below}" + (f"；无数据：{'、'.join(unknown)}" if unknown else "")
    )
    note_en = f"{count} {kind} entities with {year} figures {bar}; {len(below)} known below" + (
        f"; {len(unknown)} without a figure" if unknown else ""
    )
    evidence = [Evidence.of(r) for _, r, _ in above] + [Evidence.of(r) for _, r, _ in below]
    common = dict(
        figure=float(count),
        figure_note_zh=note_zh,
        figure_note_en=note_en,
        evidence=evidence,
        related=related,
    )
    upward = t.comparator not in (Comparator.LT, Comparator.LE)
    if not unknown or (upward and meets(t, count)) or (not upward and not meets(t, count)):
        # settled: every entity is known, or the ones known above already decide it
        status, rz, re_ = judge_final(t, count, FigureKind.ACTUAL)
        if unknown and upward:
            rz = f"已知{count}个{kind_zh}{bar}，" + rz
            re_ = f"{count} known {bar}; " + re_
        kind_ = FigureKind.ACTUAL if not unknown else FigureKind.LOWER_BOUND
        return Assessment(t, as_of, status, rz, re_, figure_kind=kind_, **common)  # type: ignore[arg-type]
    if not above and not below:
        return Assessment(
            t,
            as_of,
            Status.NO_DATA,
            f"{year}年各{kind_zh}{name}数据均未发布：无数据",
            f"no {kind} figure of {year} has been published: no data",
            related=related,
        )
    possible = meets(t, count + len(unknown)) if upward else True
    status = Status.AT_RISK if possible else Status.UNLIKELY
    return Assessment(
        t,
        as_of,
        status,
        f"已知{count}个{kind_zh}{bar}，{len(below)}个未达到，{len(unknown)}个尚无数据；"
        f"目标 {_goal_text(t)}"
        + ("，尚待其余数据：有风险" if possible else "，其余即使全部达到也不足：难以达标"),
        f"{count} known {bar}, {len(below)} below, {len(unknown)} without a figure; goal "
        f"{_goal_text(t)}: " + ("at risk until the rest are known" if possible else "unlikely"),
        figure_kind=FigureKind.LOWER_BOUND,
        **common,  # type: ignore[arg-type]
    )


def assess_rank(t: Target, ind: Indicator, fetch: Fetch, as_of: date) -> Assessment:
    year = t.period.end
    series = _series_with_alternates(t, ind, fetch)
    records = [r for s in series for r in s.records]
    final = _annual(records, year)
    if final is not None:
        x = final.value
        status, rz, re_ = judge_final(t, x, FigureKind.ACTUAL)
        return Assessment(
            t,
            as_of,
            status,
            f"{year}年{ind.name.zh}排名第{x:g}位；" + rz,
            f"ranked {x:g} in {year}; " + re_,
            figure=x,
            figure_kind=FigureKind.ACTUAL,
            figure_note_zh=f"{final.period_obj.label_zh}排名第{x:g}位",
            figure_note_en=f"{final.period_obj.label_en}: ranked {x:g}",
            evidence=[Evidence.of(final)],
        )
    inside = [
        r
        for r in records
        if t.period.start <= r.period_obj.year <= year and r.period_obj.end <= as_of
    ]
    if not inside:
        return Assessment(
            t,
            as_of,
            Status.NO_DATA,
            f"目标期内尚无{ind.name.zh}排名数据：无数据",
            "no rank has been published for the target period: no data",
        )
    latest = max(inside, key=lambda r: r.period_obj.end)
    x = latest.value
    ok = meets(t, x)
    status = Status.BASICALLY if ok else Status.AT_RISK
    return Assessment(
        t,
        as_of,
        status,
        f"{year}年排名未发布；最新为{latest.period_obj.label_zh}第{x:g}位，"
        + ("满足目标，保持即可达标：基本达标" if ok else f"未满足目标 {_goal_text(t)}：有风险"),
        f"the {year} rank is not out; the latest, {latest.period_obj.label_en}, is {x:g}: "
        + ("meets the target, basically on target" if ok else "misses the target, at risk"),
        figure=x,
        figure_kind=FigureKind.PROJECTED,
        figure_note_zh=f"{latest.period_obj.label_zh}排名第{x:g}位（目标期末排名未发布）",
        figure_note_en=f"{latest.period_obj.label_en}: ranked {x:g} (final rank not out)",
        evidence=[Evidence.of(latest)],
    )


def assess_qualitative(t: Target, peers: Peers, as_of: date) -> Assessment:
    notes = peers.progress(t) if peers.progress is not None else []
    latest = "；".join(f"{n.reporter}（{n.period}）：{n.text}" for n in notes[:3])
    return Assessment(
        t,
        as_of,
        Status.QUALITATIVE,
        "定性目标，不以数值评估，依据报送的进展评估"
        + (f"；最新报送：{latest}" if notes else "；尚无报送的进展"),
        "a qualitative target, judged on the progress reported, never on a number"
        + (f"; {len(notes)} progress reports" if notes else "; no progress reported yet"),
        progress=notes,
    )
