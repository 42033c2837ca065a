"""The rules over a panel judged block by block give what the whole panel gives, and the
array transforms give what the frame transforms give, to the bit."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import polars as pl
import pytest

from wenzeng.analysis import blocks as B
from wenzeng.analysis import transforms as T
from wenzeng.analysis.warnings import Names, Panel, build_panel, run_rules
from wenzeng.domain.warning_rules import Detector, SeriesSpec, WarningConfig
from wenzeng.services.early_warning import needed_specs, warning_config

NAMES = Names(lambda code, lang: f"{code}/{lang}", lambda code, lang: f"{code}/{lang}")
INDICATORS = ["inventory_finished", "orders_new", "receivables", "revenue_elec", "va_elec"]
N_ENT, N_REG, N_MONTHS = 46, 4, 40
NOW = 2024 * 12 + 5  # June 2024
FIRST = NOW - N_MONTHS + 1
KIND = {("yoy_pct", "month"): "yoy_month", ("yoy_pct", "cum_month"): "yoy_cum"}
KIND |= {("level", "month"): "month", ("level", "cum_month"): "cum"}


def levels() -> np.ndarray:
    """Single-month levels (enterprises, indicators, months): trends, seasons, breaks, gaps."""
    rng = np.random.default_rng(7)
    t = np.arange(N_MONTHS)
    size = rng.lognormal(0.0, 1.0, N_ENT)[:, None, None]
    growth = rng.normal(0.06, 0.08, (N_ENT, len(INDICATORS)))[:, :, None]
    season = 1.0 + 0.2 * np.cos(2 * np.pi * ((FIRST + t) % 12) / 12.0)
    v = 100.0 * size * np.exp(growth / 12.0 * t) * season * rng.lognormal(0, 0.05, (1, 1, t.size))
    v = v * rng.lognormal(0.0, 0.04, v.shape)
    v[rng.random((N_ENT, len(INDICATORS))) < 0.15, -5:] *= 0.6  # breaks near the end
    v[:, [0, 2], -4:] *= 1.5  # stocks rise
    v[rng.random(v.shape) < 0.01] = np.nan  # gaps
    v[5] = np.nan  # an enterprise with nothing
    v[9, :, :-6] = np.nan  # one that started reporting late
    return v


def region_of(e: int) -> int:
    return (e * 7) % N_REG


def config() -> WarningConfig:
    """warnings.yaml with each rule on every indicator at every level it can judge."""
    base = warning_config()
    rules = []
    for rule in base.rules:
        if rule.detector is Detector.TARGET_RISK:
            rules.append(rule)
            continue
        kinds = sorted({(s.measure, s.period_type) for s in rule.series})
        own = [i for i in INDICATORS if i in {s.indicator for s in rule.series}]
        inds = own if rule.detector is Detector.RISING_STOCK else INDICATORS
        series = [
            SeriesSpec(indicator=i, measure=m, period_type=p, entities=lv)
            for lv in ("enterprises", "regions", "nation")
            for m, p in kinds
            for i in inds
        ]
        rules.append(rule.model_copy(update={"series": series}))
    return base.model_copy(update={"rules": rules})


def long_frame(v: np.ndarray) -> pl.DataFrame:
    e, k, t = np.meshgrid(
        np.arange(N_ENT), np.arange(len(INDICATORS)), np.arange(N_MONTHS), indexing="ij"
    )
    m = FIRST + t.ravel()
    return pl.DataFrame(
        {
            "indicator": [INDICATORS[i] for i in k.ravel()],
            "enterprise": [f"E{i:03d}" for i in e.ravel()],
            "region": [f"R{region_of(i)}" for i in e.ravel()],
            "year": m // 12,
            "month": m % 12 + 1,
            "value": pl.Series(v.ravel()).fill_nan(None),
        }
    )


def panel_of(spec: SeriesSpec, frame: pl.DataFrame, entity: str) -> Panel:
    rows = frame.filter(
        (pl.col("indicator") == spec.indicator) & pl.col("value").is_not_null()
    ).select(
        pl.col(entity).alias("entity"),
        pl.format(
            "{}-{}" if spec.period_type == "month" else "{}-01~{}",
            "year",
            pl.col("month").cast(pl.String).str.zfill(2),
        ).alias("period"),
        "value",
        pl.lit(False).alias("simulated"),
    )
    return build_panel(spec, rows, NOW, N_MONTHS)


def whole_panels(v: np.ndarray, cfg: WarningConfig) -> dict[SeriesSpec, Panel]:
    """The way without blocks: frame transforms on the whole long frame, sums by group."""
    df = long_frame(v)
    keys = ["indicator", "enterprise", "region"]
    ent = {"month": df, "cum": T.month_to_cum(df, keys)}
    frames = {"enterprises": ("enterprise", ent)}
    for lv, keep in (("regions", ["indicator", "region"]), ("nation", ["indicator"])):
        agg = {kind: T.aggregate(ent[kind], keep, "sum").drop("n") for kind in ("month", "cum")}
        if lv == "nation":
            agg = {k: f.with_columns(pl.lit("CN").alias("nation")) for k, f in agg.items()}
        frames[lv] = ("region" if lv == "regions" else "nation", agg)
    for col, fr in frames.values():
        ks = ["indicator", col] if col != "enterprise" else keys
        fr["yoy_month"] = T.yoy_from_levels(fr["month"], ks)
        fr["yoy_cum"] = T.yoy_from_levels(fr["cum"], ks)
    out = {}
    for spec in needed_specs(cfg):
        col, fr = frames[spec.entities]
        out[spec] = panel_of(spec, fr[KIND[(spec.measure, spec.period_type)]], col)
    return out


def block_arrays(month: np.ndarray) -> dict[str, np.ndarray]:
    cum = B.cumulative(month, FIRST)
    arrays = {"month": month, "cum": cum}
    arrays["yoy_month"] = B.year_on_year(month)
    arrays["yoy_cum"] = B.year_on_year(cum)
    return arrays


def by_blocks(
    v: np.ndarray, cfg: WarningConfig, size: int
) -> tuple[dict[SeriesSpec, Panel], Iterator[dict[SeriesSpec, Panel]]]:
    """The aggregates from sums built block by block, and the enterprise panels by block."""
    months = list(range(FIRST, NOW + 1))
    regions = [f"R{r}" for r in range(N_REG)]
    sums = {
        (kind, lv): B.GroupSums(regions if lv == "regions" else ["CN"], v.shape[1:])
        for kind in ("month", "cum")
        for lv in ("regions", "nation")
    }
    for lo in range(0, N_ENT, size):
        part = v[lo : lo + size]
        at = {"regions": [region_of(e) for e in range(lo, lo + len(part))]}
        at["nation"] = [0] * len(part)
        for (kind, lv), acc in sums.items():
            acc.add(part if kind == "month" else B.cumulative(part, FIRST), at[lv])
    specs = {s for s in needed_specs(cfg) if s.indicator in INDICATORS}
    shared = {}
    for lv in ("regions", "nation"):
        arrays = {"month": sums[("month", lv)].values, "cum": sums[("cum", lv)].values}
        arrays["yoy_month"] = B.year_on_year(arrays["month"])
        arrays["yoy_cum"] = B.year_on_year(arrays["cum"])
        groups = sums[("month", lv)].groups
        for s in (s for s in specs if s.entities == lv):
            values = arrays[KIND[(s.measure, s.period_type)]][:, INDICATORS.index(s.indicator)]
            shared[s] = B.block_panel(s, groups, months, values)

    def blocks() -> Iterator[dict[SeriesSpec, Panel]]:
        for lo in range(0, N_ENT, size):
            arrays = block_arrays(v[lo : lo + size])
            ents = [f"E{e:03d}" for e in range(lo, min(lo + size, N_ENT))]
            yield {
                s: B.block_panel(
                    s,
                    ents,
                    months,
                    arrays[KIND[(s.measure, s.period_type)]][:, INDICATORS.index(s.indicator)],
                )
                for s in specs
                if s.entities == "enterprises"
            }

    return shared, blocks()


def test_array_transforms_equal_the_frame_transforms_bit_for_bit() -> None:
    v = levels()
    keys = ["indicator", "enterprise", "region"]
    df = long_frame(v).sort([*keys, "year", "month"])
    arrays = block_arrays(v)
    frames = {"month": df, "cum": T.month_to_cum(df, keys)}
    frames["yoy_month"] = T.yoy_from_levels(frames["month"], keys)
    frames["yoy_cum"] = T.yoy_from_levels(frames["cum"], keys)
    for kind, frame in frames.items():
        # the frame is in (indicator, enterprise, …) order, the array (enterprise, indicator, …)
        got = arrays[kind].transpose(1, 0, 2).ravel()
        want = frame["value"].fill_null(np.nan).to_numpy()
        assert np.array_equal(got, want, equal_nan=True), kind
    assert np.isnan(arrays["cum"][:, :, : (-FIRST) % 12]).all()  # the year began before
    num, den = (
        frames["cum"].filter(pl.col("indicator") == "va_elec").drop("indicator"),
        (frames["cum"].filter(pl.col("indicator") == "revenue_elec").drop("indicator")),
    )
    want = T.share(num, den, keys[1:])["value"].fill_null(np.nan).to_numpy()
    got = B.share_of(arrays["cum"][:, 4], arrays["cum"][:, 3]).ravel()
    assert np.array_equal(got, want, equal_nan=True)


def test_group_sums_do_not_depend_on_where_the_blocks_are_cut() -> None:
    v = levels()
    groups = [region_of(e) for e in range(N_ENT)]
    results = []
    for size in (1, 7, N_ENT):
        acc = B.GroupSums([f"R{r}" for r in range(N_REG)], v.shape[1:])
        for lo in range(0, N_ENT, size):
            acc.add(v[lo : lo + size], groups[lo : lo + size])
        results.append(acc.values)
    assert all(np.array_equal(r, results[0], equal_nan=True) for r in results)
    frame = T.aggregate(long_frame(v), ["region", "indicator"], "sum")
    frame = frame.sort("region", "indicator", "year", "month")
    # polars adds in its own order: the same sums to the last bits or so
    want = frame["value"].fill_null(np.nan).to_numpy()
    assert np.allclose(results[0].ravel(), want, rtol=1e-13, atol=0.0, equal_nan=True)


@pytest.mark.parametrize("size", [1, 7, 20, N_ENT])
def test_rules_by_block_find_what_the_whole_panel_finds(size: int) -> None:
    cfg = config()
    v = levels()
    shared, blocks = by_blocks(v, cfg, size)
    # the enterprises' panels the way without blocks; the aggregates' the same on both sides
    # (polars' sums differ from the blocks' in the last bits, which may move a tie in PELT)
    whole = {s: p for s, p in whole_panels(v, cfg).items() if s.entities == "enterprises"}
    want, want_stats = run_rules(cfg, {**whole, **shared}, NAMES)
    seen: list[int] = []
    got, stats = B.run_rules_by_block(
        cfg, shared, blocks, NAMES, on_block=lambda b: seen.append(len(b))
    )
    assert len(want) > 100 and {f.rule for f in want} >= {
        "growth_break",
        "stock_outgrowing_sales",
        "growth_concentrated",
        "level_shift_down",
    }
    assert got == want  # every field of every finding, in the same order
    assert stats == want_stats
    assert len(seen) == -(-N_ENT // size)


def test_a_block_rule_against_the_nation_needs_the_nation_first() -> None:
    cfg = config()
    v = levels()
    _, blocks = by_blocks(v, cfg, 20)
    rule = next(r for r in cfg.rules if r.detector is Detector.DIVERGENCE)
    one = cfg.model_copy(update={"rules": [rule]})
    with pytest.raises(ValueError, match="national series"):
        B.BlockRun(one, NAMES).judge_block(next(blocks))
