"""Report parts of the national figures: sentences, the key-indicator table, trends, products."""

from __future__ import annotations

from wenzeng.domain.catalog import Nature
from wenzeng.domain.citing import publisher_text
from wenzeng.domain.periods import Period, PeriodType
from wenzeng.reports.builder import DASH, Builder, Frame
from wenzeng.reports.cells import Row, cited, fig_cell, points_cell, signed_cell, text_cell
from wenzeng.reports.citations import unit_text
from wenzeng.reports.definition import (
    NarrativePart,
    ProductsPart,
    TablePart,
    TrendPart,
)
from wenzeng.reports.document import Block, Table
from wenzeng.reports.narrative import ItemFigures, Labels


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
        yoy=cited(b, b.one(code, "yoy_pct", f.ytd)),
        prev_yoy=cited(b, b.one(code, "yoy_pct", f.prev)) if f.prev else None,
        month_yoy=cited(b, b.one(code, "yoy_pct", f.month)),
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
            # compared with the nearest quarter's end before it (Jan–Nov with Jan–Sep)
            quarter_end = 3 * ((month - 1) // 3)
            prev = Period.cum_month(year, quarter_end) if quarter_end >= 3 else None
            return Frame(f.period, Period.cum_month(year, month), prev, Period.month(year, month))
    return f


def shared_prefix(names: list[str]) -> str:
    """The words the subjects of a part share at their start (规模以上电子信息制造业), cut at a
    word the release would repeat: nothing when it is short or is a whole subject."""
    if len(names) < 2:
        return ""
    first = names[0]
    n = 0
    while n < len(first) and all(len(s) > n and s[n] == first[n] for s in names):
        n += 1
    prefix = first[:n]
    if any(s == prefix for s in names) or len(prefix) < 4:
        return ""
    return prefix


def narrative(b: Builder, part: NarrativePart) -> list[Block]:
    """One sentence an indicator; a part's sentences after the first for the same period open
    without the period and without the subject's shared words (as the releases write)."""
    out: list[Block] = []
    prefix = shared_prefix([b.subject(c) for c in part.indicators]) if b.lang == "zh" else ""
    said_ytd: str | None = None
    for code in part.indicators:
        f = latest_frame(b, code)
        ytd = f.label(f.ytd, b.lang)
        subject = b.subject(code)
        labels = Labels(
            subject=subject,
            ytd=ytd,
            prev=f.label(f.prev, b.lang, with_year=False) if f.prev else None,
            month=f.label(f.month, b.lang, with_year=False),
        )
        next_one = said_ytd == ytd
        if next_one and prefix:
            labels = Labels(subject.removeprefix(prefix), ytd, labels.prev, labels.month)
        p = b.say.sentence(labels, item_figures(b, code, f), following=next_one)
        if p.style == "missing" and code in b.said_missing:
            continue  # the cover says it once
        if p.style != "missing":
            said_ytd = ytd
        out.append(p)
    return out


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
                text_cell(b.subject(code) if b.lang == "zh" else b.indicator(code).name.en),
                fig_cell(figs.value or figs.level),
                signed_cell(figs.yoy),
                points_cell(figs.yoy, figs.prev_yoy),
                signed_cell(figs.month_yoy),
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
    publishers: list[str] = []
    for code in part.indicators:
        rows = b.facts.observations(code, ["CN"], "yoy_pct", "cum_month", codes, simulated=False)
        by = {r.period: r.value for r in rows}
        series.append((b.t(b.indicator(code).name), [by.get(c) for c in codes]))
        for r in rows:
            name = publisher_text(r.publisher, b.lang) if r.publisher else None
            if name and name not in publishers:
                publishers.append(name)
    if not any(v is not None for _, values in series for v in values):
        return [b.missing(f"{b.t(part.caption)}：暂无数据。", f"{b.t(part.caption)}: no data yet.")]
    gaps = any(v is None for _, values in series for v in values)
    return [
        b.chart(
            part.code,
            b.t(part.caption) + "（%）",
            "line",
            [_short(p) for p in periods],
            series,
            note=_trend_note(b, publishers, gaps),
        )
    ]


def _trend_note(b: Builder, publishers: list[str], gaps: bool) -> str:
    """资料来源 under a trend chart, and what its dashed lines mean where months are missing."""
    who = b.pick("、", "; ").join(publishers) or b.pick("公开发布数据", "published figures")
    note = b.pick(f"资料来源：{who}。", f"Source: {who}.")
    if gaps:
        note += b.pick(
            "虚线连接缺少数据的月份两侧，缺月不作插补。",
            " Dashed lines join the months on either side of missing ones; nothing is interpolated.",
        )
    return note


def _products_note(b: Builder, absent: list[str]) -> str:
    note = b.pick("注：“—”表示数据暂缺。", "Note: '—' means no figure yet.")
    if not absent:
        return note
    return note + b.pick(
        f"{'、'.join(absent)}本期数据暂缺，未列出。",
        f" Not listed, no figures yet: {', '.join(absent)}.",
    )


def products(b: Builder, part: ProductsPart) -> list[Block]:
    f = b.frame
    rows: list[Row] = []
    growth: list[tuple[str, float]] = []
    up = down = missing = 0
    absent: list[str] = []
    for code in part.indicators:
        ind = b.indicator(code)
        level = b.one(code, "level", f.ytd)
        yoy = b.one(code, "yoy_pct", f.ytd)
        label = b.t(ind.name).removesuffix("产量") if b.lang == "zh" else b.t(ind.name)
        unit = (
            unit_text(level.published_unit or level.unit, b.lang)
            if level
            else unit_text(ind.unit, b.lang)
        )
        rows.append(
            (
                text_cell(label),
                text_cell(unit.strip() or DASH),
                (b.cite.fig(level, (level.published_value or f"{level.value:g}").lstrip("+")),)
                if level
                else text_cell(DASH),
                signed_cell(cited(b, yoy)),
            )
        )
        if yoy is None and level is None:  # said once in the note, not as a row of dashes
            rows.pop()
            absent.append(label)
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
            counts=b.counts("products", up=up, down=down, missing=missing),
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
            _products_note(b, absent),
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
