"""Analysis benchmark: the full quarterly analysis at national scale.

A synthetic, seeded panel: N enterprises (default 3,000), each in one of 37 regions and one of
10 sectors, each reporting K indicators (default 20) as single-month levels for M months
(default 60, ending September 2025), i.e. N·K·M values (3.6 million).  Some indicators are
seasonal, all trend, and a few series carry injected breaks, slow declines, a regional and a
sector shock, and scattered gaps, so that the detectors have something to find.

The analysis timed is what the quarterly run does after reading its panels, done in process
with the project's own functions and no database.  WenZeng reads the enterprises block by block
(``--block``, default 2,000; the enterprises are generated 1,000 at a time, so the data do not
depend on the block size) and, in one pass over the blocks (``wenzeng.analysis.blocks``):

1. places each block in an array (enterprises × indicators × months) and computes its
   cumulative levels, YoY % of both and shares (``cumulative``, ``year_on_year``,
   ``share_of``: the arithmetic of ``wenzeng.analysis.transforms``), and adds its levels into
   the sums of the 37 regions, the 10 sectors and the nation (``GroupSums``);
2. judges the block's enterprise panels with every rule of ``wenzeng/catalog/warnings.yaml``
   widened to every indicator (``BlockRun.judge_block``), and scores their signal lights
   against thresholds from each series' own history (``thresholds_from_history_panel``);

then, on the aggregates: YoY and shares (the frame transforms), target tracking
(``wenzeng.analysis.tracking.assess``: two targets per indicator, a level and an
average-growth target, projected from January–September), panels (``build_panel``), the rules
(PELT change points on the national, regional and sector aggregates only) and
``BlockRun.finish``, and the composite and diffusion indexes (``composite``).  With
``--check-whole`` the previous way, the whole panel at once (frame transforms, ``build_panel``,
``run_rules``), runs too and its findings are compared.

Each measurement runs in a fresh subprocess, so that its peak memory (max RSS) is its own.  The
baseline is the same analysis written the straightforward pandas way: groupby ``cumsum`` /
``shift(12)`` / ``sum`` for the transforms, ``groupby(...).apply(a Python function per series)``
with numpy and ruptures for the detectors.  It runs on a sample of the enterprises and is
extrapolated: the part whose work grows with the number of enterprises linearly, the part on the
aggregates (whose number of series does not grow) as measured.  WenZeng runs on the same sample
too, and the findings of the two are compared rule by rule.

    python bench/analysis_bench.py [--enterprises 3000] [--months 60] [--indicators 20]
                                   [--sample-fraction 0.1] [--block 2000] [--check-whole]
                                   [--profile]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import polars as pl

N_REGIONS = 37
N_SECTORS = 10
END_YEAR, END_MONTH = 2025, 9  # the latest month of the panel: a third-quarter analysis
AS_OF = date(2025, 10, 20)
SEED = 20251020
INDICATORS = [
    "revenue_elec",
    "va_elec",
    "profit_elec",
    "export_elec",
    "fai_elec",
    "orders_new",
    "inventory_finished",
    "receivables",
    *[f"ind_{i:02d}" for i in range(9, 61)],
]
SCALE = {"revenue_elec": 1.0, "va_elec": 0.25, "profit_elec": 0.06, "export_elec": 0.35}
SHARES = {"export_share": "export_elec", "profit_share": "profit_elec"}  # ÷ revenue_elec
KEYS = ["indicator", "enterprise", "region", "sector"]
LEVELS = ("enterprises", "regions", "sectors", "nation")
ENTITY_COL = {
    "enterprises": "enterprise",
    "regions": "region",
    "sectors": "sector",
    "nation": "nation",
}
# SeriesSpec.entities has no "sectors": the sector panels travel under "all"
SPEC_ENTITIES = {
    "enterprises": "enterprises",
    "regions": "regions",
    "sectors": "all",
    "nation": "nation",
}
LEVEL_OF_SPEC = {v: k for k, v in SPEC_ENTITIES.items()}
KIND_COLUMN = {  # (measure, period type) → the frame holding it
    ("yoy_pct", "month"): "yoy_month",
    ("yoy_pct", "cum_month"): "yoy_cum",
    ("level", "month"): "month",
    ("level", "cum_month"): "cum",
}
AGGREGATE_LEVELS = ("nation", "regions", "sectors")

_T0 = time.perf_counter()


def say(msg: str) -> None:
    print(f"[{time.perf_counter() - _T0:7.1f}s] {msg}", file=sys.stderr, flush=True)


def current_rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return math.nan


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Timer:
    """Wall time per stage, and the process's CPU time (all threads) beside it."""

    def __init__(self) -> None:
        self.stages: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        say(f"{name} …")
        t0, c0 = time.perf_counter(), time.process_time()
        yield
        self.stages[name] = self.stages.get(name, 0.0) + time.perf_counter() - t0
        self.cpu[name] = self.cpu.get(name, 0.0) + time.process_time() - c0


# -- the synthetic panel -----------------------------------------------------------------------------
def month_axis(n_months: int) -> tuple[np.ndarray, np.ndarray]:
    end = END_YEAR * 12 + END_MONTH - 1
    mnum = np.arange(end - n_months + 1, end + 1)
    return mnum // 12, mnum % 12 + 1


def _weights(n: int, power: float) -> np.ndarray:
    w = 1.0 / np.arange(1, n + 1) ** power
    return w / w.sum()


GEN_BLOCK = 1000  # enterprises drawn together: the data do not depend on how a run reads them


@dataclass(frozen=True)
class Universe:
    """What all enterprises share: their regions and sectors, and each indicator's scale,
    seasonality and common growth."""

    n_ent: int
    n_months: int
    n_ind: int
    region: np.ndarray
    sector: np.ndarray
    scale: np.ndarray
    amp: np.ndarray
    common: np.ndarray

    @classmethod
    def make(cls, n_ent: int, n_months: int, n_ind: int) -> Universe:
        rng = np.random.default_rng(SEED)
        region = rng.choice(N_REGIONS, n_ent, p=_weights(N_REGIONS, 0.8))
        sector = rng.choice(N_SECTORS, n_ent, p=_weights(N_SECTORS, 0.5))
        scale = rng.uniform(0.05, 1.0, n_ind)
        for i, code in enumerate(INDICATORS[:n_ind]):
            scale[i] = SCALE.get(code, scale[i])
        amp = np.where(rng.random(n_ind) < 0.3, 0.0, rng.uniform(0.05, 0.3, n_ind))
        common = rng.normal(0.0, 0.03, n_ind)
        return cls(n_ent, n_months, n_ind, region, sector, scale, amp, common)


def _levels(u: Universe, rng: np.random.Generator, e: int) -> np.ndarray:
    """Single-month levels (e, k, t): size × scale × season × trend × noise."""
    k, t = u.n_ind, np.arange(u.n_months)
    month = month_axis(u.n_months)[1]
    size = rng.lognormal(0.0, 1.0, e)
    shape = np.array([-0.5, -0.8, 0.1, 0.0, 0.05, 0.1, 0.0, 0.05, 0.1, 0.15, 0.2, 0.55])
    season = 1.0 + u.amp[:, None] * (shape - shape.mean())[month - 1][None, :]
    growth = np.clip(rng.normal(0.06, 0.06, (e, k)) + u.common, -0.3, None)
    trend = np.exp(np.log1p(growth)[:, :, None] / 12.0 * t[None, None, :])
    noise = rng.lognormal(0.0, 0.05, (e, k, t.size))
    return size[:, None, None] * u.scale[None, :, None] * 100.0 * season[None] * trend * noise


def _inject(
    rng: np.random.Generator, v: np.ndarray, t: np.ndarray, region: np.ndarray, sector: np.ndarray
) -> None:
    e, k, n = v.shape
    # permanent level breaks in the last 12 months (3 % of the series)
    hit = rng.random((e, k)) < 0.03
    at = rng.integers(max(n - 12, 0), n, (e, k))
    drop = rng.uniform(0.5, 0.8, (e, k))
    v *= np.where(hit[:, :, None] & (t[None, None, :] >= at[:, :, None]), drop[:, :, None], 1.0)
    # slow declines over the last 5 months (3 %)
    slow = rng.random((e, k)) < 0.03
    steps = np.clip(t - (n - 5) + 1, 0, None)
    v *= np.where(slow[:, :, None], 0.95 ** steps[None, None, :], 1.0)
    # two regions slide by 30 % over the last 8 months, one sector loses 12 % for 6 months
    ramp = 1.0 - 0.3 * np.clip((t - (n - 8) + 1) / 8.0, 0.0, 1.0)
    v *= np.where(np.isin(region, [4, 11])[:, None, None], ramp[None, None, :], 1.0)
    v *= np.where((sector == 2)[:, None, None] & (t >= n - 6)[None, None, :], 0.88, 1.0)
    # scattered gaps (0.2 % of the values are not reported)
    v[rng.random(v.shape) < 0.002] = np.nan


def _block_values(u: Universe, lo: int, hi: int) -> np.ndarray:
    rng = np.random.default_rng([SEED, lo // GEN_BLOCK])
    v = _levels(u, rng, hi - lo)
    _inject(rng, v, np.arange(u.n_months), u.region[lo:hi], u.sector[lo:hi])
    return v


def _long(u: Universe, lo: int, hi: int, keep: np.ndarray | None = None) -> pl.DataFrame:
    """The long frame of enterprises lo..hi−1 (those ``keep`` marks, if given)."""
    v = _block_values(u, lo, hi)
    ents = np.arange(lo, hi)
    if keep is not None:
        v, ents = v[keep[lo:hi]], ents[keep[lo:hi]]
    n_ent, n_ind, n_months = v.shape
    year, month = month_axis(n_months)
    e_idx = np.repeat(ents, n_ind * n_months)
    k_idx = np.tile(np.repeat(np.arange(n_ind), n_months), n_ent)
    t_idx = np.tile(np.arange(n_months), n_ent * n_ind)
    codes = pl.Series([f"E{i + 1:05d}" for i in range(u.n_ent)])
    return pl.DataFrame(
        {
            "indicator": pl.Series(INDICATORS[:n_ind]).gather(k_idx),
            "enterprise": codes.gather(e_idx),
            "region": pl.Series([f"R{i + 1:02d}" for i in range(N_REGIONS)]).gather(
                u.region[e_idx]
            ),
            "sector": pl.Series([f"S{i + 1:02d}" for i in range(N_SECTORS)]).gather(
                u.sector[e_idx]
            ),
            "year": pl.Series(year[t_idx], dtype=pl.Int32),
            "month": pl.Series(month[t_idx], dtype=pl.Int8),
            "value": pl.Series(v.ravel()).fill_nan(None),
        }
    )


def generate_blocks(
    n_ent: int, n_months: int, n_ind: int, block: int, subset: list[str] | None = None
) -> Iterator[pl.DataFrame]:
    """The long frame block by block (``block`` enterprises, a multiple of GEN_BLOCK), as a
    run reads it from the store by enterprise block; only ``subset`` when given."""
    u = Universe.make(n_ent, n_months, n_ind)
    keep = None
    if subset is not None:
        keep = np.zeros(n_ent, dtype=bool)
        keep[[int(c[1:]) - 1 for c in subset]] = True
    for lo in range(0, n_ent, block):
        parts = [
            _long(u, g, min(g + GEN_BLOCK, n_ent), keep)
            for g in range(lo, min(lo + block, n_ent), GEN_BLOCK)
        ]
        frame = pl.concat(parts)
        if frame.height:
            yield frame


def generate(
    n_ent: int, n_months: int, n_ind: int, subset: list[str] | None = None
) -> pl.DataFrame:
    """The long frame: indicator, enterprise, region, sector, year, month, value."""
    return pl.concat(list(generate_blocks(n_ent, n_months, n_ind, GEN_BLOCK, subset)))


def sample_enterprises(n_ent: int, fraction: float) -> list[str]:
    rng = np.random.default_rng(SEED + 1)
    k = max(1, round(n_ent * fraction))
    return [f"E{i + 1:05d}" for i in sorted(rng.choice(n_ent, size=k, replace=False))]


def level_of_entity(code: str) -> str:
    if code in ("CN", "regions"):
        return "nation" if code == "CN" else "regions"
    return {"E": "enterprises", "R": "regions", "S": "sectors"}[code[0]]


# -- the configuration: every rule on every indicator at every level ---------------------------------
def _rule_levels(detector: Any) -> list[str]:
    from wenzeng.domain.warning_rules import Detector

    if detector is Detector.CHANGE_POINT:
        return list(AGGREGATE_LEVELS)  # PELT fits series by series: aggregates only
    if detector is Detector.CONCENTRATION:
        return ["regions"]
    if detector is Detector.DIVERGENCE:
        return ["regions", "sectors"]
    if detector is Detector.RISING_STOCK:
        return ["enterprises", "regions", "sectors"]
    return list(LEVELS)


def bench_config(indicators: list[str]) -> Any:
    """warnings.yaml with each rule's series widened to every indicator and level.

    A rule keeps its own detector, parameters and kinds of series (measure × period type);
    rising-stock rules keep their own indicators.
    """
    from wenzeng.domain.warning_rules import Detector, SignalIndicator, WarningConfig
    from wenzeng.services.early_warning import warning_config

    base = warning_config()
    rules = []
    for rule in base.rules:
        d = rule.model_dump(by_alias=True, mode="json")
        if rule.detector is not Detector.TARGET_RISK:
            kinds = sorted({(s.measure, s.period_type) for s in rule.series})
            own = [i for i in indicators if i in {s.indicator for s in rule.series}]
            inds = own if rule.detector is Detector.RISING_STOCK else indicators
            d["series"] = [
                {"indicator": i, "measure": m, "period_type": p, "entities": SPEC_ENTITIES[lv]}
                for lv in _rule_levels(rule.detector)
                for m, p in kinds
                for i in inds
            ]
            if not d["series"]:
                continue
        # the baseline judges plain growth: no two-year averages after an abnormal year
        d.pop("base_effect", None)
        rules.append(d)
    signals = [s for s in base.signals if s.indicator in indicators]
    have = {s.indicator for s in signals}
    signals += [SignalIndicator(indicator=i) for i in indicators if i not in have]
    return WarningConfig.model_validate(
        {"schema": base.schema_, "signals": [s.model_dump() for s in signals], "rules": rules}
    )


# -- WenZeng ---------------------------------------------------------------------------------------------
Frames = dict[str, dict[str, pl.DataFrame]]


def wz_transforms(df: pl.DataFrame, indicators: list[str]) -> Frames:
    from wenzeng.analysis import transforms as T

    ent = {"month": df}
    ent["cum"] = T.month_to_cum(df, KEYS)
    ent["yoy_month"] = T.yoy_from_levels(df, KEYS)
    ent["yoy_cum"] = T.yoy_from_levels(ent["cum"], KEYS)
    frames: Frames = {"enterprises": ent}
    for level in AGGREGATE_LEVELS:
        col = ENTITY_COL[level]
        keep = ["indicator"] if level == "nation" else ["indicator", col]
        lv = {kind: T.aggregate(ent[kind], keep, "sum").drop("n") for kind in ("month", "cum")}
        if level == "nation":
            lv = {k: f.with_columns(pl.lit("CN").alias(col)) for k, f in lv.items()}
        keys = ["indicator", col]
        lv["yoy_month"] = T.yoy_from_levels(lv["month"], keys)
        lv["yoy_cum"] = T.yoy_from_levels(lv["cum"], keys)
        frames[level] = lv
    if "revenue_elec" in indicators:
        for level, lv in frames.items():
            keys = KEYS[1:] if level == "enterprises" else [ENTITY_COL[level]]
            den = lv["cum"].filter(pl.col("indicator") == "revenue_elec").drop("indicator")
            for name, code in SHARES.items():
                if code in indicators:
                    num = lv["cum"].filter(pl.col("indicator") == code).drop("indicator")
                    lv[name] = T.share(num, den, keys)
    return frames


def _period_code(period_type: str) -> pl.Expr:
    mm = pl.col("month").cast(pl.String).str.zfill(2)
    if period_type == "month":
        return pl.format("{}-{}", pl.col("year"), mm)
    return pl.format("{}-01~{}", pl.col("year"), mm)


def wz_panels(frames: Frames, config: Any, n_months: int) -> dict[Any, Any]:
    """One Panel per (indicator, measure, period type, level) that some rule or signal reads."""
    from wenzeng.analysis.warnings import build_panel
    from wenzeng.domain.warning_rules import SeriesSpec
    from wenzeng.services.early_warning import needed_specs

    wanted = needed_specs(config)
    groups: dict[tuple[str, str, str], set[str]] = {}
    for s in wanted:
        groups.setdefault((s.measure, s.period_type, s.entities), set()).add(s.indicator)
    now = END_YEAR * 12 + END_MONTH - 1
    panels = {}
    for (measure, ptype, entities), inds in sorted(groups.items()):
        level = LEVEL_OF_SPEC[entities]
        if level not in frames:
            continue
        f = frames[level][KIND_COLUMN[(measure, ptype)]]
        rows = f.filter(pl.col("indicator").is_in(sorted(inds)) & pl.col("value").is_not_null())
        rows = rows.select(
            "indicator",
            pl.col(ENTITY_COL[level]).alias("entity"),
            _period_code(ptype).alias("period"),
            "value",
            pl.lit(False).alias("simulated"),
        )
        for (ind,), part in rows.partition_by("indicator", as_dict=True).items():
            spec = SeriesSpec(indicator=ind, measure=measure, period_type=ptype, entities=entities)
            panels[spec] = build_panel(spec, part.drop("indicator"), now, n_months)
    return panels


def _records(frame: pl.DataFrame, measure: str, unit: str) -> dict[str, list[Any]]:
    from wenzeng.domain.observation import ObservationRecord
    from wenzeng.domain.periods import Period

    out: dict[str, list[Any]] = {}
    for ind, y, m, v in frame.select("indicator", "year", "month", "value").iter_rows():
        if v is None:
            continue
        code = Period.cum_month(int(y), int(m)).code
        rec = ObservationRecord(
            ind, "CN", measure, "cum_month", code, AS_OF, float(v), "", unit, None, unit,
            "bench", "synthetic", None, None, False, 1,
        )  # fmt: skip
        out.setdefault(ind, []).append(rec)
    return out


def bench_targets(indicators: list[str], nation_cum: pl.DataFrame) -> list[Any]:
    """Per indicator: end-2025 level ≥ 106 % of 2024, and 2024–2025 average growth ≈ 6 ± 0.5 %."""
    from wenzeng.domain.plan import Target

    dec = {
        ind: v
        for ind, v in nation_cum.filter((pl.col("year") == END_YEAR - 1) & (pl.col("month") == 12))
        .select("indicator", "value")
        .iter_rows()
    }
    out = []
    for ind in indicators:
        common = {"indicator": ind, "title": {"zh": ind, "en": ind}, "text_zh": ind}
        out.append(
            Target.model_validate(
                {
                    **common,
                    "code": f"{ind}_level",
                    "measure": "level",
                    "comparator": "ge",
                    "value": round(1.06 * (dec.get(ind) or 100.0), 1),
                    "unit": "亿元",
                    "period": {"start": END_YEAR, "end": END_YEAR},
                    "computation": "value_at_end",
                }
            )
        )
        out.append(
            Target.model_validate(
                {
                    **common,
                    "code": f"{ind}_growth",
                    "measure": "yoy_pct",
                    "comparator": "approx",
                    "value": 6.0,
                    "tolerance": 0.5,
                    "unit": "%",
                    "period": {"start": END_YEAR - 1, "end": END_YEAR},
                    "computation": "average_annual_growth",
                }
            )
        )
    return out


def bench_indicator(code: str) -> Any:
    from wenzeng.domain.catalog import Indicator

    return Indicator.model_validate(
        {
            "code": code,
            "name": {"zh": code, "en": code},
            "unit": "亿元",
            "frequency": "monthly",
            "nature": "flow",
            "measures": ["level", "yoy_pct"],
            "series_kinds": ["level", "cum_level", "yoy", "cum_yoy"],
            "aggregation": "sum",
            "entity_kinds": ["nation", "province", "enterprise"],
        }
    )


def wz_tracking(frames: Frames, indicators: list[str]) -> list[Any]:
    from wenzeng.analysis.tracking import assess

    nation = frames["nation"]
    levels = _records(nation["cum"], "level", "亿元")
    growth = _records(nation["yoy_cum"], "yoy_pct", "%")
    catalogue = {i: bench_indicator(i) for i in indicators}

    def fetch(indicator: str, measure: str) -> list[Any]:
        return (levels if measure == "level" else growth).get(indicator, [])

    return [
        assess(t, catalogue[t.indicator], catalogue, fetch, AS_OF)
        for t in bench_targets(indicators, nation["cum"])
    ]


def wz_history_signals(panels: dict[Any, Any]) -> Counter[str]:
    """Every cumulative-YoY series scored against its own 10/25/75/90th percentiles."""
    from wenzeng.analysis import detectors as det

    cold: Counter[str] = Counter()
    for spec, p in panels.items():
        if (spec.measure, spec.period_type) != ("yoy_pct", "cum_month") or not p.entities:
            continue
        th = det.thresholds_from_history_panel(p.values[:, :-1])
        scores = det.signal_scores(p.values[:, -1], th.thresholds)
        cold[f"history_cold|{LEVEL_OF_SPEC[spec.entities]}"] += int(
            np.sum((scores > 0) & (scores <= 2))
        )
    return cold


def run_wenzeng_whole(df: pl.DataFrame, n_months: int) -> dict[str, Any]:
    """The analysis on the whole panel at once (the way before blocks)."""
    from wenzeng.analysis.warnings import Names, composite, run_rules

    indicators = sorted(df["indicator"].unique().to_list(), key=INDICATORS.index)
    config = bench_config(indicators)
    names = Names(lambda code, _lang: code, lambda code, _lang: code)
    timer = Timer()
    with timer.stage("transforms"):
        frames = wz_transforms(df, indicators)
    with timer.stage("tracking (assess)"):
        assessments = wz_tracking(frames, indicators)
    with timer.stage("panels (build_panel)"):
        panels = wz_panels(frames, config, n_months)
    counts: Counter[str] = Counter()
    judged = insufficient = 0
    every: list[Any] = []
    for rule in config.rules:
        one = config.model_copy(update={"rules": [rule]})
        label = f"rule {rule.code} ({rule.detector.value})"
        with timer.stage(label):
            found, stats = run_rules(one, panels, names, assessments)
        every += found
        judged += stats.judged
        insufficient += stats.insufficient
        counts.update(f"{f.rule}|{level_of_entity(f.entity)}" for f in found)
    with timer.stage("signal scores + composite"):
        counts.update(wz_history_signals(panels))
        nation = {k: v for k, v in panels.items() if k.entities == "nation"}
        comp = composite(config, nation)
    return {
        "stages": timer.stages,
        "cpu": timer.cpu,
        "counts": dict(counts),
        "judged": judged,
        "insufficient": insufficient,
        "findings": len(every),
        "digest": findings_digest(every),
        "panels": len(panels),
        "series": int(sum(p.values.shape[0] for p in panels.values())),
        "composite": (comp.get("composite") or {}).get("index"),
        "diffusion": comp.get("diffusion"),
        "targets": Counter(a.status.value for a in assessments),
    }


def findings_digest(findings: list[Any]) -> str:
    """A fingerprint of the findings as they are shown and stored: rule, series, entity,
    period, severity, strength and both explanations, in order."""
    import hashlib

    h = hashlib.sha256()
    for f in findings:
        h.update(
            f"{f.key}|{f.period}|{f.severity}|{f.strength}|{f.simulated}|"
            f"{f.explanation_zh}|{f.explanation_en}\n".encode()
        )
    return h.hexdigest()[:16]


class Cube:
    """A block of the long frame as arrays (enterprises × indicators × months)."""

    def __init__(self, frame: pl.DataFrame, indicators: list[str], first: int, n: int) -> None:
        ents = frame.select("enterprise", "region", "sector").unique("enterprise")
        ents = ents.sort("enterprise")
        self.entities: list[str] = ents["enterprise"].to_list()
        self.region = ents["region"].str.slice(1).cast(pl.Int64).to_numpy() - 1
        self.sector = ents["sector"].str.slice(1).cast(pl.Int64).to_numpy() - 1
        at = frame.select(  # the position of each row's enterprise, indicator and month
            pl.col("enterprise").cast(pl.Enum(self.entities)).to_physical(),
            pl.col("indicator").cast(pl.Enum(indicators)).to_physical(),
            pl.col("year").cast(pl.Int64) * 12 + pl.col("month").cast(pl.Int64) - 1 - first,
            pl.col("value").fill_null(np.nan),
        )
        self.month = np.full((len(self.entities), len(indicators), n), np.nan)
        e, k, t, v = (at.to_series(i).to_numpy() for i in range(4))
        self.month[e, k, t] = v


def cube_transforms(cube: Cube, first: int, k_of: dict[str, int]) -> dict[str, np.ndarray]:
    """A block's cumulative levels, YoY of both, and shares (arrays)."""
    from wenzeng.analysis import blocks as B

    out = {"month": cube.month, "cum": B.cumulative(cube.month, first)}
    out["yoy_month"] = B.year_on_year(out["month"])
    out["yoy_cum"] = B.year_on_year(out["cum"])
    if "revenue_elec" in k_of:
        den = out["cum"][:, k_of["revenue_elec"]]
        for name, code in SHARES.items():
            if code in k_of:
                out[name] = B.share_of(out["cum"][:, k_of[code]], den)
    return out


def aggregate_frames(
    sums: dict[tuple[str, str], Any],
    groups: dict[str, list[str]],
    indicators: list[str],
    n_months: int,
) -> Frames:
    """The sums as long frames, and their YoY and shares with the frame transforms."""
    from wenzeng.analysis import transforms as T

    year, month = month_axis(n_months)
    frames: Frames = {}
    t_idx = np.tile(np.arange(n_months), len(indicators))
    for lv, codes in groups.items():
        col = ENTITY_COL[lv]
        fr: dict[str, pl.DataFrame] = {}
        for kind in ("month", "cum"):
            vals = sums[lv].values[:, ("month", "cum").index(kind)]  # groups × ind. × months
            fr[kind] = pl.DataFrame(
                {
                    "indicator": np.repeat(indicators, n_months).tolist() * len(codes),
                    col: np.repeat(codes, len(indicators) * n_months).tolist(),
                    "year": np.tile(year[t_idx], len(codes)).astype(np.int32),
                    "month": np.tile(month[t_idx], len(codes)).astype(np.int8),
                    "value": pl.Series(vals.ravel()).fill_nan(None),
                }
            ).sort("indicator", col, "year", "month")
        keys = ["indicator", col]
        fr["yoy_month"] = T.yoy_from_levels(fr["month"], keys)
        fr["yoy_cum"] = T.yoy_from_levels(fr["cum"], keys)
        if "revenue_elec" in indicators:
            den = fr["cum"].filter(pl.col("indicator") == "revenue_elec").drop("indicator")
            for name, code in SHARES.items():
                if code in indicators:
                    num = fr["cum"].filter(pl.col("indicator") == code).drop("indicator")
                    fr[name] = T.share(num, den, [col])
        frames[lv] = fr
    return frames


def run_wenzeng(source: Callable[[], Iterator[pl.DataFrame]], n_months: int) -> dict[str, Any]:
    """The analysis block by block: ``source()`` gives the long frame by enterprise block.

    One pass over the blocks: each block's transforms (arrays), its single-month and
    cumulative levels added into the regions', sectors' and nation's sums, its enterprise
    panels judged (``BlockRun.judge_block``), then let go.  The aggregates are then
    analysed as before (YoY and shares of the sums, tracking, panels, rules).  Reading
    (here generating) a block is not timed.
    """
    from wenzeng.analysis import blocks as B
    from wenzeng.analysis.warnings import Names, composite
    from wenzeng.domain.warning_rules import SeriesSpec
    from wenzeng.services.early_warning import needed_specs

    timer = Timer()
    reading = [0.0]
    first = END_YEAR * 12 + END_MONTH - 1 - n_months + 1
    months = list(range(first, first + n_months))
    peek = next(source())
    indicators = sorted(peek["indicator"].unique().to_list(), key=INDICATORS.index)
    del peek
    config = bench_config(indicators)
    names = Names(lambda code, _lang: code, lambda code, _lang: code)
    k_of = {ind: i for i, ind in enumerate(indicators)}
    groups = {
        "regions": [f"R{i + 1:02d}" for i in range(N_REGIONS)],
        "sectors": [f"S{i + 1:02d}" for i in range(N_SECTORS)],
        "nation": ["CN"],
    }
    shape = (2, len(indicators), n_months)  # single-month and cumulative levels
    sums = {lv: B.GroupSums(groups[lv], shape) for lv in groups}
    ent_specs = sorted(
        (s for s in needed_specs(config) if s.entities == "enterprises"),
        key=lambda s: (s.indicator, s.measure, s.period_type),
    )
    run = B.BlockRun(config, names)
    counts: Counter[str] = Counter()
    n_ent = 0
    it = source()
    while True:
        t0 = time.perf_counter()
        frame = next(it, None)
        reading[0] += time.perf_counter() - t0
        if frame is None:
            break
        with timer.stage("blocks: read, transforms, sums, panels"):
            cube = Cube(frame, indicators, first, n_months)
            n_ent += len(cube.entities)
            arrays = cube_transforms(cube, first, k_of)
            both = np.stack([arrays["month"], arrays["cum"]], axis=1)
            at = {"regions": cube.region, "sectors": cube.sector}
            at["nation"] = np.zeros(len(cube.entities), dtype=np.int64)
            for lv, acc in sums.items():
                acc.add(both, at[lv])
            panels: dict[SeriesSpec, Any] = {}
            for spec in ent_specs:
                values = arrays[KIND_COLUMN[(spec.measure, spec.period_type)]]
                panels[spec] = B.block_panel(
                    spec, cube.entities, months, values[:, k_of[spec.indicator]]
                )
        with timer.stage("blocks: rules on the enterprises"):
            run.judge_block(panels)
            counts.update(wz_history_signals(panels))
        del frame, cube, arrays, both, panels
    with timer.stage("aggregates: frames, YoY, shares"):
        frames = aggregate_frames(sums, groups, indicators, n_months)
    with timer.stage("tracking (assess)"):
        assessments = wz_tracking(frames, indicators)
    with timer.stage("aggregate panels (build_panel)"):
        shared = wz_panels(frames, config, n_months)
    with timer.stage("rules on the aggregates"):
        found, stats = run.finish(shared, assessments)
    counts.update(f"{f.rule}|{level_of_entity(f.entity)}" for f in found)
    with timer.stage("signal scores + composite"):
        counts.update(wz_history_signals(shared))
        nation = {k: v for k, v in shared.items() if k.entities == "nation"}
        comp = composite(config, nation)
    return {
        "stages": timer.stages,
        "cpu": timer.cpu,
        "counts": dict(counts),
        "judged": stats.judged,
        "insufficient": stats.insufficient,
        "findings": len(found),
        "digest": findings_digest(found),
        "reading_s": reading[0],
        "n_ent": n_ent,
        "composite": (comp.get("composite") or {}).get("index"),
        "diffusion": comp.get("diffusion"),
        "targets": Counter(a.status.value for a in assessments),
    }


# -- the pandas baseline ------------------------------------------------------------------------------
def _robust(v: np.ndarray, window: int, min_points: int, threshold: float) -> bool:
    last = v[-1]
    hist = v[-window - 1 : -1]
    hist = hist[~np.isnan(hist)]
    if np.isnan(last) or hist.size < min_points:
        return False
    med = np.median(hist)
    dev = np.abs(hist - med)
    mad = np.median(dev)
    scale = mad / 0.6745 if mad > 0 else 1.253314 * dev.mean()
    diff = last - med
    z = diff / scale if scale else (0.0 if diff == 0 else math.copysign(math.inf, diff))
    return bool(abs(z) > threshold and z < 0)


def _drop(v: np.ndarray, points: float) -> bool:
    return bool(not np.isnan(v[-1]) and not np.isnan(v[-2]) and v[-2] - v[-1] >= points)


def _declines(v: np.ndarray, n: int, least: float) -> bool:
    count = 0
    i = len(v) - 1
    while i > 0 and v[i] < v[i - 1]:  # a NaN compares False and ends the run
        count += 1
        i -= 1
    return count >= n and v[-1 - count] - v[-1] >= least


def _score(x: float, th: np.ndarray) -> int:
    return 0 if np.isnan(x) or np.isnan(th).any() else 1 + int(np.sum(x >= th))


def _cold(v: np.ndarray, thresholds: np.ndarray, max_score: int) -> bool:
    s = _score(v[-1], thresholds)
    return 0 < s <= max_score


def _history_cold(v: np.ndarray) -> bool:
    h = v[:-1]
    h = h[~np.isnan(h)]
    if h.size < 12:
        return False
    return 0 < _score(v[-1], np.percentile(h, [10, 25, 75, 90])) <= 2


def _change(v: np.ndarray, min_size: int, recent: int, shift: float) -> bool:
    import ruptures as rpt

    if np.isnan(v[-1]):
        return False
    idx = np.flatnonzero(~np.isnan(v))
    y = v[idx]
    n = y.size
    if n < 2 * min_size + 1:
        return False
    d = np.diff(y)
    dev = np.abs(d - np.median(d))
    mad = np.median(dev)
    sigma = (1.4826 * mad if mad > 0 else 1.253314 * dev.mean()) / math.sqrt(2.0)
    if not sigma > 0:
        return False
    z = (y - np.median(y)) / sigma
    ends = rpt.Pelt(model="l1", min_size=min_size, jump=1).fit(z).predict(pen=2 * math.log(n))
    cuts = ends[:-1]
    if not cuts:
        return False
    last, prev = cuts[-1], (cuts[-2] if len(cuts) > 1 else 0)
    fall = y[prev:last].mean() - y[last:].mean()
    return bool(idx[last] >= v.size - recent and fall >= shift)


def _rising(v: np.ndarray, other: np.ndarray, periods: int, gap: float) -> bool:
    if np.isnan(v[-1]) or np.isnan(other).all():
        return False
    excess = v[-periods:] - other[-periods:]
    return bool(not np.isnan(excess).any() and np.all(excess > gap))


def _diverging(v: np.ndarray, nation: np.ndarray, periods: int, gap: float) -> bool:
    run = 0
    for s in (nation - v)[::-1]:
        if not s > gap:
            break
        run += 1
    return run >= periods


def _concentrated(g: Any, last: int, top: int, share: float) -> bool:
    now = g[g["t"] == last].set_index("entity")["v"]
    before = g[g["t"] == last - 12].set_index("entity")["v"]
    both = now.to_frame("now").join(before.to_frame("before"), how="inner").dropna()
    base = both["before"].sum()
    if both.empty or base <= 0:
        return False
    contrib = 100.0 * (both["now"] - both["before"]) / base
    total = contrib.sum()
    if total <= 0:
        return False
    lead = contrib[contrib > 0].nlargest(top).sum()
    return bool(100.0 * lead / total >= share)


def pd_transforms(pdf: Any) -> dict[str, Any]:
    """Enterprise frames and the sums to regions, sectors, nation (the part that grows with N)."""
    import pandas as pd

    keys = ["indicator", "enterprise", "region", "sector"]
    g = pdf.groupby([*keys, "year"], sort=False)["value"]
    cum = g.cumsum(skipna=False)
    pdf["cum"] = cum.where(g.cumcount() + 1 == pdf["month"])  # a year seen from January on
    for col, src in (("yoy_month", "value"), ("yoy_cum", "cum")):
        base = pdf.groupby(keys, sort=False)[src].shift(12)
        pdf[col] = ((pdf[src] - base) / base * 100.0).where(base > 0)
    out = {"enterprises": pdf.rename(columns={"enterprise": "entity"})}
    for level, col in (("regions", "region"), ("sectors", "sector"), ("nation", None)):
        by = ["indicator", col, "year", "month"] if col else ["indicator", "year", "month"]
        agg = pdf.groupby(by, sort=True)[["value", "cum"]].sum(min_count=1).reset_index()
        agg = agg.rename(columns={col: "entity"}) if col else agg.assign(entity="CN")
        out[level] = agg
    out["enterprises_shares"] = _pd_shares(out["enterprises"], pd)
    return out


def _pd_shares(f: Any, pd: Any) -> dict[str, Any]:
    on = ["entity", "year", "month"]
    den = f.loc[f["indicator"] == "revenue_elec", [*on, "cum"]].rename(columns={"cum": "den"})
    out = {}
    for name, code in SHARES.items():
        num = f.loc[f["indicator"] == code, [*on, "cum"]]
        m = num.merge(den, on=on, how="left")
        out[name] = pd.Series(np.where(m["den"] > 0, 100.0 * m["cum"] / m["den"], np.nan))
    return out


def pd_aggregate_transforms(frames: dict[str, Any]) -> None:
    import pandas as pd

    for level in AGGREGATE_LEVELS:
        f = frames[level]
        for col, src in (("yoy_month", "value"), ("yoy_cum", "cum")):
            base = f.groupby(["indicator", "entity"], sort=False)[src].shift(12)
            f[col] = ((f[src] - base) / base * 100.0).where(base > 0)
        f["t"] = f["year"].astype("int64") * 12 + f["month"].astype("int64") - 1
        frames[f"{level}_shares"] = _pd_shares(f, pd)


def _per_series(f: Any, column: str, fn: Callable[..., bool], **kw: Any) -> int:
    fired = f.groupby(["indicator", "entity"], sort=False)[column].apply(
        lambda s: fn(s.to_numpy(), **kw)
    )
    return int(fired.sum())


def _paired(f: Any, column: str, other: Any, fn: Callable[..., bool], **kw: Any) -> int:
    m = f.merge(other, on=["entity", "year", "month"], how="left")
    fired = m.groupby(["indicator", "entity"], sort=False)[[column, "other"]].apply(
        lambda d: fn(d[column].to_numpy(), d["other"].to_numpy(), **kw)
    )
    return int(fired.sum())


def pd_rule(rule: Any, frames: dict[str, Any], signals: dict[str, Any]) -> dict[str, int]:
    """One rule on one level's frame, per series; returns findings by level."""
    from wenzeng.domain.warning_rules import Detector

    p = rule.params.model_dump()
    by: dict[tuple[str, str, str], list[str]] = {}
    for s in rule.series:
        by.setdefault((s.measure, s.period_type, s.entities), []).append(s.indicator)
    out: Counter[str] = Counter()
    for (measure, ptype, entities), inds in by.items():
        level = LEVEL_OF_SPEC[entities]
        col = KIND_COLUMN[(measure, ptype)]
        f = frames[level]
        f = f[f["indicator"].isin(inds)]
        d = rule.detector
        if d is Detector.ROBUST_BREAK:
            kw = {"window": int(p.get("window", 24)), "min_points": int(p.get("min_points", 8))}
            n = _per_series(f, col, _robust, threshold=float(p.get("threshold", 3.5)), **kw)
        elif d is Detector.SUDDEN_DROP:
            n = _per_series(f, col, _drop, points=float(p.get("points", 10)))
        elif d is Detector.CONSECUTIVE_DECLINES:
            least = float(p.get("min_total_drop", 0.0))
            n = _per_series(f, col, _declines, n=int(p.get("n", 3)), least=least)
        elif d is Detector.SIGNAL_COLD:
            n = _pd_cold(f, col, signals, int(p.get("max_score", 2)))
        elif d is Detector.CHANGE_POINT:
            kw = {"min_size": int(p.get("min_size", 3)), "recent": int(p.get("recent", 6))}
            n = _per_series(f, col, _change, shift=float(p.get("min_shift", 3.0)), **kw)
        elif d is Detector.RISING_STOCK:
            against = frames[level]
            against = against.loc[against["indicator"] == str(p.get("against", "revenue_elec"))]
            other = against[["entity", "year", "month", col]].rename(columns={col: "other"})
            kw = {"periods": int(p.get("periods", 3)), "gap": float(p.get("gap", 10))}
            n = _paired(f, col, other, _rising, **kw)
        elif d is Detector.DIVERGENCE:
            nat = frames["nation"][["indicator", "year", "month", col]]
            m = f.merge(nat.rename(columns={col: "nat"}), on=["indicator", "year", "month"])
            kw = {"periods": int(p.get("periods", 3)), "gap": float(p.get("gap", 8))}
            fired = m.groupby(["indicator", "entity"], sort=False)[[col, "nat"]].apply(
                lambda g, c=col, kw=kw: _diverging(g[c].to_numpy(), g["nat"].to_numpy(), **kw)
            )
            n = int(fired.sum())
        elif d is Detector.CONCENTRATION:
            last = int(f["t"].max())
            kw = {"top": int(p.get("top", 3)), "share": float(p.get("share", 75))}
            g = f.rename(columns={col: "v"})[["indicator", "entity", "t", "v"]]
            fired = g.groupby("indicator")[["entity", "t", "v"]].apply(
                lambda x, kw=kw, last=last: _concentrated(x, last, **kw)
            )
            n = int(fired.sum())
        else:
            continue
        out[f"{rule.code}|{'regions' if d is Detector.CONCENTRATION else level}"] += n
    return dict(out)


def _pd_cold(f: Any, col: str, signals: dict[str, Any], limit: int) -> int:
    n = 0
    for ind, g in f.groupby("indicator", sort=False):
        sig = signals.get(ind)
        if sig is not None and sig.thresholds is not None:
            th = np.array(sig.thresholds)
            n += _per_series(g, col, _cold, thresholds=th, max_score=limit)
    return n


def _spread(changes: list[float], floor: float) -> float:
    from statistics import stdev

    if len(changes) >= 3:
        return max(stdev(changes), floor)
    return max(floor * 2, stdev(changes) if len(changes) == 2 else 0.0)


def _status(p: float) -> str:
    p = round(p, 3)
    return "basically" if p >= 0.8 else "at_risk" if p >= 0.4 else "unlikely"


def pd_tracking(nation: Any, targets: list[Any]) -> Counter[str]:
    """The projection step of tracking.assess, for the same targets, with pandas lookups."""
    from statistics import NormalDist

    from wenzeng.analysis.transforms import average_annual_growth

    out: Counter[str] = Counter()
    for t in targets:
        level = t.measure.value == "level"
        s = nation.loc[nation["indicator"] == t.indicator].set_index(["year", "month"])
        s = s["cum" if level else "yoy_cum"].dropna()
        year = END_YEAR
        if (year, END_MONTH) not in s.index:
            out["no_data"] += 1
            continue
        x, m = float(s.loc[(year, END_MONTH)]), END_MONTH
        pairs = [
            (float(s.loc[(y, m)]), float(s.loc[(y, 12)]))
            for y in range(year - 10, year)
            if (y, m) in s.index and (y, 12) in s.index
        ]
        if level:
            ratios = [a / b for a, b in pairs if b > 0]
            if not ratios:
                out["no_data"] += 1
                continue
            share = sum(ratios) / len(ratios)
            mu = x / share
            sd = mu * _spread([r / share for r in ratios], floor=0.02 + (12 - m) * 0.005)
            p = 1 - NormalDist(mu, sd).cdf(t.value)
        else:
            if (year - 1, 12) not in s.index:
                out["no_data"] += 1
                continue
            changes = [b - a for a, b in pairs]
            drift = sum(changes) / len(changes) if changes else 0.0
            sd = _spread(changes, floor=1.0 + (12 - m) * 0.25) / 2
            avg = average_annual_growth([float(s.loc[(year - 1, 12)]), x + drift])
            p = 1 - NormalDist(avg, sd).cdf(t.value - (t.tolerance or 0))
        out[_status(p)] += 1
    return out


def run_baseline(df: pl.DataFrame, n_months: int) -> dict[str, Any]:
    from wenzeng.domain.warning_rules import Detector

    indicators = sorted(df["indicator"].unique().to_list(), key=INDICATORS.index)
    config = bench_config(indicators)
    signals = {s.indicator: s for s in config.signals}
    pdf = _to_pandas(df)  # reading the data in is not timed, as for WenZeng
    timer = Timer()
    counts: Counter[str] = Counter()
    with timer.stage("A: transforms + sums over enterprises"):
        frames = pd_transforms(pdf)
    with timer.stage("B: transforms of the aggregates"):
        pd_aggregate_transforms(frames)
    with timer.stage("B: tracking"):
        targets = bench_targets(indicators, _nation_cum(frames["nation"]))
        statuses = pd_tracking(frames["nation"], targets)
    for rule in config.rules:
        if rule.detector is Detector.TARGET_RISK:
            counts[f"{rule.code}|nation"] = statuses["at_risk"] + statuses["unlikely"]
            continue
        for lv in LEVELS:
            part = [s for s in rule.series if LEVEL_OF_SPEC[s.entities] == lv]
            if not part:
                continue
            sub = rule.model_copy(update={"series": part})
            stage = "A: detectors on enterprises" if lv == "enterprises" else "B: detectors"
            if rule.detector is Detector.CHANGE_POINT:
                stage = "B: change points (PELT)"
            with timer.stage(stage):
                counts.update(pd_rule(sub, frames, signals))
    with timer.stage("A: history signal scores on enterprises"):
        counts["history_cold|enterprises"] = _pd_history(frames["enterprises"])
    with timer.stage("B: signal scores + composite"):
        for lv in AGGREGATE_LEVELS:
            counts[f"history_cold|{lv}"] = _pd_history(frames[lv])
        comp, diff = _pd_composite(frames["nation"], config.signals)
    return {
        "stages": timer.stages,
        "cpu": timer.cpu,
        "counts": {k: v for k, v in counts.items() if v or k.startswith("history")},
        "composite": comp,
        "diffusion": diff,
        "targets": statuses,
    }


def _to_pandas(df: pl.DataFrame) -> Any:
    import pandas as pd

    return pd.DataFrame({c: df[c].to_numpy() for c in df.columns})


def _nation_cum(nation: Any) -> pl.DataFrame:
    cols = {"indicator": "indicator", "year": "year", "month": "month", "cum": "value"}
    return pl.DataFrame({new: nation[old].to_numpy() for old, new in cols.items()})


def _pd_history(f: Any) -> int:
    return _per_series(f, "yoy_cum", _history_cold)


def _pd_composite(nation: Any, signals: list[Any]) -> tuple[float | None, float | None]:
    scores, changes = [], []
    for sig in signals:
        v = nation.loc[nation["indicator"] == sig.indicator, "yoy_cum"].to_numpy()
        if v.size == 0 or np.isnan(v[-1]):
            continue
        if sig.thresholds is None:
            h = v[:-1][~np.isnan(v[:-1])]
            if h.size < 12:
                continue
            th = np.percentile(h, [10, 25, 75, 90])
        else:
            th = np.array(sig.thresholds)
        scores.append(_score(v[-1], th))
        if v.size >= 7 and not np.isnan(v[-7]):
            changes.append(v[-1] - v[-7])
    comp = 100.0 * sum(scores) / (3 * len(scores)) if scores else None
    ch = np.array(changes)
    diff = 100.0 * (np.sum(ch > 0) + 0.5 * np.sum(ch == 0)) / ch.size if ch.size else None
    return comp, diff


# -- processes ----------------------------------------------------------------------------------------
def child(args: argparse.Namespace) -> None:
    subset = None
    if args.subset < 1.0:
        subset = sample_enterprises(args.enterprises, args.subset)
    size = (args.enterprises, args.months, args.indicators)
    t0 = time.perf_counter()
    if args.child == "wenzeng":  # read block by block: nothing is generated up front
        gen = 0.0
        rss_gen, peak_gen = current_rss_mb(), peak_rss_mb()
        block = max(GEN_BLOCK, args.block // GEN_BLOCK * GEN_BLOCK)

        def source() -> Iterator[pl.DataFrame]:
            return generate_blocks(*size, block, subset)

        run: Callable[[], dict[str, Any]] = lambda: run_wenzeng(source, args.months)  # noqa: E731
    else:
        say(f"generating {args.enterprises:,} × {args.indicators} × {args.months} values")
        df = generate(*size, subset)
        gen = time.perf_counter() - t0
        rss_gen, peak_gen = current_rss_mb(), peak_rss_mb()
        say(f"generated {df.height:,} rows in {gen:.1f}s; RSS {rss_gen:.0f} MB")
        whole = run_wenzeng_whole if args.child == "whole" else run_baseline
        run = lambda: whole(df, args.months)  # noqa: E731
    if args.profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        out = prof.runcall(run)
        pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(45)
    else:
        out = run()
    if args.child == "wenzeng":
        gen = out["reading_s"]
    out.update(
        enterprises=out.get("n_ent") or df["enterprise"].n_unique(),
        generation_s=gen,
        rss_after_generation_mb=rss_gen,
        peak_after_generation_mb=peak_gen,
        peak_rss_mb=peak_rss_mb(),
        threads=pl.thread_pool_size(),
    )
    print(json.dumps(out, default=str))


def measure(args: argparse.Namespace, mode: str, subset: float) -> dict[str, Any]:
    cmd = [
        sys.executable,
        __file__,
        "--child",
        mode,
        "--subset",
        str(subset),
        "--enterprises",
        str(args.enterprises),
        "--months",
        str(args.months),
        "--indicators",
        str(args.indicators),
        "--block",
        str(args.block),
    ]
    if args.profile:
        cmd.append("--profile")
    say(f"subprocess: {mode} on {subset:.0%} of the enterprises")
    done = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{mode} failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _print_stages(title: str, run: dict[str, Any]) -> float:
    stages, cpu = run["stages"], run["cpu"]
    print(f"{title}{'wall s':>{62 - len(title)}} {'cpu s':>8}")
    for name, s in stages.items():
        print(f"  {name:<44} {s:>8.2f} {cpu[name]:>8.2f}")
    total = sum(stages.values())
    print(f"  {'total':<44} {total:>8.2f} {sum(cpu.values()):>8.2f}")
    return total


def _print_counts(wz: dict[str, int], base: dict[str, int]) -> bool:
    keys = sorted(
        set(wz) | set(base), key=lambda k: (k.split("|")[0], LEVELS.index(k.split("|")[1]))
    )
    print(f"  {'rule | level':<44} {'WenZeng':>8} {'pandas':>8}")
    same = True
    for k in keys:
        a, b = wz.get(k, 0), base.get(k, 0)
        same &= a == b
        print(f"  {k:<44} {a:>8,} {b:>8,}{'' if a == b else '   ≠'}")
    return same


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--enterprises", type=int, default=3000)
    p.add_argument("--months", type=int, default=60)
    p.add_argument("--indicators", type=int, default=20)
    p.add_argument("--sample-fraction", type=float, default=0.1)
    p.add_argument("--profile", action="store_true", help="cProfile each run (to stderr)")
    p.add_argument("--block", type=int, default=2000, help="enterprises per block (WenZeng)")
    p.add_argument(
        "--check-whole",
        action="store_true",
        help="also run the whole-panel path and compare its findings (needs its memory)",
    )
    p.add_argument("--child", choices=["wenzeng", "whole", "baseline"], help=argparse.SUPPRESS)
    p.add_argument("--subset", type=float, default=1.0, help=argparse.SUPPRESS)
    args = p.parse_args()
    if not 8 <= args.indicators <= len(INDICATORS) or args.months < 25:
        raise SystemExit(f"--indicators must be 8–{len(INDICATORS)} and --months at least 25")
    if args.child:
        child(args)
        return

    full = measure(args, "wenzeng", 1.0)
    frac = args.sample_fraction
    wz_sample = measure(args, "wenzeng", frac)
    base = measure(args, "baseline", frac)

    n, k, m = args.enterprises, args.indicators, args.months
    print(
        f"synthetic panel: {n:,} enterprises × {k} indicators × {m} months = "
        f"{n * k * m:,} values ({N_REGIONS} regions, {N_SECTORS} sectors); "
        f"{os.cpu_count()} CPUs, polars threads {full['threads']}, load average "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    print(
        f"generation (not timed below): {full['generation_s']:.2f} s; "
        f"RSS after generation {full['rss_after_generation_mb']:,.0f} MB"
    )
    wz_total = _print_stages(f"WenZeng, full panel ({full['enterprises']:,} enterprises):", full)
    print(
        f"  blocks of {args.block:,} enterprises; {full['findings']:,} findings (digest "
        f"{full['digest']}), {full['judged']:,} series judged, {full['insufficient']:,} "
        f"too short; composite index {full['composite']:.1f}, diffusion "
        f"{full['diffusion']:.1f}; targets {dict(full['targets'])}"
    )
    print(
        f"  peak RSS {full['peak_rss_mb']:,.0f} MB (RSS before the first block "
        f"{full['rss_after_generation_mb']:,.0f} MB); reading (generating) the blocks, "
        f"not timed: {full['generation_s']:.1f} s"
    )
    same_whole = True
    if args.check_whole:
        whole = measure(args, "whole", 1.0)
        w_total = _print_stages("WenZeng, whole panel at once (the way before blocks):", whole)
        same_whole = all(
            whole[k] == full[k] for k in ("findings", "digest", "judged", "insufficient")
        )
        for k in sorted(set(full["counts"]) | set(whole["counts"])):
            a, b = full["counts"].get(k, 0), whole["counts"].get(k, 0)
            if a != b:
                print(f"  {k}: {a:,} by block, {b:,} on the whole panel")
        print(
            f"  {whole['findings']:,} findings (digest {whole['digest']}), "
            f"{whole['judged']:,} judged, {whole['insufficient']:,} too short; peak RSS "
            f"{whole['peak_rss_mb']:,.0f} MB; blocks / whole: {w_total / wz_total:.1f}× faster; "
            f"findings {'identical' if same_whole else 'DIFFERENT'}"
        )
    scale = full["enterprises"] / base["enterprises"]
    b_total = _print_stages(
        f"pandas baseline, sample of {base['enterprises']:,} enterprises:", base
    )
    part_a = sum(s for name, s in base["stages"].items() if name.startswith("A:"))
    part_b = b_total - part_a
    extrapolated = part_a * scale + part_b
    print(
        f"  extrapolated to {full['enterprises']:,} enterprises: A × {scale:.1f} + B = "
        f"{part_a:.2f} × {scale:.1f} + {part_b:.2f} = {extrapolated:.2f} s "
        f"(all × {scale:.1f}: {b_total * scale:.2f} s)"
    )
    wz_s = sum(wz_sample["stages"].values())
    print(
        f"WenZeng on the same sample: {wz_s:.2f} s (pandas / WenZeng at sample size {b_total / wz_s:.1f}×)"
    )
    print("findings on the sample, WenZeng vs pandas:")
    same = _print_counts(wz_sample["counts"], base["counts"])
    ratio = extrapolated / wz_total
    print(f"speed-up, extrapolated pandas / WenZeng full: {ratio:.1f}×")
    aims = [
        (f"full run ≤ 60 s ({wz_total:.1f} s)", wz_total <= 60),
        (f"peak memory ≤ 4 GB ({full['peak_rss_mb'] / 1024:.2f} GB)", full["peak_rss_mb"] <= 4096),
        (f"≥ 10× faster than the baseline ({ratio:.1f}×)", ratio >= 10),
        ("same findings as the baseline on the sample", same),
    ]
    if args.check_whole:
        aims.append(("same findings as the whole-panel path", same_whole))
    for text, ok in aims:
        print(f"aim {'met   ' if ok else 'MISSED'} {text}")


if __name__ == "__main__":
    main()
