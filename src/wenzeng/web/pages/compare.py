"""The comparison of regions (地区对比): one series of one indicator for several regions on one
chart, with the figures as a table (its CSV and Excel twins) and their sources under the chart.

``/compare?indicator=revenue_elec&regions=510000,440000&measure=yoy_pct&period_type=cum_month
&from=2023-01&to=2024-09``; regions may also be given one a parameter.  Without regions, the
five with the highest latest figure are shown; without ``from`` and ``to``, the last 36 months
of figures (the periods that end in the range are shown).  Each user sees the figures their own pages show them (published figures,
and the unpublished ones of their scope).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from wenzeng.auth.principal import Principal
from wenzeng.domain import labels
from wenzeng.domain.catalog import Entity
from wenzeng.domain.citing import cited
from wenzeng.domain.observation import ObservationRecord
from wenzeng.domain.periods import Period, PeriodError, parse_period
from wenzeng.errors import ValidationFailed
from wenzeng.present.compare_charts import compare_chart
from wenzeng.present.observation_rows import record_row
from wenzeng.services import directory as d
from wenzeng.services.context import Context
from wenzeng.services.search import FINDABLE_PLACES
from wenzeng.web.deps import CtxDep
from wenzeng.web.pages.figures import value_text
from wenzeng.web.pages.formats import page_format, respond
from wenzeng.web.security import PrincipalDep
from wenzeng.web.templating import page_lang

router = APIRouter(include_in_schema=False)

MAX_REGIONS = 10  # more lines than this are no longer readable on one chart
DEFAULT_COUNT = 5
DEFAULT_MONTHS = d.WINDOW_MONTHS  # the range shown when none is asked for
COMPARE_COLUMNS = [
    ("entity", "地区代码 Region code"),
    ("region_zh", "地区 Region"),
    ("region_en", "英文名称 English name"),
    ("period_label_zh", "报告期 Period"),
    ("period", "报告期代码 Period code"),
    ("value", "数值 Value"),
    ("qualifier", "限定 Qualifier"),
    ("unit", "单位 Unit"),
    ("vintage", "可得日期 Known by"),
    ("publisher", "发布机构 Publisher"),
    ("release", "发布稿 Release"),
    ("source_title", "来源 Source"),
    ("source_url", "来源链接 Source URL"),
    ("flag", "模拟数据 Simulated"),
]


def places(ctx: Context) -> list[Entity]:
    """The places one may compare: the nation first, then the regions by code."""
    found = ctx.catalogue.entities_of(*FINDABLE_PLACES)
    return sorted(found, key=lambda e: (e.kind.value != "nation", e.code))


def asked_regions(ctx: Context, given: list[str] | None) -> list[Entity]:
    """The regions asked for, by code or name, one a parameter or separated by commas."""
    allowed = {e.code for e in places(ctx)}
    out: list[Entity] = []
    for part in (x.strip() for g in given or [] for x in g.replace("，", ",").split(",")):
        if not part:
            continue
        e = ctx.catalogue.find_entity(part)
        if e is None or e.code not in allowed:
            raise ValidationFailed(
                f"参数 regions：没有这个地区 {part!r} / parameter regions: no such region {part!r}"
            )
        if e not in out:
            out.append(e)
    if len(out) > MAX_REGIONS:
        raise ValidationFailed(
            f"参数 regions：最多对比 {MAX_REGIONS} 个地区（给出 {len(out)} 个）/ parameter "
            f"regions: at most {MAX_REGIONS} regions on one chart ({len(out)} given)"
        )
    return out


def _latest_first(records: list[ObservationRecord], count: int) -> list[str]:
    """The regions with the highest latest figure of the latest period most of them have."""
    latest: dict[str, ObservationRecord] = {}
    for r in records:
        latest[r.entity] = r  # ordered by period within each region
    if not latest:
        return []
    periods = [r.period for r in latest.values()]
    common = max(set(periods), key=lambda x: (periods.count(x), x))
    ranked = sorted(
        (r for r in latest.values() if r.period == common and r.value is not None),
        key=lambda r: -(r.value or 0.0),
    )
    return [r.entity for r in ranked[:count]]


def asked_month(text: str | None, name: str) -> Period | None:
    """The month a range parameter names (``2023-01``, ``2023年1月``; a year or a quarter is
    read as its first or last month); None when it is empty."""
    if text is None or not text.strip():
        return None
    try:
        found = parse_period(text)
    except PeriodError as exc:
        raise ValidationFailed(
            f"参数 {name}：{exc.zh}，应为月份如 2023-01 / parameter {name}: {exc.en}; "
            "a month such as 2023-01"
        ) from exc
    day = found.start if name == "from" else found.end
    return Period.month(day.year, day.month)


def _month_of(day: date) -> Period:
    return Period.month(day.year, day.month)


def _months_back(m: Period, count: int) -> Period:
    """The month ``count`` months before ``m``."""
    n = m.year * 12 + m.index - 1 - count
    return Period.month(n // 12, n % 12 + 1)


@dataclass(frozen=True)
class Range:
    """The months the comparison shows: the periods that end from ``first`` to ``last``."""

    first: Period | None
    last: Period | None
    error: tuple[str, str] | None = None

    def holds(self, r: ObservationRecord) -> bool:
        if self.first is None or self.last is None or self.error:
            return False
        return self.first.start <= r.period_obj.end <= self.last.end

    def as_dict(self, held: list[Period]) -> dict[str, Any]:
        """The range for the page, with the months its pickers offer, newest first."""
        months = set(held)
        if held:
            at, oldest = max(held), min(held)
            while at > oldest:  # every month between the oldest figure and the newest
                at = _months_back(at, 1)
                months.add(at)
        months.update(m for m in (self.first, self.last) if m is not None)
        return {
            "from": self.first.code if self.first else None,
            "to": self.last.code if self.last else None,
            "from_zh": self.first.label_zh if self.first else None,
            "from_en": self.first.label_en if self.first else None,
            "to_zh": self.last.label_zh if self.last else None,
            "to_en": self.last.label_en if self.last else None,
            "error": {"zh": self.error[0], "en": self.error[1]} if self.error else None,
            "months": [
                {"code": m.code, "zh": m.label_zh, "en": m.label_en}
                for m in sorted(months, reverse=True)
            ],
        }


def chosen_range(
    records: list[ObservationRecord], first: Period | None, last: Period | None
) -> Range:
    """The range asked for; what is not asked for runs to the newest figure and back
    36 months from the end of the range.  ``from`` after ``to`` is an error said on the page."""
    if first is not None and last is not None and first > last:
        return Range(
            first,
            last,
            (
                f"起始期间（{first.label_zh}）晚于截止期间（{last.label_zh}），请重新选择。",
                f"The range starts ({first.label_en}) after it ends ({last.label_en}): "
                "choose again.",
            ),
        )
    newest = max((r.period_obj.end for r in records), default=None)
    if last is None and newest is not None:
        last = _month_of(newest)
    if last is not None and first is None:
        first = _months_back(last, DEFAULT_MONTHS - 1)
    if first is not None and last is None:
        last = _months_back(first, -(DEFAULT_MONTHS - 1))
    return Range(first, last)


def compare_context(
    ctx: Context,
    p: Principal,
    indicator: str,
    regions: list[str] | None,
    measure: str,
    period_type: str,
    en: bool,
    since: str | None = None,
    until: str | None = None,
) -> dict[str, Any]:
    """The comparison; ``since`` and ``until`` (``from``, ``to``): the months of its range."""
    from_month, to_month = asked_month(since, "from"), asked_month(until, "to")
    asked = ctx.catalogue.indicator(indicator)  # an unknown code: 404 with the code named
    regional = d.map_indicators(ctx.catalogue)
    moved = []
    if asked not in regional and regional:  # say so, and compare a regional indicator instead
        moved.append(
            (
                f"{asked.name.zh}没有地区数据，改为显示{regional[0].name.zh}。",
                f"{asked.name.en} has no regional figures: showing {regional[0].name.en}.",
            )
        )
        indicator = regional[0].code
    choice = d.choose(ctx, indicator, measure, period_type, "scale")
    ind = choice.indicator
    chosen = asked_regions(ctx, regions)
    everywhere = places(ctx)
    seen = d.visible_observations(
        ctx,
        p,
        entities=[e.code for e in (chosen or everywhere)],
        indicator=ind.code,
        measure=choice.measure,
        period_type=choice.period_type,
    )
    span = chosen_range(seen.records, from_month, to_month)
    records = [r for r in seen.records if span.holds(r)]
    picked_for_you = not chosen
    if picked_for_you:
        codes = _latest_first([r for r in records if r.entity != "CN"], DEFAULT_COUNT)
        chosen = [e for e in everywhere if e.code in codes]
        chosen.sort(key=lambda e: codes.index(e.code))
    by_region: dict[str, list[ObservationRecord]] = {e.code: [] for e in chosen}
    for r in records:
        if r.entity in by_region:
            by_region[r.entity].append(r)
    unit = (ind.unit or "") if choice.measure == "level" else "%"
    lines = []
    table = []
    summary = []
    for e in chosen:
        rows = [record_row(r) for r in by_region[e.code]]
        lines.append((e.name.en if en else e.name.zh, rows))
        for row in rows:
            table.append({**row, "region_zh": e.name.zh, "region_en": e.name.en})
        last = rows[-1] if rows else None
        summary.append(
            {
                "code": e.code,
                "zh": e.name.zh,
                "en": e.name.en,
                "count": len(rows),
                "latest": value_text(last["value"], unit, last["qualifier"]) if last else None,
                "period_label_zh": last["period_label_zh"] if last else None,
                "period_label_en": last["period_label_en"] if last else None,
                "hidden": e.code in seen.hidden_entities,
            }
        )
    table.sort(key=lambda r: (r["x"], r["entity"]), reverse=True)
    chosen_codes = {e.code for e in chosen}
    m_zh, m_en = labels.pair(labels.MEASURE, choice.measure)
    t_zh, t_en = labels.pair(labels.PERIOD_TYPE, choice.period_type)
    return {
        "indicator": {"code": ind.code, "zh": ind.name.zh, "en": ind.name.en, "unit": unit},
        "measure": choice.measure,
        "period_type": choice.period_type,
        "series_zh": f"{m_zh}（{t_zh}）",
        "series_en": f"{m_en} ({t_en})",
        "notices": [{"zh": zh, "en": en_} for zh, en_ in [*moved, *choice.notices]],
        "picked_for_you": picked_for_you,
        "regions": summary,
        "sources": sorted(
            {
                cited(r["publisher"], r["release"], r["source_title"], "en" if en else "zh")
                for r in table
                if r["publisher"] or r["source_title"]
            }
        ),
        "as_of": max((r["vintage"] for r in table), default=None),
        "any_simulated": any(r["simulated"] for r in table),
        "period_range": span.as_dict(sorted({_month_of(r.period_obj.end) for r in seen.records})),
        "options": {
            "indicators": [
                {"code": i.code, "zh": i.name.zh, "en": i.name.en}
                for i in d.map_indicators(ctx.catalogue)
            ],
            "regions": [
                {"code": e.code, "zh": e.name.zh, "en": e.name.en, "on": e.code in chosen_codes}
                for e in everywhere
            ],
            "measures": labels.options(labels.MEASURE, "code"),
            "period_types": labels.options(labels.PERIOD_TYPE, "code"),
            "max_regions": MAX_REGIONS,
        },
        "chart": compare_chart(
            lines,
            choice.measure,
            choice.period_type,
            unit,
            en,
            span=(span.first.start, span.last.end) if span.first and span.last else None,
        )
        if table
        else None,
        "charts": bool(table),
        "table": table,
        "columns": COMPARE_COLUMNS,
    }


@router.get("/compare", response_class=HTMLResponse)
@router.get("/compare.{fmt}")
def compare_page(
    request: Request,
    ctx: CtxDep,
    p: PrincipalDep,
    indicator: str = "revenue_elec",
    regions: Annotated[list[str] | None, Query()] = None,
    measure: str = "yoy_pct",
    period_type: str = "cum_month",
    since: Annotated[str | None, Query(alias="from")] = None,
    until: Annotated[str | None, Query(alias="to")] = None,
) -> Response:
    fmt = page_format(request, "compare")
    en = page_lang(request) == "en"
    context = compare_context(ctx, p, indicator, regions, measure, period_type, en, since, until)
    error = context["period_range"]["error"]
    if error and fmt != "html":  # a download of nothing would read as no figures
        raise ValidationFailed(f"{error['zh']} / {error['en']}")
    return respond(request, "compare.html", context, fmt, f"compare-{context['indicator']['code']}")
