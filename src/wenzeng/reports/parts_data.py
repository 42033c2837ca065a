"""Report parts built from the figures: sentences, tables and charts of indicators."""

from __future__ import annotations

from collections.abc import Sequence

from wenzeng.domain.catalog import EntityKind, Nature
from wenzeng.domain.observation import ObservationRecord
from wenzeng.domain.periods import Period, PeriodType
from wenzeng.reports.builder import DASH, Builder, Frame
from wenzeng.reports.citations import unit_text
from wenzeng.reports.definition import (
    NarrativePart,
    ProductsPart,
    RegionsPart,
    SectorsPart,
    TablePart,
    TrendPart,
)
from wenzeng.reports.document import Block, Cell, Fig, Paragraph, Run, Table, Text
from wenzeng.reports.narrative import Cited, ItemFigures, Labels, pct_text

Row = tuple[Cell, ...]


def _cited(b: Builder, r: ObservationRecord | None) -> Cited | None:
    return None if r is None else Cited(r.value, b.cite.fig(r))


def _is_rate(b: Builder, code: str) -> bool:
    return b.indicator(code).nature in (Nature.RATE, Nature.SHARE)


def item_figures(b: Builder, code: str, frame: Frame | None = None) -> ItemFigures:
    """An indicator's year-to-date figures (published, national)."""
    f = frame or b.frame
    if _is_rate(b, code):
        measure = "share_pct" if b.indicator(code).nature is Nature.SHARE else "level"
        r = b.one(code, measure, f.ytd)
        return ItemFigures(value=b.cite.fig(r) if r else None)
    level = b.one(code, "level", f.ytd)
    return ItemFigures(
        level=b.cite.level(level) if level else None,
        yoy=_cited(b, b.one(code, "yoy_pct", f.ytd)),
        prev_yoy=_cited(b, b.one(code, "yoy_pct", f.prev)) if f.prev else None,
        month_yoy=_cited(b, b.one(code, "yoy_pct", f.month)),
    )


def latest_frame(b: Builder, code: str) -> Frame:
    """For a year's report made before the year's figures are out: the latest year-to-date
    period of the year that has the indicator's growth; the report's own frame otherwise."""
    f = b.frame
    if f.period.type is not PeriodType.YEAR:
        return f
    year = f.period.year
    for month in range(12, 1, -1):
        if b.one(code, "yoy_pct", Period.cum_month(year, month)) is not None:
            prev = Period.cum_month(year, month - 3) if month > 3 else None
            return Frame(f.period, Period.cum_month(year, month), prev, Period.month(year, month))
    return f


def narrative(b: Builder, part: NarrativePart) -> list[Block]:
    out: list[Block] = []
    for code in part.indicators:
        f = latest_frame(b, code)
        labels = Labels(
            subject=b.subject(code),
            ytd=f.label(f.ytd, b.lang),
            prev=f.label(f.prev, b.lang, with_year=False) if f.prev else None,
            month=f.label(f.month, b.lang, with_year=False),
        )
        out.append(b.say.sentence(labels, item_figures(b, code, f)))
    return out


def _cell(text: str) -> Cell:
    return (Text(text),)


def _signed(c: Cited | None) -> Cell:
    if c is None:
        return _cell(DASH)
    return (Fig(f"{c.value:.1f}", c.fig.ref, c.value),)


def _points(now: Cited | None, before: Cited | None) -> Cell:
    if now is None or before is None:
        return _cell(DASH)
    d = round(round(now.value, 1) - round(before.value, 1), 1)
    return (Fig(f"{d:+.1f}", None, d),)


def _fig_cell(fig: Fig | None) -> Cell:
    return _cell(DASH) if fig is None else (fig,)


def table(b: Builder, part: TablePart) -> list[Block]:
    f = b.frame
    ytd, month = f.label(f.ytd, b.lang, with_year=False), f.label(f.month, b.lang, with_year=False)
    prev = f.label(f.prev, b.lang, with_year=False) if f.prev else DASH
    header = (
        b.pick("指标", "Indicator"),
        b.pick(f"{ytd}累计", ytd),
        b.pick("累计同比(%)", "YoY (%)"),
        b.pick(f"比{prev}(百分点)", f"vs {prev} (pp)"),
        b.pick(f"{month}同比(%)", f"{month} YoY (%)"),
    )
    rows: list[Row] = []
    for code in part.indicators:
        figs = item_figures(b, code)
        rows.append(
            (
                _cell(b.subject(code) if b.lang == "zh" else b.indicator(code).name.en),
                _fig_cell(figs.value or figs.level),
                _signed(figs.yoy),
                _points(figs.yoy, figs.prev_yoy),
                _signed(figs.month_yoy),
            )
        )
    note = b.pick(
        "注：增速按可比口径计算；“—”表示数据暂缺或不适用。",
        "Note: growth on a comparable basis; '—' means no figure yet or not applicable.",
    )
    return [
        Table(
            part.code,
            b.table_caption(b.t(part.caption)),
            header,
            tuple(rows),
            (False, True, True, True, True),
            note,
        )
    ]


def months_back(end: Period, count: int) -> list[Period]:
    """The ``count`` year-to-date periods up to ``end`` (January alone is never published)."""
    out: list[Period] = []
    year, month = end.year, end.index
    while len(out) < count:
        if month >= 2:
            out.append(Period.cum_month(year, month))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return out[::-1]


def _short(p: Period) -> str:
    return f"{p.year}.{p.index:02d}"


def trend(b: Builder, part: TrendPart) -> list[Block]:
    periods = months_back(b.frame.ytd, part.months)
    codes = [p.code for p in periods]
    series: list[tuple[str, list[float | None]]] = []
    for code in part.indicators:
        rows = b.facts.observations(code, ["CN"], "yoy_pct", "cum_month", codes, simulated=False)
        by = {r.period: r.value for r in rows}
        series.append((b.t(b.indicator(code).name), [by.get(c) for c in codes]))
    if not any(v is not None for _, values in series for v in values):
        return [b.missing(f"{b.t(part.caption)}：暂无数据。", f"{b.t(part.caption)}: no data yet.")]
    return [
        b.chart(
            part.code, b.t(part.caption) + "（%）", "line", [_short(p) for p in periods], series
        )
    ]


def products(b: Builder, part: ProductsPart) -> list[Block]:
    f = b.frame
    rows: list[Row] = []
    growth: list[tuple[str, float]] = []
    up = down = missing = 0
    for code in part.indicators:
        ind = b.indicator(code)
        level = b.one(code, "level", f.ytd)
        yoy = b.one(code, "yoy_pct", f.ytd)
        name = ind.short_name if hasattr(ind, "short_name") and ind.short_name else ind.name
        label = b.t(name).removesuffix("产量") if b.lang == "zh" else b.t(name)
        unit = (
            unit_text(level.published_unit or level.unit, b.lang)
            if level
            else unit_text(ind.unit, b.lang)
        )
        rows.append(
            (
                _cell(label),
                _cell(unit.strip() or DASH),
                (b.cite.fig(level, (level.published_value or f"{level.value:g}").lstrip("+")),)
                if level
                else _cell(DASH),
                _signed(_cited(b, yoy)),
            )
        )
        if yoy is None:
            missing += 1
            continue
        growth.append((label, yoy.value))
        up += yoy.value > 0
        down += yoy.value < 0
    ytd = f.label(f.ytd, b.lang)
    out: list[Block] = [
        b.summary(
            "products",
            ytd=ytd,
            total=str(len(part.indicators)),
            up=str(up),
            down=str(down),
            missing=str(missing),
        ),
        Table(
            part.code,
            b.table_caption(b.t(part.caption)),
            (
                b.pick("产品", "Product"),
                b.pick("单位", "Unit"),
                f.label(f.ytd, b.lang, with_year=False),
                b.pick("同比(%)", "YoY (%)"),
            ),
            tuple(rows),
            (False, False, True, True),
            b.pick("注：“—”表示数据暂缺。", "Note: '—' means no figure yet."),
        ),
    ]
    if growth:
        growth.sort(key=lambda g: g[1])
        out.append(
            b.chart(
                part.code + "_growth",
                b.pick(
                    f"{ytd}主要产品产量同比增速（%）", f"Output growth of key products, {ytd} (%)"
                ),
                "barh",
                [g[0] for g in growth],
                [(ytd, [g[1] for g in growth])],
            )
        )
    return out


def _growth_text(r: ObservationRecord) -> Fig:
    return Fig(("-" if r.value < 0 else "") + pct_text(r.value), None, r.value)


def regions(b: Builder, part: RegionsPart) -> list[Block]:
    f = b.frame
    ytd = f.label(f.ytd, b.lang)
    groups = [
        e.code
        for e in b.cat.entities_of(EntityKind.REGION_GROUP)
        if e.code in ("East", "Central", "West", "Northeast")
    ]
    levels = b.panel(part.indicator, groups, "level", f.ytd, simulated=False)
    growth = b.panel(part.indicator, groups, "yoy_pct", f.ytd, simulated=False)
    out: list[Block] = []
    if growth:
        ranked = sorted(growth.values(), key=lambda r: r.value)
        best, worst = ranked[-1], ranked[0]
        out.append(
            b.summary(
                "regions",
                ytd=ytd,
                best=b.entity_name(best.entity),
                best_yoy=(b.cite.fig(best),),
                worst=b.entity_name(worst.entity),
                worst_yoy=(b.cite.fig(worst),),
            )
        )
    else:
        out.append(
            b.missing(
                f"分地区数据：{ytd}暂未发布。", f"Regional figures for {ytd} are not published yet."
            )
        )
    rows: list[Row] = []
    for code in groups:
        lv, gr = levels.get(code), growth.get(code)
        rows.append(
            (
                _cell(b.entity_name(code)),
                (b.cite.level(lv),) if lv else _cell(DASH),
                _signed(_cited(b, gr)),
            )
        )
    out.append(
        Table(
            part.code,
            b.table_caption(
                f"{ytd}{b.t(part.caption)}" if b.lang == "zh" else f"{b.t(part.caption)}, {ytd}"
            ),
            (b.pick("地区", "Region"), b.pick("营业收入", "Revenue"), b.pick("同比(%)", "YoY (%)")),
            tuple(rows),
            (False, True, True),
            b.pick("注：“—”表示数据暂缺。", "Note: '—' means no figure yet."),
        )
    )
    if growth:
        names = [b.entity_name(c) for c in groups if c in growth]
        out.append(
            b.chart(
                part.code + "_growth",
                b.pick(f"{ytd}分地区营业收入同比增速（%）", f"Revenue growth by region, {ytd} (%)"),
                "barh",
                names,
                [(ytd, [growth[c].value for c in groups if c in growth])],
            )
        )
    out.extend(_provinces(b, part))
    return out


def _provinces(b: Builder, part: RegionsPart) -> list[Block]:
    f = b.frame
    ytd = f.label(f.ytd, b.lang)
    reporters = [
        e.code
        for e in b.cat.entities_of(EntityKind.PROVINCE, EntityKind.PLAN_CITY, EntityKind.XPCC)
    ]
    levels = b.panel(part.provinces_indicator, reporters, "level", f.ytd)
    growth = b.panel(part.provinces_indicator, reporters, "yoy_pct", f.ytd)
    if not levels:
        return [
            b.missing(
                f"重点省市运行调度数据：{ytd}暂无报送。",
                f"Monitoring returns of the regions: none for {ytd} yet.",
            )
        ]
    top = sorted(levels.values(), key=lambda r: -r.value)[: part.top]
    up = sum(1 for r in top if (g := growth.get(r.entity)) is not None and g.value > 0)
    down = sum(1 for r in top if (g := growth.get(r.entity)) is not None and g.value < 0)
    rows: list[Row] = [
        (
            _cell(b.entity_name(r.entity)),
            (b.cite.level(r),),
            _signed(_cited(b, growth.get(r.entity))),
        )
        for r in top
    ]
    simulated = any(r.simulated for r in top)
    mark = b.pick("（模拟数据）", " (simulated)") if simulated else ""
    return [
        b.summary("provinces", ytd=ytd, n=str(len(top)), up=str(up), down=str(down)),
        Table(
            part.code + "_provinces",
            b.table_caption(
                b.pick(
                    f"{ytd}营业收入居前{len(top)}位的地区{mark}",
                    f"Regions with the largest revenue, {ytd}{mark}",
                )
            ),
            (b.pick("地区", "Region"), b.pick("营业收入", "Revenue"), b.pick("同比(%)", "YoY (%)")),
            tuple(rows),
            (False, True, True),
            b.pick(
                "资料来源：重点省市运行调度月报。",
                "Source: monthly monitoring returns of the regions.",
            ),
        ),
    ]


def _sector_of(b: Builder, sectors: Sequence[str]) -> str | None:
    if not sectors:
        return None
    code = sectors[0]
    while code in b.cat.sectors and b.cat.sectors[code].parent and len(code) > 3:
        code = b.cat.sectors[code].parent or code
    return code


def sectors(b: Builder, part: SectorsPart) -> list[Block]:
    f = b.frame
    ytd = f.label(f.ytd, b.lang)
    firms = b.cat.entities_of(EntityKind.ENTERPRISE)
    codes = [e.code for e in firms]
    now = b.panel(part.indicator, codes, "level", f.ytd) if codes else {}
    before = b.panel(part.indicator, codes, "level", f.ytd.shift_years(-1)) if codes else {}
    totals: dict[str, list[float]] = {}
    for e in firms:
        s = _sector_of(b, e.sectors)
        r, p = now.get(e.code), before.get(e.code)
        if s is None or r is None:
            continue
        t = totals.setdefault(s, [0.0, 0.0, 0.0, 0])
        t[0] += r.value
        t[3] += 1
        if p is not None:
            t[1] += r.value
            t[2] += p.value
    if not totals:
        return [
            b.missing(
                f"分行业数据：{ytd}重点企业暂无报送。",
                f"Sector figures: no returns of the monitored enterprises for {ytd} yet.",
            )
        ]
    rows: list[Row] = []
    names: list[str] = []
    growths: list[float] = []
    up = down = 0
    unit = unit_text(b.indicator(part.indicator).unit, b.lang).strip()
    for s, (total, matched, base, count) in sorted(totals.items(), key=lambda kv: -kv[1][0]):
        name = b.t(b.cat.sectors[s].name) if s in b.cat.sectors else s
        g = round((matched / base - 1) * 100, 1) if base > 0 else None
        rows.append(
            (
                _cell(name),
                _cell(str(int(count))),
                (Fig(f"{total:,.1f}".replace(",", ""), None, total),),
                _cell(DASH) if g is None else (Fig(f"{g:.1f}", None, g),),
            )
        )
        if g is not None:
            names.append(name)
            growths.append(g)
            up += g > 0
            down += g < 0
    out: list[Block] = [
        b.summary("sectors", ytd=ytd, n=str(len(rows)), up=str(up), down=str(down)),
        Table(
            part.code,
            b.table_caption(
                f"{ytd}{b.t(part.caption)}{b.pick('（模拟数据）', '')}"
                if b.lang == "zh"
                else f"{b.t(part.caption)}, {ytd} (simulated)"
            ),
            (
                b.pick("行业", "Sector"),
                b.pick("企业数", "Firms"),
                b.pick(f"营业收入({unit})", f"Revenue ({unit})"),
                b.pick("同比(%)", "YoY (%)"),
            ),
            tuple(rows),
            (False, True, True, True),
            b.pick(
                "注：按重点监测企业月报汇总；同比按上年同期均有报送的企业计算。",
                "Note: sums of the monitored enterprises' monthly returns; growth over the firms that also reported a year earlier.",
            ),
        ),
    ]
    if names:
        out.append(
            b.chart(
                part.code + "_growth",
                b.pick(f"{ytd}分行业营业收入同比增速（%）", f"Revenue growth by sector, {ytd} (%)"),
                "barh",
                names,
                [(ytd, growths)],
            )
        )
    return out


RUN_TYPES = (Text, Fig)
__all__ = ["Run", "Paragraph", "narrative", "table", "trend", "products", "regions", "sectors"]
