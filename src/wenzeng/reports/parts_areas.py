"""Report parts by area: region groups, the reporting regions and the sectors."""

from __future__ import annotations

from collections.abc import Sequence

from wenzeng.domain.catalog import EntityKind
from wenzeng.reports.builder import DASH, Builder
from wenzeng.reports.cells import Row, cited, signed_cell, text_cell
from wenzeng.reports.citations import unit_text
from wenzeng.reports.definition import RegionsPart, SectorsPart
from wenzeng.reports.document import Block, Fig, Table
from wenzeng.reports.narrative import Cited


def regions(b: Builder, part: RegionsPart) -> list[Block]:
    f = b.frame
    ytd = f.label(f.ytd, b.lang)
    groups = part.groups
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
                best_yoy=b.say.change(Cited(best.value, b.cite.fig(best))),
                worst=b.entity_name(worst.entity),
                worst_yoy=b.say.change(Cited(worst.value, b.cite.fig(worst))),
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
                text_cell(b.entity_name(code)),
                (b.cite.level(lv),) if lv else text_cell(DASH),
                signed_cell(cited(b, gr)),
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
                simulated=any(growth[c].simulated for c in groups if c in growth),
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
            text_cell(b.entity_name(r.entity)),
            (b.cite.level(r),),
            signed_cell(cited(b, growth.get(r.entity))),
        )
        for r in top
    ]
    return [
        b.summary(
            "provinces", ytd=ytd, n=str(len(top)), counts=b.counts("provinces", up=up, down=down)
        ),
        Table(
            part.code + "_provinces",
            b.table_caption(
                b.pick(
                    f"{ytd}营业收入居前{len(top)}位的地区",
                    f"Regions with the largest revenue, {ytd}",
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
                text_cell(name),
                text_cell(str(int(count))),
                (Fig(f"{total:,.1f}".replace(",", ""), None, total),),
                text_cell(DASH) if g is None else (Fig(f"{g:.1f}", None, g),),
            )
        )
        if g is not None:
            names.append(name)
            growths.append(g)
            up += g > 0
            down += g < 0
    out: list[Block] = [
        b.summary(
            "sectors", ytd=ytd, n=str(len(rows)), counts=b.counts("sectors", up=up, down=down)
        ),
        Table(
            part.code,
            b.table_caption(
                f"{ytd}{b.t(part.caption)}" if b.lang == "zh" else f"{b.t(part.caption)}, {ytd}"
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
