"""Regions and key enterprises as people look them up.

The tile map of the regions, one region, the key enterprise and supply-chain
lists (重点电子整机及上游供应链企业名单), one enterprise with its suppliers and
buyers.  Who sees what the policy decides: published figures are public,
every other figure follows the entity scope (:func:`policy.visibility`, applied
by the store when it picks the newest vintage); the enterprise lists are for
reporters and staff, each within their scope (:func:`policy.entity_in_scope`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from wenzeng.analysis.detectors import LIGHTS, signal_score
from wenzeng.auth import policy
from wenzeng.auth.principal import Principal
from wenzeng.definitions.catalogue import Catalogue
from wenzeng.domain import labels
from wenzeng.domain.catalog import (
    REPORTING_REGION_KINDS,
    Entity,
    EntityKind,
    Indicator,
    Measure,
    SeriesKind,
)
from wenzeng.domain.observation import SIMULATED_LABEL, ObservationRecord
from wenzeng.domain.periods import Period, PeriodError, PeriodType, parse_period
from wenzeng.domain.warning_rules import SignalIndicator
from wenzeng.errors import NotFound, ValidationFailed
from wenzeng.services.context import Context
from wenzeng.services.early_warning import latest_run, list_warnings, warning_config
from wenzeng.services.series import read_observations
from wenzeng.store import observations as store
from wenzeng.store.entities import stored_entities, supply_links

REGION_KINDS = REPORTING_REGION_KINDS
REGION_KIND_TEXT = labels.ENTITY_KIND
CHAIN_POSITIONS = labels.CHAIN_POSITION
LISTS = {
    "重点电子整机企业": "key electronic equipment makers",
    "上游供应链企业": "upstream supply-chain enterprises",
}
WINDOW_MONTHS = 36


# -- observations a user may see ------------------------------------------------------------
@dataclass
class Visible:
    """One record per series and period (the newest vintage the user may see)."""

    records: list[ObservationRecord]
    hidden_entities: set[str] = field(default_factory=set)  # with figures the user may not see


def visible_observations(
    ctx: Context,
    p: Principal,
    *,
    entities: Sequence[str],
    indicator: str | None = None,
    measure: str | None = None,
    period_type: str | None = None,
    since_year: int | None = None,
) -> Visible:
    """The newest vintage ``p`` may see of each period, so that a published figure still
    shows when a newer figure of the same period is one ``p`` may not see; and the entities
    whose figures ``p`` may not see at all.  ``since_year``: periods of that year on."""
    start = f"{since_year:04d}" if since_year else None  # codes sort by year first
    with ctx.reading() as conn:
        records = read_observations(
            ctx,
            p,
            conn=conn,
            indicator=indicator,
            entities=list(entities),
            measure=measure,
            period_type=period_type,
            start=start,
        )
        unseen = store.entities_with_unseen(
            conn,
            policy.visibility(p, ctx.catalogue),
            entities=list(entities),
            indicator=indicator,
            measure=measure,
            period_type=period_type,
            start=start,
        )
    records.sort(key=lambda r: (r.indicator, r.entity, r.measure, r.period_type, r.period_obj.end))
    return Visible(records, unseen - {r.entity for r in records})


def record_row(r: ObservationRecord) -> dict[str, Any]:
    """A figure with its period, unit and source, for tables and the JSON twins."""
    d = r.as_dict()
    d["source"] = r.source_title
    return d


def last_months(records: list[ObservationRecord], months: int = WINDOW_MONTHS) -> list[Any]:
    """The records of the last ``months`` months before the newest one."""
    if not records:
        return []
    newest = max(r.period_obj.end for r in records)
    first = newest.year * 12 + newest.month - months
    return [r for r in records if r.period_obj.end.year * 12 + r.period_obj.end.month > first]


# -- signal lights ----------------------------------------------------------------------------
def signal_for(indicator: str) -> SignalIndicator | None:
    """The signal-light definition of an indicator (warnings.yaml), when it has thresholds.

    A regional indicator of the same thing as a national one (``va_elec_prov``) has none
    of its own: its lights would have to be set in warnings.yaml first.
    """
    for s in warning_config().signals:
        if s.indicator == indicator and s.thresholds is not None:
            return s
    return None


def light_of(value: float | None, sig: SignalIndicator | None) -> dict[str, Any] | None:
    if value is None or sig is None or sig.thresholds is None or math.isnan(value):
        return None
    score = signal_score(value, sig.thresholds)
    light = LIGHTS[score]
    return {
        "score": score,
        "code": light.code,
        "zh": light.zh,
        "en": light.en,
        "colour": light.colour,
    }


def national_lights(ctx: Context, p: Principal) -> dict[str, dict[str, Any]]:
    """indicator → the national light of the latest stored analysis run, as ``p`` may see it."""
    run = latest_run(ctx, p)
    if run is None:
        return {}
    lights = (run.get("summary") or {}).get("signals", {}).get("lights", [])
    out = {
        str(x["indicator"]): {**x, "as_of": run["as_of"]}
        for x in lights
        if isinstance(x, dict) and x.get("light")
    }
    return out


# -- the region map -------------------------------------------------------------------------
def map_indicators(cat: Catalogue) -> list[Indicator]:
    """Indicators that regions report or publish."""
    kinds = {k.value for k in REGION_KINDS}
    return [i for i in cat.indicators.values() if kinds & set(i.entity_kinds)]


@dataclass
class MapChoice:
    indicator: Indicator
    measure: str
    period_type: str
    light: bool  # colour by signal light
    notices: list[tuple[str, str]] = field(default_factory=list)  # (zh, en)
    period: str | None = None  # the period every tile shows; None: the common latest one


def _valid(ind: Indicator, measure: str, period_type: str) -> bool:
    try:
        kind = SeriesKind.of(Measure(measure), PeriodType(period_type))
    except ValueError:
        return False
    return Measure(measure) in ind.measures and kind in ind.series_kinds


def choose(
    ctx: Context,
    indicator: str,
    measure: str,
    period_type: str,
    colour: str,
    period: str | None = None,
) -> MapChoice:
    """The series the map shows; an unusable combination is replaced, and the user told.
    ``period``: a period code or label (read as one of the series' period type)."""
    cat = ctx.catalogue
    ind = cat.indicator(indicator)
    if ind not in map_indicators(cat):
        raise ValidationFailed(
            f"指标 {indicator} 没有地区数据 / indicator {indicator} has no regional figures"
        )
    if colour not in ("scale", "light"):
        raise ValidationFailed(f"未知着色方式 / unknown colouring: {colour!r} (scale or light)")
    choice = MapChoice(ind, measure, period_type, colour == "light")
    sig = signal_for(ind.code)
    if choice.light:
        if sig is None:
            choice.light = False
            choice.notices.append(
                (
                    f"{ind.name.zh}没有设定信号灯分界值（warnings.yaml），改按数值着色。",
                    f"{ind.name.en} has no signal-light thresholds (warnings.yaml): coloured "
                    "by value instead.",
                )
            )
        elif (measure, period_type) != (sig.measure, sig.period_type):
            choice.measure, choice.period_type = sig.measure, sig.period_type
            choice.notices.append(
                (
                    "信号灯按累计同比增速评分，已改为显示累计同比。",
                    "Signal lights score the year-to-date growth: showing that series.",
                )
            )
    if not _valid(ind, choice.measure, choice.period_type):
        fallback = _fallback(ind)
        choice.notices.append(
            (
                f"{ind.name.zh}没有“{measure}/{period_type}”口径，已改为“{fallback[0]}/"
                f"{fallback[1]}”。",
                f"{ind.name.en} has no {measure}/{period_type} series: showing "
                f"{fallback[0]}/{fallback[1]}.",
            )
        )
        choice.measure, choice.period_type = fallback
    choice.period = _read_period(period, choice.period_type)
    return choice


def _read_period(text: str | None, period_type: str) -> str | None:
    """The code of the period asked for; None (the default period) when none is asked for or
    when it is of another period type (the period type was changed, the period kept)."""
    if text is None or not text.strip():
        return None
    try:
        found = parse_period(text)
    except PeriodError as exc:
        raise ValidationFailed(f"期间 period: {exc}") from exc
    try:
        return parse_period(found.code, period_type).code
    except PeriodError:
        return None


def _fallback(ind: Indicator) -> tuple[str, str]:
    for measure, period_type in (
        ("yoy_pct", "cum_month"),
        ("level", "cum_month"),
        ("yoy_pct", "month"),
        ("level", "month"),
        ("share_pct", "cum_month"),
    ):
        if _valid(ind, measure, period_type):
            return measure, period_type
    return ind.measures[0].value, "year"


def regions(cat: Catalogue) -> list[Entity]:
    return sorted(cat.entities_of(*REGION_KINDS), key=lambda e: e.code)


def common_period(held: dict[str, Period], counts: dict[str, int], regions: int) -> str | None:
    """The period the map shows by default: the newest one more than half of the ``regions``
    with figures hold; when none is, the one most of them hold (the newer on a tie).
    ``held``: code → period; ``counts``: code → how many regions hold it."""
    if not counts:
        return None
    broad = [c for c, n in counts.items() if 2 * n > regions]
    if broad:
        return max(broad, key=lambda c: held[c].end)
    return max(counts, key=lambda c: (counts[c], held[c].end))


def period_options(held: dict[str, Period], counts: dict[str, int]) -> list[dict[str, Any]]:
    """The periods of the series, newest first, each with how many regions hold it."""
    return [
        {
            "code": c,
            "zh": held[c].label_zh,
            "en": held[c].label_en,
            "regions": counts[c],
        }
        for c in sorted(held, key=lambda c: held[c].end, reverse=True)
    ]


def region_map(ctx: Context, p: Principal, choice: MapChoice) -> dict[str, Any]:
    """Every region with its figure of the chosen series in one period (the chosen one, or
    the newest most regions hold), as far as the user may see it: tiles are never coloured
    for different periods."""
    cat = ctx.catalogue
    places = regions(cat)
    seen = visible_observations(
        ctx,
        p,
        entities=[e.code for e in places],
        indicator=choice.indicator.code,
        measure=choice.measure,
        period_type=choice.period_type,
    )
    by_region: dict[str, dict[str, ObservationRecord]] = {}
    held: dict[str, Period] = {}
    counts: dict[str, int] = {}
    for rec in seen.records:  # ordered by period within each region
        by_region.setdefault(rec.entity, {})[rec.period] = rec
        held[rec.period] = rec.period_obj
    for figures in by_region.values():
        for code in figures:
            counts[code] = counts.get(code, 0) + 1
    period = common_period(held, counts, len(by_region))
    asked = choice.period
    if asked is not None and asked in held:
        period = asked
    elif asked is not None and period is not None:
        shown, wanted = held[period], parse_period(asked)
        choice.notices.append(
            (
                f"{wanted.label_zh}没有可显示的地区数据，改为显示{shown.label_zh}。",
                f"No regional figure to show for {wanted.label_en}: showing {shown.label_en}.",
            )
        )
    sig = signal_for(choice.indicator.code)
    lights_apply = sig is not None and (choice.measure, choice.period_type) == (
        sig.measure,
        sig.period_type,
    )
    rows = []
    for e in places:
        figures = by_region.get(e.code, {})
        r = figures.get(period) if period else None
        newest = figures[max(figures, key=lambda c: held[c].end)] if figures else None
        short = e.short_name or e.name
        kind_zh, kind_en = REGION_KIND_TEXT[e.kind.value]
        light = light_of(r.value, sig) if r is not None and lights_apply else None
        rows.append(
            {
                "code": e.code,
                "name_zh": e.name.zh,
                "name_en": e.name.en,
                "short_zh": short.zh,
                "short_en": short.en,
                "kind": e.kind.value,
                "kind_zh": kind_zh,
                "kind_en": kind_en,
                "tile": list(e.tile) if e.tile else None,
                "value": r.value if r else None,
                "qualifier": r.qualifier if r else None,
                "unit": r.unit if r else None,
                "period": r.period if r else None,
                "period_label_zh": r.period_obj.label_zh if r else None,
                "period_label_en": r.period_obj.label_en if r else None,
                # the region's own newest period, when it has figures but none for this one
                "latest_period": newest.period if newest and r is None else None,
                "latest_label_zh": newest.period_obj.label_zh if newest and r is None else None,
                "latest_label_en": newest.period_obj.label_en if newest and r is None else None,
                "vintage": r.vintage.isoformat() if r else None,
                "source": r.source_title if r else None,
                "source_url": r.source_url if r else None,
                "source_kind": r.source_kind if r else None,
                "simulated": bool(r and r.simulated),
                "flag": SIMULATED_LABEL if r and r.simulated else "",
                "light": light["code"] if light else None,
                "light_zh": light["zh"] if light else None,
                "light_en": light["en"] if light else None,
                "light_colour": light["colour"] if light else None,
                "hidden": e.code in seen.hidden_entities,
            }
        )
    chosen = held.get(period or "")
    return {
        "rows": rows,
        "period": period,
        "period_label_zh": chosen.label_zh if chosen else None,
        "period_label_en": chosen.label_en if chosen else None,
        "period_options": period_options(held, counts),
        "signal": sig.model_dump() if sig is not None and lights_apply else None,
        "empty_reason": _empty_reason(p, by_region, seen),
        "partly_hidden": bool(seen.hidden_entities) and bool(by_region),
    }


def other_region_series(ctx: Context, p: Principal) -> list[dict[str, Any]]:
    """Series of the regions, other than simulated ones, with figures the user may see: what
    to look at when the chosen series shows nothing."""
    codes = [e.code for e in regions(ctx.catalogue)]
    found: dict[tuple[str, str, str], set[str]] = {}
    for r in read_observations(ctx, p, entities=codes, simulated=False):
        found.setdefault((r.indicator, r.measure, r.period_type), set()).add(r.entity)
    cat = ctx.catalogue
    return [
        {
            "indicator": ind,
            "measure": measure,
            "period_type": period_type,
            "zh": cat.indicators[ind].name.zh,
            "en": cat.indicators[ind].name.en,
            "regions": len(places),
        }
        for (ind, measure, period_type), places in sorted(
            found.items(), key=lambda kv: (-len(kv[1]), kv[0])
        )
        if ind in cat.indicators
    ]


def _empty_reason(p: Principal, latest: dict[str, Any], seen: Visible) -> tuple[str, str] | None:
    if latest:
        return None
    if seen.hidden_entities and not p.authenticated:
        return (
            "该指标的地区数据尚未公开发布；现有数据为模拟演示数据或报送数据，仅对登录且有权限的用户显示。",
            "No regional figure of this series is published; the figures held (simulated demo "
            "data or reported data) are shown only to users who log in and may see them.",
        )
    if seen.hidden_entities:
        return (
            "在您的权限范围内没有该指标的地区数据；其他地区的未发布数据仅对其本地区和部门工作人员显示。",
            "No regional figure of this series is within your scope; unpublished figures of "
            "other regions are shown only to them and to department staff.",
        )
    return (
        "该指标的这一口径尚无地区数据。",
        "No regional figure of this series is held yet.",
    )


# -- one region ------------------------------------------------------------------------------
def region(cat: Catalogue, code: str) -> Entity:
    e = cat.find_entity(code)
    if e is None or e.kind not in REGION_KINDS:
        raise NotFound(f"未知地区 / unknown region: {code!r}")
    return e


def region_observations(ctx: Context, p: Principal, code: str) -> list[ObservationRecord]:
    """Every series of a region the user may see (newest visible vintage per period)."""
    return visible_observations(ctx, p, entities=[code]).records


def latest_by_series(records: list[ObservationRecord]) -> list[ObservationRecord]:
    out: dict[tuple[str, str, str, str], ObservationRecord] = {}
    for r in records:
        k = (r.indicator, r.entity, r.measure, r.period_type)
        if k not in out or r.period_obj.end > out[k].period_obj.end:
            out[k] = r
    return list(out.values())


# -- enterprises -----------------------------------------------------------------------------
def sector_name(cat: Catalogue, code: str | None) -> tuple[str, str]:
    s = cat.sectors.get(code or "")
    return (s.name.zh, s.name.en) if s else (code or "", code or "")


def scope_sectors(cat: Catalogue) -> list[str]:
    """The sectors of the plan's scope, finest first: those without children in scope."""
    inside = [s for s in cat.sectors.values() if s.in_plan_scope]
    parents = {s.parent for s in inside if s.parent}
    return [s.code for s in inside if s.code not in parents]


def _sector_within(cat: Catalogue, sector: str | None, wanted: str) -> bool:
    while sector:
        if sector == wanted:
            return True
        parent = cat.sectors.get(sector)
        sector = parent.parent if parent else None
    return False


def _summary_sector(cat: Catalogue, sector: str | None, targets: list[str]) -> str | None:
    return next((t for t in targets if _sector_within(cat, sector, t)), None)


@dataclass(frozen=True)
class EnterpriseFilter:
    region: str | None = None
    sector: str | None = None
    chain_position: str | None = None


def _enterprise_row(
    cat: Catalogue, r: dict[str, Any], suppliers: int, buyers: int
) -> dict[str, Any]:
    attrs = r.get("attributes") or {}
    place = cat.entities.get(r["region"] or "")
    sector_zh, sector_en = sector_name(cat, r["sector"])
    chain_zh, chain_en = CHAIN_POSITIONS.get(r["chain_position"] or "", ("", ""))
    listed = str(attrs.get("list") or "") or (
        "重点电子整机企业" if r["chain_position"] == "downstream" else "上游供应链企业"
    )
    return {
        "code": r["code"],
        "name_zh": r["name_zh"],
        "name_en": r["name_en"],
        "region": r["region"],
        "region_zh": place.name.zh if place else r["region"],
        "region_en": place.name.en if place else r["region"],
        "sector": r["sector"],
        "sector_zh": sector_zh,
        "sector_en": sector_en,
        "chain_position": r["chain_position"],
        "chain_zh": chain_zh,
        "chain_en": chain_en,
        "list": listed,
        "list_en": LISTS.get(listed, listed),
        "size": attrs.get("size"),
        "suppliers": suppliers,
        "buyers": buyers,
        "simulated": bool(r["simulated"]),
        "flag": SIMULATED_LABEL if r["simulated"] else "",
    }


def list_enterprises(ctx: Context, p: Principal) -> list[dict[str, Any]]:
    """The key enterprises the user may see, with their counts of suppliers and buyers."""
    policy.require_enterprise_lists(p)
    cat = ctx.catalogue
    with ctx.reading() as conn:
        rows = stored_entities(conn, kind=EntityKind.ENTERPRISE.value)
        links = supply_links(conn)
    n_suppliers: dict[str, int] = {}
    n_buyers: dict[str, int] = {}
    for link in links:
        n_suppliers[link["buyer"]] = n_suppliers.get(link["buyer"], 0) + 1
        n_buyers[link["supplier"]] = n_buyers.get(link["supplier"], 0) + 1
    return [
        _enterprise_row(cat, r, n_suppliers.get(r["code"], 0), n_buyers.get(r["code"], 0))
        for r in rows
        if policy.entity_in_scope(p, r["code"], cat)
    ]


def filter_enterprises(
    cat: Catalogue, rows: list[dict[str, Any]], f: EnterpriseFilter
) -> list[dict[str, Any]]:
    """Those of a region, of a sector (its sub-classes included), at a chain position."""
    return [
        r
        for r in rows
        if (not f.region or r["region"] == f.region)
        and (not f.sector or _sector_within(cat, r["sector"], f.sector))
        and (not f.chain_position or r["chain_position"] == f.chain_position)
    ]


def region_warnings(ctx: Context, p: Principal, code: str) -> list[dict[str, Any]]:
    """The warnings the user may see about a region and about the key enterprises located in
    it (the ones the warnings list shows under their own names), newest first."""
    cat = ctx.catalogue
    inside = {code} | {e.code for e in cat.entities_of(EntityKind.ENTERPRISE) if e.parent == code}
    found = list_warnings(ctx, p, limit=1_000_000)
    return [w for w in found if w["entity"] in inside]


def region_enterprises(ctx: Context, p: Principal, code: str) -> list[dict[str, Any]]:
    if not policy.may_see_region_enterprises(p, code):
        return []
    return filter_enterprises(ctx.catalogue, list_enterprises(ctx, p), EnterpriseFilter(code))


def sector_summary(ctx: Context, p: Principal, enterprises: list[dict[str, Any]]) -> dict[str, Any]:
    """Count of the listed enterprises and their latest year-to-date revenue, by sector."""
    cat = ctx.catalogue
    targets = scope_sectors(cat)
    seen: list[ObservationRecord] = []
    # the recent years first (the newest figures are wanted), everything when they have none
    for since in (date.today().year - 1, None):
        if enterprises and not seen:
            seen = visible_observations(
                ctx,
                p,
                entities=[e["code"] for e in enterprises],
                indicator="revenue_elec",
                measure="level",
                period_type="cum_month",
                since_year=since,
            ).records
    newest = max((r.period_obj for r in seen), default=None, key=lambda x: x.end)
    revenue = {r.entity: r for r in seen if newest is not None and r.period == newest.code}
    rows: dict[str, dict[str, Any]] = {
        t: {
            "sector": t,
            "sector_zh": sector_name(cat, t)[0],
            "sector_en": sector_name(cat, t)[1],
            "enterprises": 0,
            "reporting": 0,
            "revenue": 0.0,
            "simulated": False,
        }
        for t in targets
    }
    other: dict[str, Any] = {
        "sector": "",
        "sector_zh": "其他",
        "sector_en": "other",
        "enterprises": 0,
        "reporting": 0,
        "revenue": 0.0,
        "simulated": False,
    }
    for e in enterprises:
        t = _summary_sector(cat, e["sector"], targets)
        row = rows[t] if t else other
        row["enterprises"] += 1
        rec = revenue.get(e["code"])
        if rec is not None:
            row["reporting"] += 1
            row["revenue"] += rec.value
            row["simulated"] = row["simulated"] or rec.simulated
    out = [*rows.values(), *([other] if other["enterprises"] else [])]
    for row in out:
        row["revenue"] = round(row["revenue"], 2) if row["reporting"] else None
        row["flag"] = SIMULATED_LABEL if row["simulated"] else ""
    return {
        "rows": out,
        "period": newest.code if newest else None,
        "period_label_zh": newest.label_zh if newest else None,
        "period_label_en": newest.label_en if newest else None,
        "unit": ctx.units.get("revenue_elec"),
        "source": next((r.source_title for r in revenue.values()), None),
    }


def enterprise(ctx: Context, p: Principal, code: str) -> dict[str, Any]:
    """One key enterprise with its suppliers and buyers; unknown to those out of scope."""
    policy.require_login(p)
    cat = ctx.catalogue
    e = cat.find_entity(code)
    if (
        e is None
        or e.kind is not EntityKind.ENTERPRISE
        or not policy.entity_in_scope(p, e.code, cat)
    ):
        raise NotFound(f"没有代码为 {code} 的重点企业 / no key enterprise {code}")
    with ctx.reading() as conn:
        stored = {r["code"]: r for r in stored_entities(conn, kind="enterprise")}
        links = supply_links(conn)

    def party(other: str, link: dict[str, Any]) -> dict[str, Any]:
        r = stored.get(other)
        row = (
            _enterprise_row(cat, r, 0, 0)
            if r
            else {"code": other, "name_zh": other, "name_en": other}
        )
        return {
            **row,
            "product": link.get("product"),
            "link_simulated": bool(link.get("simulated")),
            "in_scope": policy.entity_in_scope(p, other, cat),
        }

    suppliers = [party(x["supplier"], x) for x in links if x["buyer"] == e.code]
    buyers = [party(x["buyer"], x) for x in links if x["supplier"] == e.code]
    return {
        "enterprise": _enterprise_row(cat, stored[e.code], len(suppliers), len(buyers)),
        "suppliers": suppliers,
        "buyers": buyers,
    }
