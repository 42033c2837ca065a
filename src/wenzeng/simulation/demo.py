"""Simulated demo data: key enterprises, their supplier links and monthly figures.

Pure generation: no database, no files, no clock.  The same catalogue and
seed give the same data on every run (``random.Random(seed)``, consumed in
a fixed order; no iteration over sets).

The figures are SIMULATED.  They are built to look like the real industry
so that every feature has something to show, not to describe it:

* a national monthly path of operating revenue whose yearly totals equal the
  published ``revenue_elec`` levels (2021–2025) or the levels implied by the
  published growth rates (2017–2020), with seasonality (low January–February,
  high December), an in-year trend, the 2020 Q1 shock and the downturn of
  2022-11 to 2023-Q1;
* provincial shares close to the real map (Guangdong about a third, Jiangsu
  about 15 %, …) drifting slowly towards the central and western provinces,
  with each province's own noise and local shocks (Hubei early 2020, Henan
  2022-11);
* the other form indicators (profit, export delivery value, output value, new
  orders, finished-goods inventory, receivables, employment) derived from
  revenue with unit-specific ratios and noise;
* key enterprises holding 30–40 % of their province's figures.

Nothing is generated for the nation or the region groups: those carry
published figures only.

The numbers that make it look real (anchors, seasons, shocks, provincial and sectoral
profiles, enterprise names) are data, in ``calibration.yaml`` beside this module, read and
checked by :mod:`wenzeng.simulation.calibration`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from wenzeng.definitions.catalogue import Catalogue
from wenzeng.domain.catalog import (
    REPORTING_REGION_KINDS,
    Entity,
    EntityKind,
    Indicator,
    Measure,
    SeriesKind,
)
from wenzeng.ingest.pipeline import OUTPUT_SCHEMA
from wenzeng.ingest.readers import ROW
from wenzeng.simulation.calibration import END_YEAR, START_YEAR, Calibration, load_calibration

SEED = 20230801
N_ENTERPRISES = 300
FIRST_YEAR, LAST_YEAR = 2019, 2025  # the years written
SOURCE_TITLE = "模拟演示数据（非真实统计）/ Simulated demo data (not real statistics)"
VINTAGE_LAG_DAYS = 30

# ── indicators of the monitoring forms ────────────────────────────────────────────────
# role → indicator code; roles whose code the catalogue lacks are left out.
ROLES = {
    "revenue": "revenue_elec",
    "profit": "profit_elec",
    "export": "export_elec",
    "output": "output_value_elec",
    "orders": "orders_new",
    "inventory": "inventory_finished",
    "receivables": "receivables",
    "employment": "employment",
}
AVERAGED = ("employment",)  # cumulative level = mean over January to month n, not the sum


@dataclass(frozen=True)
class DemoEnterprise:
    code: str
    name_zh: str
    name_en: str
    region: str
    sector: str
    chain_position: str
    attributes: dict[str, Any]


@dataclass(frozen=True)
class DemoLink:
    buyer: str
    supplier: str
    product: str


@dataclass
class DemoData:
    enterprises: list[DemoEnterprise]
    links: list[DemoLink]
    frame: pl.DataFrame  # pipeline.OUTPUT_SCHEMA
    indicators: list[str] = field(default_factory=list)


# ── the calendar of generation ────────────────────────────────────────────────────────
MONTHS = [(y, m) for y in range(START_YEAR, END_YEAR + 1) for m in range(1, 13)]
INDEX = {ym: i for i, ym in enumerate(MONTHS)}


def _t(y: int, m: int) -> float:
    """Time in years since mid-2022 (the centre of the written span)."""
    return y + (m - 0.5) / 12 - 2022.5


def _ar_noise(rng: random.Random, sd: float, phi: float = 0.6) -> list[float]:
    """A stationary AR(1) path of log deviations, one per generated month."""
    out, e = [], rng.gauss(0.0, sd)
    scale = math.sqrt(1 - phi * phi)
    for _ in MONTHS:
        e = phi * e + scale * rng.gauss(0.0, sd)
        out.append(e)
    return out


def _trailing_annual(values: list[float]) -> list[float]:
    """Sum over the last twelve months (scaled up where fewer months exist)."""
    out = []
    for i in range(len(values)):
        lo = max(0, i - 11)
        out.append(sum(values[lo : i + 1]) * 12 / (i + 1 - lo))
    return out


def _employment_trend(cal: Calibration, y: int, m: int) -> float:
    """The employment anchors, log-linearly interpolated between mid-years."""
    t = y + (m - 0.5) / 12 - 0.5
    y0 = min(max(math.floor(t), START_YEAR), END_YEAR - 1)
    w = t - y0
    a, b = cal.national_employment[y0], cal.national_employment[y0 + 1]
    return math.exp((1 - w) * math.log(a) + w * math.log(b))


def national_revenue(cal: Calibration) -> list[float]:
    """The national monthly revenue path, 亿元; each year sums to its anchor."""
    out: list[float] = []
    for y in range(START_YEAR, END_YEAR + 1):
        prev = cal.national_revenue.get(y - 1)
        g = cal.national_revenue[y] / prev - 1 if prev else 0.06
        raw = [
            cal.season[m - 1] * (1 + g * (m - 6.5) / 12) * cal.revenue_shock.get((y, m), 1.0)
            for m in range(1, 13)
        ]
        total = sum(raw)
        out.extend(cal.national_revenue[y] * r / total for r in raw)
    return out


def national_margin(cal: Calibration) -> list[float]:
    """Profit ÷ revenue by month (a fraction); revenue-weighted, each year averages its anchor."""
    rev = national_revenue(cal)
    out: list[float] = []
    for y in range(START_YEAR, END_YEAR + 1):
        idx = [INDEX[(y, m)] for m in range(1, 13)]
        raw = [cal.margin_season[m - 1] * cal.margin_shock.get((y, m), 1.0) for m in range(1, 13)]
        weighted = sum(rev[i] * r for i, r in zip(idx, raw, strict=True)) / sum(rev[i] for i in idx)
        out.extend(cal.national_margin_pct[y] / 100 * r / weighted for r in raw)
    return out


@dataclass
class _Unit:
    """A reporting unit being generated: a region or an enterprise."""

    code: str
    revenue: list[float]
    margin_factor: float
    export_factor: float
    productivity: float  # relative to the national revenue per person
    sector: str | None = None
    noise_scale: float = 1.0
    local: dict[tuple[int, int], float] = field(default_factory=dict)


class _Generator:
    def __init__(self, catalogue: Catalogue, seed: int, cal: Calibration) -> None:
        self.catalogue = catalogue
        self.cal = cal
        self.rng = random.Random(seed)
        self.nat_revenue = national_revenue(cal)
        self.nat_margin = national_margin(cal)
        # revenue per person: national revenue of the last twelve months ÷ the employment
        # anchor interpolated to the month, so the national total follows the anchors
        trailing = _trailing_annual(self.nat_revenue)
        self.productivity = [
            trailing[i] / _employment_trend(cal, y, m) for i, (y, m) in enumerate(MONTHS)
        ]

    # -- regions ------------------------------------------------------------------------
    def regions(self) -> list[Entity]:
        return sorted(self.catalogue.entities_of(*REPORTING_REGION_KINDS), key=lambda e: e.code)

    def province_units(self, provinces: list[Entity]) -> dict[str, _Unit]:
        rng, cal = self.rng, self.cal
        profile = {p.code: cal.province(p.code) for p in provinces}
        shares = []
        for y, m in MONTHS:
            raw = {c: v.share * math.exp(v.drift * _t(y, m)) for c, v in profile.items()}
            total = sum(raw.values())
            shares.append({c: v / total for c, v in raw.items()})
        base_share = {c: v.share for c, v in profile.items()}
        total_share = sum(base_share.values())
        export_mean = sum(base_share[c] * profile[c].export for c in profile) / total_share
        labour_mean = sum(base_share[c] * profile[c].labour for c in profile) / total_share
        margins = {c: rng.uniform(0.75, 1.25) for c in profile}
        margin_mean = sum(base_share[c] * margins[c] for c in profile) / total_share
        units = {}
        for p in provinces:
            share, export, labour = (
                profile[p.code].share,
                profile[p.code].export,
                profile[p.code].labour,
            )
            sd = min(0.08, 0.02 + 0.004 / math.sqrt(share / total_share))
            noise = _ar_noise(rng, sd)
            local = cal.local_shock.get(p.code, {})
            revenue = [
                self.nat_revenue[i] * shares[i][p.code] * local.get(ym, 1.0) * math.exp(noise[i])
                for i, ym in enumerate(MONTHS)
            ]
            units[p.code] = _Unit(
                p.code,
                revenue,
                margins[p.code] / margin_mean,
                export / export_mean,
                labour_mean / labour,
                local=local,
            )
        return units

    def sub_region_unit(self, entity: Entity, provinces: dict[str, _Unit]) -> _Unit | None:
        rng = self.rng
        known = self.cal.sub_regions.get(entity.code)
        parent_code, frac, drift = (
            (known.province, known.share, known.drift) if known else (entity.parent or "", 0.2, 0.0)
        )
        parent = provinces.get(parent_code)
        if parent is None:
            return None
        noise = _ar_noise(rng, 0.04)
        revenue = [
            parent.revenue[i] * frac * math.exp(drift * _t(*ym) + noise[i])
            for i, ym in enumerate(MONTHS)
        ]
        return _Unit(
            entity.code,
            revenue,
            parent.margin_factor * rng.uniform(0.9, 1.1),
            parent.export_factor * rng.uniform(0.9, 1.15),
            parent.productivity * rng.uniform(0.9, 1.1),
            local=parent.local,
        )

    # -- the derived indicators ------------------------------------------------------------
    def derive(self, unit: _Unit) -> dict[str, list[float]]:
        """Every role's monthly path for one unit, from its revenue."""
        rng, cal, rev, k = self.rng, self.cal, unit.revenue, unit.noise_scale
        n = len(MONTHS)
        out: dict[str, list[float]] = {"revenue": rev}

        noise = _ar_noise(rng, 0.05 * k, 0.3)
        sector_years = cal.sector_margin_years.get(unit.sector or "", {})
        profit = []
        for i, (y, _m) in enumerate(MONTHS):
            factor = sector_years.get(y)
            if factor is None:
                mf = unit.margin_factor
            elif factor >= 0:
                mf = unit.margin_factor * factor
            else:  # a loss-making year for the sector
                mf = factor * abs(unit.margin_factor)
            profit.append(rev[i] * self.nat_margin[i] * mf * (1 + noise[i]))
        out["profit"] = profit

        noise = _ar_noise(rng, 0.04 * k, 0.5)
        out["export"] = [
            min(
                0.95,
                cal.national_export_ratio[y]
                * unit.export_factor
                * cal.export_shock.get((y, m), 1.0)
                * math.exp(noise[i]),
            )
            * rev[i]
            for i, (y, m) in enumerate(MONTHS)
        ]

        ratio, noise = rng.uniform(0.96, 1.03), _ar_noise(rng, 0.015 * k, 0.5)
        out["output"] = [rev[i] * ratio * math.exp(noise[i]) for i in range(n)]

        ratio, noise = rng.uniform(1.0, 1.05), _ar_noise(rng, 0.05 * k, 0.4)
        out["orders"] = [
            (0.4 * rev[i] + 0.6 * rev[min(i + 1, n - 1)]) * ratio * math.exp(noise[i])
            for i in range(n)
        ]

        recent = [sum(rev[max(0, i - 2) : i + 1]) / (i - max(0, i - 2) + 1) for i in range(n)]
        ratio, noise = rng.uniform(0.45, 0.75), _ar_noise(rng, 0.03 * k, 0.8)
        out["inventory"] = [
            recent[i] * ratio * cal.inventory_cycle.get(ym, 1.0) * math.exp(noise[i])
            for i, ym in enumerate(MONTHS)
        ]
        ratio, noise = rng.uniform(2.4, 3.2), _ar_noise(rng, 0.02 * k, 0.8)
        out["receivables"] = [
            recent[i]
            * ratio
            * (1 + 0.03 * (y - START_YEAR))
            * (0.92 if m == 12 else 1.0)
            * math.exp(noise[i])
            for i, (y, m) in enumerate(MONTHS)
        ]

        noise = _ar_noise(rng, 0.006 * k, 0.8)
        emp = []
        annual = _trailing_annual(rev)
        for i, (y, m) in enumerate(MONTHS):
            shock = cal.employment_shock.get((y, m), 1.0) * (
                min(1.0, 0.5 + 0.5 * unit.local.get((y, m), 1.0))
            )
            emp.append(
                annual[i]
                / (self.productivity[i] * unit.productivity)
                * cal.employment_season[m - 1]
                * shock
                * math.exp(noise[i])
            )
        out["employment"] = emp
        return out

    # -- enterprises --------------------------------------------------------------------------
    def enterprises(self, provinces: dict[str, _Unit]) -> tuple[list[DemoEnterprise], list[_Unit]]:
        rng, cal = self.rng, self.cal
        sectors = [s for s in cal.sector_mix if s in self.catalogue.sectors]
        hosts = [c for c in provinces if cal.province(c).share >= cal.enterprise_host_share]
        weights = {c: cal.province(c).share ** 0.75 for c in hosts}
        counts = _allocate(N_ENTERPRISES, weights, minimum=3)
        brands = [(a + b, ea + eb) for a, ea in cal.brand_first for b, eb in cal.brand_second]
        rng.shuffle(brands)

        specs: list[tuple[str, str, str]] = []  # (province, sector, chain position)
        for c in hosts:
            mix = [cal.sector_mix[s] * cal.specialisation.get(c, {}).get(s, 1.0) for s in sectors]
            for _ in range(counts[c]):
                sector = rng.choices(sectors, weights=mix)[0]
                if sector in cal.downstream:
                    position = "downstream"
                elif sector == "C397" or (sector == "C398" and rng.random() < 0.45):
                    position = "upstream"
                else:
                    position = "midstream"
                specs.append((c, sector, position))

        # each province's enterprises share 30–40 % of its figures, Pareto-like
        raw = [
            min(40.0, rng.paretovariate(1.2)) * (1.5 if pos == "downstream" else 1.0)
            for _, _, pos in specs
        ]
        held = {c: rng.uniform(0.30, 0.40) for c in hosts}
        totals = {c: 0.0 for c in hosts}
        for (c, _, _), w in zip(specs, raw, strict=True):
            totals[c] += w
        # relative growth: the sector's plus the firm's own, centred within each province so
        # that the enterprises keep about the same share of it over the years
        drifts = [
            cal.sector_profiles[sector].growth + rng.gauss(0.0, 0.04) for _, sector, _ in specs
        ]
        mean_drift = {c: 0.0 for c in hosts}
        for (c, _, _), w, d in zip(specs, raw, drifts, strict=True):
            mean_drift[c] += d * w / totals[c]

        out, units = [], []
        for i, ((c, sector, position), w, d) in enumerate(
            zip(specs, raw, drifts, strict=True), start=1
        ):
            code = f"E{i:04d}"
            key = f"{sector}:{position}" if sector == "C398" else sector
            biz_zh, biz_en = rng.choice(cal.business[key])
            brand_zh, brand_en = brands[i - 1]
            profile = cal.sector_profiles[sector]
            margin, export, productivity = profile.margin, profile.export, profile.productivity
            drift = d - mean_drift[c]
            noise = _ar_noise(rng, 0.05, 0.5)
            share = held[c] * w / totals[c]
            parent = provinces[c]
            revenue = [
                parent.revenue[j] * share * math.exp(drift * _t(*ym) + noise[j])
                for j, ym in enumerate(MONTHS)
            ]
            units.append(
                _Unit(
                    code,
                    revenue,
                    margin * math.exp(rng.gauss(0.0, 0.3)),
                    parent.export_factor * export * math.exp(rng.gauss(0.0, 0.25)),
                    parent.productivity * productivity * math.exp(rng.gauss(0.0, 0.2)),
                    sector=sector,
                    noise_scale=1.6,
                    local=parent.local,
                )
            )
            out.append(
                DemoEnterprise(
                    code=code,
                    name_zh=f"{brand_zh}模拟{biz_zh}有限公司",
                    name_en=f"{brand_en} Demo {biz_en} Co., Ltd.",
                    region=c,
                    sector=sector,
                    chain_position=position,
                    attributes={
                        "key_enterprise": True,
                        "list": cal.list_downstream
                        if position == "downstream"
                        else cal.list_supply_chain,
                        "size": "medium",  # set from the revenue below
                        "simulated": True,
                    },
                )
            )
        year = [INDEX[(2024, m)] for m in range(1, 13)]
        sized = []
        for e, u in zip(out, units, strict=True):
            size = "large" if sum(u.revenue[j] for j in year) >= cal.large_revenue else "medium"
            sized.append(
                DemoEnterprise(
                    e.code,
                    e.name_zh,
                    e.name_en,
                    e.region,
                    e.sector,
                    e.chain_position,
                    {**e.attributes, "size": size},
                )
            )
        return sized, units

    def links(self, enterprises: list[DemoEnterprise]) -> list[DemoLink]:
        rng, products = self.rng, self.cal.products

        def supplies(e: DemoEnterprise) -> str | None:
            key = f"{e.sector}:{e.chain_position}" if e.sector == "C398" else e.sector
            return key if key in products else None

        suppliers = [e for e in enterprises if e.chain_position != "downstream" and supplies(e)]
        upstream = [e for e in suppliers if e.chain_position == "upstream"]
        out: list[DemoLink] = []
        seen: set[tuple[str, str]] = set()

        def pick(
            buyer: DemoEnterprise,
            pool: list[DemoEnterprise],
            k: int,
            allowed: Callable[[DemoEnterprise], bool],
        ) -> None:
            pool = [s for s in pool if s.code != buyer.code and allowed(s)]
            if not pool:
                return
            weights = [3.0 if s.region == buyer.region else 1.0 for s in pool]
            for _ in range(k):
                s = rng.choices(pool, weights=weights)[0]
                if (buyer.code, s.code) in seen:
                    continue
                seen.add((buyer.code, s.code))
                product = rng.choice(products[supplies(s) or ""])
                out.append(DemoLink(buyer.code, s.code, product))

        def anything(_s: DemoEnterprise) -> bool:
            return True

        for e in enterprises:
            if e.chain_position == "downstream":
                # photovoltaic modules go to other electronic equipment (power systems) only
                def fits(s: DemoEnterprise, buyer: DemoEnterprise = e) -> bool:
                    return s.sector != "C3825" or buyer.sector == "C399"

                pick(e, suppliers, rng.randint(3, 7), fits)
            elif e.chain_position == "midstream":
                pick(e, upstream, rng.randint(1, 3), anything)
        return out


def _allocate(total: int, weights: dict[str, float], minimum: int) -> dict[str, int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder), ``minimum`` at least."""
    spare = total - minimum * len(weights)
    wsum = sum(weights.values())
    exact = {c: spare * w / wsum for c, w in weights.items()}
    counts = {c: minimum + int(v) for c, v in exact.items()}
    left = total - sum(counts.values())
    for c in sorted(exact, key=lambda c: (-(exact[c] - int(exact[c])), c))[:left]:
        counts[c] += 1
    return counts


# ── from monthly paths to observation rows ─────────────────────────────────────────────
def _allowed(indicators: dict[str, Indicator]) -> pl.DataFrame:
    """(indicator, measure, period_type) the catalogue lists for each indicator."""
    kinds = {
        SeriesKind.LEVEL: (Measure.LEVEL, "month"),
        SeriesKind.CUM_LEVEL: (Measure.LEVEL, "cum_month"),
        SeriesKind.YOY: (Measure.YOY_PCT, "month"),
        SeriesKind.CUM_YOY: (Measure.YOY_PCT, "cum_month"),
    }
    rows = [
        (code, kinds[k][0].value, kinds[k][1])
        for code, ind in indicators.items()
        for k in ind.series_kinds
        if k in kinds and kinds[k][0] in ind.measures
    ]
    return pl.DataFrame(
        rows,
        schema=[("indicator", pl.Utf8), ("measure", pl.Utf8), ("period_type", pl.Utf8)],
        orient="row",
    )


def to_frame(
    paths: dict[str, dict[str, list[float]]], indicators: dict[str, Indicator]
) -> pl.DataFrame:
    """Observation rows (pipeline.OUTPUT_SCHEMA) from monthly paths: entity → role → values.

    Single months and January-to-month-n levels, and their YoY growth, for the
    written years; no January rows (January and February are reported together).
    """
    first = INDEX[(FIRST_YEAR - 1, 1)]
    last = INDEX[(LAST_YEAR, 12)]
    span = MONTHS[first : last + 1]
    years = [y for y, _ in span]
    months = [m for _, m in span]
    role_of = {code: role for role, code in ROLES.items() if code in indicators}
    n = len(span)
    entity_col: list[str] = []
    indicator_col: list[str] = []
    values: list[float] = []
    for entity, roles in paths.items():
        for code, role in role_of.items():
            digits = 0 if indicators[code].unit == "人" else 4
            entity_col.extend([entity] * n)
            indicator_col.extend([code] * n)
            values.extend(round(v, digits) for v in roles[role][first : last + 1])
    k = len(values) // n
    base = pl.DataFrame(
        {
            "entity": entity_col,
            "indicator": indicator_col,
            "year": years * k,
            "month": months * k,
            "value": values,
        },
        schema={
            "entity": pl.Utf8,
            "indicator": pl.Utf8,
            "year": pl.Int32,
            "month": pl.Int32,
            "value": pl.Float64,
        },
    )
    averaged = [ROLES[r] for r in AVERAGED if r in ROLES]
    persons = pl.col("indicator").is_in([c for c in role_of if indicators[c].unit == "人"])
    cum = (
        base.sort("entity", "indicator", "year", "month")
        .with_columns(pl.col("value").cum_sum().over("entity", "indicator", "year").alias("cum"))
        .with_columns(
            pl.when(pl.col("indicator").is_in(averaged))
            .then(pl.col("cum") / pl.col("month"))
            .otherwise(pl.col("cum"))
            .alias("value")
        )
        .drop("cum")
    )
    levels = pl.concat(
        [
            base.with_columns(pl.lit("month").alias("period_type")),
            cum.with_columns(pl.lit("cum_month").alias("period_type")),
        ]
    ).filter(pl.col("month") >= 2)
    # round each level to its unit's precision (cumulative sums of rounded months included)
    levels = levels.with_columns(
        pl.when(persons).then(pl.col("value").round(0)).otherwise(pl.col("value").round(4))
    )
    prior = levels.select(
        "entity",
        "indicator",
        "period_type",
        "month",
        (pl.col("year") + 1).alias("year"),
        pl.col("value").alias("prior"),
    )
    yoy = (
        levels.join(prior, on=["entity", "indicator", "period_type", "year", "month"])
        .filter((pl.col("prior") > 0) & (pl.col("value") > 0))
        .with_columns(((pl.col("value") / pl.col("prior") - 1) * 100).round(1).alias("value"))
        .drop("prior")
        .with_columns(pl.lit(Measure.YOY_PCT.value).alias("measure"))
    )
    rows = pl.concat(
        [
            levels.with_columns(pl.lit(Measure.LEVEL.value).alias("measure")),
            yoy.select(levels.columns + ["measure"]),
        ]
    ).filter(pl.col("year") >= FIRST_YEAR)
    rows = rows.join(
        _allowed({c: indicators[c] for c in role_of}),
        on=["indicator", "measure", "period_type"],
        how="semi",
    )
    units = pl.DataFrame(
        [(c, indicators[c].unit or "") for c in role_of],
        schema=[("indicator", pl.Utf8), ("_unit", pl.Utf8)],
        orient="row",
    )
    mm = pl.col("month").cast(pl.Utf8).str.zfill(2)
    rows = (
        rows.join(units, on="indicator", how="left")
        .sort("indicator", "entity", "measure", "period_type", "year", "month")
        .with_columns(
            pl.when(pl.col("period_type") == "month")
            .then(pl.format("{}-{}", pl.col("year"), mm))
            .otherwise(pl.format("{}-01~{}", pl.col("year"), mm))
            .alias("period"),
            (
                pl.date(pl.col("year"), pl.col("month"), 1).dt.month_end()
                + pl.duration(days=VINTAGE_LAG_DAYS)
            ).alias("vintage"),
            pl.lit("").alias("qualifier"),
            pl.col("value").cast(pl.Utf8).alias("published_value"),
            pl.when(pl.col("measure") == Measure.LEVEL.value)
            .then(pl.col("_unit"))
            .otherwise(pl.lit("%"))
            .alias("published_unit"),
            pl.lit(SOURCE_TITLE).alias("source_title"),
            pl.lit(None, dtype=pl.Utf8).alias("source_url"),
            pl.lit(None, dtype=pl.Utf8).alias("note"),
            pl.lit(None, dtype=pl.Utf8).alias("publisher"),
            pl.lit(None, dtype=pl.Utf8).alias("release"),
        )
        .with_row_index(ROW, offset=1)
    )
    return rows.select(list(OUTPUT_SCHEMA)).cast(OUTPUT_SCHEMA)  # type: ignore[arg-type]


def build_demo(catalogue: Catalogue, seed: int = SEED) -> DemoData:
    """The whole demo set: enterprises, supplier links and observation rows, generated with
    the shipped calibration (``calibration.yaml``)."""
    gen = _Generator(catalogue, seed, load_calibration())
    regions = gen.regions()
    provinces = [e for e in regions if e.kind is EntityKind.PROVINCE]
    province_units = gen.province_units(provinces)
    units: list[_Unit] = [province_units[p.code] for p in provinces]
    for e in regions:
        if e.kind is not EntityKind.PROVINCE:
            unit = gen.sub_region_unit(e, province_units)
            if unit is not None:
                units.append(unit)
    enterprises, enterprise_units = gen.enterprises(province_units)
    links = gen.links(enterprises)
    units.extend(enterprise_units)
    paths = {u.code: gen.derive(u) for u in units}
    indicators = {c: catalogue.indicators[c] for c in ROLES.values() if c in catalogue.indicators}
    if "revenue_elec" not in indicators:
        raise ValueError("the catalogue has no revenue_elec indicator: cannot simulate")
    frame = to_frame(paths, indicators)
    return DemoData(enterprises, links, frame, sorted(indicators))
