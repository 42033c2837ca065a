"""Tests for wenzeng.analysis.detectors: each detector triggered, not triggered, and
given too little data; properties where natural; each panel form against its
single-series form."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wenzeng.analysis.detectors import (
    LIGHTS,
    change_point,
    change_point_panel,
    changepoints,
    composite_index,
    consecutive_declines,
    consecutive_declines_panel,
    diffusion_index,
    diffusion_index_panel,
    divergence,
    divergence_panel,
    growth_contributions,
    robust_deviation,
    robust_deviation_panel,
    signal_score,
    signal_scores,
    thresholds_from_history,
    thresholds_from_history_panel,
)

NAN = math.nan
WORKED = [5.1, 4.8, 5.3, 4.9, 5.0, 12.0]  # docs/methods.md#robust-outliers worked example


# --- 1. robust outliers (modified z-score) --------------------------------------------


def test_robust_deviation_worked_example_with_latest_in_sample() -> None:
    r = robust_deviation(WORKED[:-1], 12.0, min_points=5, include_latest=True)
    assert r.status == "ok"
    assert r.median == pytest.approx(5.05)
    assert r.mad == pytest.approx(0.20)
    assert r.z == pytest.approx(23.4, abs=0.05)
    assert r.fired


def test_robust_deviation_does_not_fire_on_ordinary_value() -> None:
    history = [5.1, 4.8, 5.3, 4.9, 5.0, 5.2, 4.7, 5.1, 5.0]
    r = robust_deviation(history, 5.25)
    assert r.status == "ok"
    assert not r.fired
    assert abs(r.z) < 3.5


def test_robust_deviation_fires_against_history_only() -> None:
    history = [5.1, 4.8, 5.3, 4.9, 5.0, 5.2, 4.7, 5.1, 5.0]
    r = robust_deviation(history, 12.0)
    assert r.status == "ok" and r.fired and r.z > 3.5


def test_robust_deviation_short_or_missing_is_insufficient() -> None:
    short = robust_deviation(WORKED[:-1], 12.0)  # 5 < min_points 8
    assert short.status == "insufficient_data"
    assert not short.fired
    assert "5" in short.reason and "8" in short.reason
    gappy = robust_deviation([5.0, NAN, 5.1, NAN, 4.9, NAN, 5.2, 5.0, NAN], 12.0)
    assert gappy.status == "insufficient_data" and gappy.n_points == 5
    missing = robust_deviation([5.0] * 10, NAN)
    assert missing.status == "insufficient_data" and "missing" in missing.reason
    assert robust_deviation([], 1.0).status == "insufficient_data"


def test_robust_deviation_gappy_but_enough() -> None:
    history = [5.1, NAN, 4.8, 5.3, NAN, 4.9, 5.0, 5.2, 4.7, 5.1]
    r = robust_deviation(history, 12.0)
    assert r.status == "ok" and r.n_points == 8 and r.fired


def test_robust_deviation_mad_zero_fallback_uses_meanad() -> None:
    x = [5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 9.0]
    meanad = 4.0 / 7.0
    one = robust_deviation(x[:-1], 9.0, min_points=6, include_latest=True)
    assert one.scale_method == "meanad"
    assert one.z == pytest.approx(4.0 / (1.253314 * meanad))
    r = robust_deviation(x[:-1] + [5.0, 5.0, 9.0], 9.0, include_latest=True)
    assert r.scale_method == "meanad"


def test_robust_deviation_constant_series() -> None:
    same = robust_deviation([3.0] * 9, 3.0)
    assert same.z == 0.0 and same.scale_method == "constant" and not same.fired
    r = robust_deviation([2.0] * 9, 2.5)
    assert r.status == "ok" and r.fired and math.isinf(r.z)
    assert "equal" in r.reason
    assert not robust_deviation([2.0] * 9, 2.0).fired


def test_robust_deviation_ignores_missing_history() -> None:
    history = np.array([5.1, NAN, 4.8, 5.3, 4.9, NAN, 5.0, 5.2, 4.7, 5.1, NAN])
    gappy = robust_deviation(history, 12.0)
    present = robust_deviation(history[~np.isnan(history)], 12.0)
    assert gappy == present and gappy.n_points == 8
    p = robust_deviation_panel(
        np.array([[NAN, NAN], [1.0, 2.0]]), np.array([1.0, NAN]), min_points=1
    )
    assert p.status.tolist() == ["insufficient_data", "insufficient_data"]
    assert np.isnan(p.z[0]) and np.isnan(p.median[0])


def test_robust_deviation_panel_is_rowwise() -> None:
    rng = np.random.default_rng(3)
    hist = rng.normal(0, 1, (50, 24))
    hist[::7, ::3] = NAN
    hist[5, :20] = NAN  # too little history
    latest = rng.normal(0, 1, 50)
    latest[[2, 9]] = 10.0
    latest[11] = NAN
    p = robust_deviation_panel(hist, latest)
    for i in (0, 2, 5, 9, 11, 14):
        one = robust_deviation(hist[i], float(latest[i]))
        assert p.status[i] == one.status
        assert bool(p.fired[i]) == one.fired
        assert np.isclose(p.z[i], one.z, equal_nan=True)
    assert p.fired[2] and p.fired[9]
    assert p.status[5] == "insufficient_data" and p.status[11] == "insufficient_data"


finite = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(
    x=st.lists(st.integers(-1000, 1000), min_size=3, max_size=30),
    shift=st.integers(-10_000, 10_000),
    scale=st.floats(min_value=0.01, max_value=100.0),
)
def test_robust_deviation_invariant_to_shift_and_scale(
    x: list[int], shift: int, scale: float
) -> None:
    def z(a: np.ndarray) -> float:
        return robust_deviation(a[:-1], float(a[-1]), min_points=1, include_latest=True).z

    a = np.array(x, dtype=float)
    assert np.isclose(z(a), z(a * scale + shift), rtol=1e-7, atol=1e-7, equal_nan=True)
    assert np.isclose(abs(z(a)), abs(z(-a)), rtol=1e-9, atol=1e-9)


# --- 2. consecutive declines ----------------------------------------------------------


def test_three_declines_fire_two_do_not() -> None:
    three = consecutive_declines([5.0, 6.0, 5.5, 5.0, 4.0])
    assert three.status == "ok" and three.count == 3 and three.fired
    two = consecutive_declines([5.0, 6.0, 7.0, 5.0, 4.0])
    assert two.status == "ok" and two.count == 2 and not two.fired


def test_flat_step_ends_run_and_last_rise_is_zero() -> None:
    assert consecutive_declines([9.0, 8.0, 8.0, 7.0, 6.0]).count == 2
    rise = consecutive_declines([5.0, 6.0])  # short, but a definite "no"
    assert rise.status == "ok" and rise.count == 0 and not rise.fired


def test_declines_nan_breaks_run() -> None:
    r = consecutive_declines([9.0, 8.0, NAN, 7.0, 6.0])
    assert r.count == 1 and r.interrupted_by_nan and not r.fired
    assert r.status == "insufficient_data" and "missing" in r.reason
    enough = consecutive_declines([9.0, NAN, 8.0, 7.0, 6.0, 5.0])
    assert enough.status == "ok" and enough.fired and enough.interrupted_by_nan
    last = consecutive_declines([9.0, 8.0, 7.0, 6.0, NAN])
    assert last.status == "insufficient_data" and last.count == 0


def test_declines_short_series_insufficient() -> None:
    r = consecutive_declines([5.0, 4.0, 3.0])
    assert r.status == "insufficient_data" and r.count == 2 and "start" in r.reason
    assert consecutive_declines([5.0]).status == "insufficient_data"
    assert consecutive_declines([]).status == "insufficient_data"


def test_declines_panel() -> None:
    x = np.array(
        [
            [5.0, 6.0, 5.5, 5.0, 4.0],
            [5.0, 6.0, 7.0, 5.0, 4.0],
            [9.0, 8.0, NAN, 7.0, 6.0],
            [4.0, 3.0, 2.0, 1.0, 0.0],
        ]
    )
    p = consecutive_declines_panel(x)
    assert p.count.tolist() == [3, 2, 1, 4]
    assert p.fired.tolist() == [True, False, False, True]
    assert p.status.tolist() == ["ok", "ok", "insufficient_data", "ok"]
    assert p.interrupted_by_nan.tolist() == [False, False, True, False]


# --- 3. PELT change point -------------------------------------------------------------


def test_change_point_finds_level_shift() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(0.0, 1.0, 36)
    x[24:] += 3.0
    r = change_point(x)
    assert r.status == "ok"
    assert r.break_index is not None and abs(r.break_index - 24) <= 1
    assert r.mean_before is not None and r.mean_after is not None
    assert r.mean_after - r.mean_before > 2.0
    assert not r.recent  # 12 points back, outside the last 6
    assert change_point(x, k=12).recent


def test_change_point_recent_shift_with_gaps_uses_original_index() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(0.0, 1.0, 36)
    x[30:] += 3.0
    x[[5, 11, 17]] = NAN
    r = change_point(x)
    assert r.break_index is not None and abs(r.break_index - 30) <= 1
    assert r.recent


def test_change_point_no_break_on_white_noise() -> None:
    x = np.random.default_rng(42).normal(0.0, 1.0, 48)
    r = change_point(x)
    assert r.status == "ok" and r.break_index is None and r.breaks == ()
    assert not r.recent
    assert r.penalty == pytest.approx(2 * math.log(48))


def test_change_point_short_and_constant() -> None:
    r = change_point([1.0, 2.0, 3.0, NAN, 4.0, 5.0, 6.0])  # 6 values < 2*3+1
    assert r.status == "insufficient_data" and r.n_points == 6
    assert change_point([]).status == "insufficient_data"
    c = change_point([2.0] * 10)
    assert c.status == "ok" and c.break_index is None


def _random_series(rng: np.random.Generator, length: int) -> np.ndarray:
    """Level shifts, noise, ties, constants, gaps and short series, placed in a row."""
    n = int(rng.integers(0, length + 1))
    kind = int(rng.integers(0, 6))
    x = rng.normal(0.0, 1.0, n)
    if kind == 1:
        x = np.round(x * 2) / 2  # many ties
    elif kind == 2 and n:
        x[rng.integers(0, n) :] += rng.uniform(-6.0, 6.0)
    elif kind == 3 and n:
        for _ in range(3):
            x[rng.integers(0, n) :] += rng.uniform(-5.0, 5.0)
    elif kind == 4:
        x = np.full(n, 3.0)
    elif kind == 5:
        x = rng.integers(0, 3, n).astype(float)
    x = x * rng.uniform(0.1, 100.0) + rng.uniform(-50.0, 50.0)
    x[rng.random(n) < rng.choice([0.0, 0.05, 0.3])] = NAN
    row = np.full(length, NAN)
    row[length - n :] = x
    return np.roll(row, -int(rng.integers(0, length - n + 1)))


def _same_result(a: object, b: object) -> bool:
    for name in ("status", "reason", "break_index", "breaks", "mean_before", "mean_after"):
        if getattr(a, name) != getattr(b, name):
            return False
    for name in ("recent", "n_points", "sigma", "penalty"):
        u, v = getattr(a, name), getattr(b, name)
        if u != v and not (isinstance(u, float) and math.isnan(u) and math.isnan(v)):
            return False
    return True


@pytest.mark.parametrize(
    ("seed", "length", "min_size", "penalty", "k"),
    [(0, 60, 3, None, 6), (1, 36, 3, None, 12), (2, 24, 2, 4.0, 3), (3, 48, 4, None, 6)],
)
def test_change_point_panel_equals_change_point_row_by_row(
    seed: int, length: int, min_size: int, penalty: float | None, k: int
) -> None:
    rng = np.random.default_rng(seed)
    x = np.stack([_random_series(rng, length) for _ in range(200)])
    p = change_point_panel(x, min_size=min_size, penalty=penalty, k=k)
    assert p.status.shape == p.break_index.shape == (200,) and p.breaks.shape == x.shape
    for i in range(200):
        one = change_point(x[i], min_size=min_size, penalty=penalty, k=k)
        got = p.result(i)
        assert _same_result(got, one), (i, x[i].tolist(), one, got)
        assert p.breaks[i].sum() == len(one.breaks)
        if one.break_index is None:
            assert p.break_index[i] == -1 and np.isnan(p.mean_before[i])
    statuses = set(p.status.tolist())
    assert statuses == {"ok", "insufficient_data"}  # both kinds were exercised
    assert (p.break_index >= 0).sum() > 20


def test_change_point_panel_chunks_and_edge_shapes(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(5)
    x = np.stack([_random_series(rng, 30) for _ in range(40)])
    whole = change_point_panel(x)
    monkeypatch.setattr(changepoints, "_COST_BUDGET", 8 * 31**2 * 3)  # chunks of 3 rows
    chunked = change_point_panel(x)
    for i in range(40):
        assert _same_result(whole.result(i), chunked.result(i))
    empty = change_point_panel(np.empty((0, 12)))
    assert empty.status.shape == (0,) and empty.breaks.shape == (0, 12)
    one = change_point_panel([1.0, 1.0, 1.0, 1.0, 9.0, 9.0, 9.0, 9.0])
    assert one.result(0) == change_point([1.0, 1.0, 1.0, 1.0, 9.0, 9.0, 9.0, 9.0])


# --- 4. signal scores and thresholds --------------------------------------------------

T4 = (1.0, 2.0, 3.0, 4.0)


def test_signal_score_bands_and_equality_goes_up() -> None:
    assert [signal_score(v, T4) for v in (0.5, 1.5, 2.5, 3.5, 4.5)] == [1, 2, 3, 4, 5]
    assert [signal_score(v, T4) for v in T4] == [2, 3, 4, 5]
    assert LIGHTS[1].code == "blue" and LIGHTS[1].zh == "过冷"
    assert LIGHTS[2].code == "light_blue" and LIGHTS[3].zh == "正常"
    assert LIGHTS[5].code == "red" and LIGHTS[5].zh == "过热"
    assert all(light.colour.startswith("#") for light in LIGHTS.values())


def test_signal_score_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        signal_score(1.0, (4.0, 3.0, 2.0, 1.0))
    with pytest.raises(ValueError):
        signal_score(NAN, T4)


def test_signal_scores_vectorised() -> None:
    vals = np.array([0.5, 2.0, NAN, 9.0])
    assert signal_scores(vals, T4).tolist() == [1, 3, 0, 5]
    per = np.array([T4, T4, T4, (10.0, 20.0, 30.0, 40.0)])
    assert signal_scores(vals, per).tolist() == [1, 3, 0, 1]


@settings(max_examples=100, deadline=None)
@given(
    a=finite,
    b=finite,
    t=st.lists(finite, min_size=4, max_size=4).map(sorted),
)
def test_signal_score_is_monotone(a: float, b: float, t: list[float]) -> None:
    lo, hi = min(a, b), max(a, b)
    th = (t[0], t[1], t[2], t[3])
    s_lo, s_hi = signal_score(lo, th), signal_score(hi, th)
    assert 1 <= s_lo <= s_hi <= 5


def test_thresholds_from_history() -> None:
    x = np.arange(1.0, 101.0)
    r = thresholds_from_history(x)
    assert r.status == "ok" and r.thresholds is not None
    assert r.thresholds == pytest.approx((10.9, 25.75, 75.25, 90.1))
    assert signal_score(50.0, r.thresholds) == 3
    assert signal_score(100.0, r.thresholds) == 5


def test_thresholds_insufficient_when_short_or_gappy() -> None:
    assert thresholds_from_history(np.arange(11.0)).status == "insufficient_data"
    gappy = np.arange(20.0)
    gappy[::2] = NAN
    r = thresholds_from_history(gappy)
    assert r.status == "insufficient_data" and r.thresholds is None and r.n_points == 10
    p = thresholds_from_history_panel(
        np.vstack([np.arange(24.0), gappy[: 24 - 4].tolist() + [NAN] * 4])
    )
    assert p.status.tolist() == ["ok", "insufficient_data"]
    assert np.isnan(p.thresholds[1]).all()


@pytest.mark.parametrize("seed", range(5))
def test_thresholds_panel_equals_nanpercentile_on_gappy_panels(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(20):
        rows, width = int(rng.integers(1, 50)), int(rng.integers(1, 70))
        x = rng.normal(0.0, 1.0, (rows, width)) * rng.uniform(0.01, 1e4)
        if rng.random() < 0.3:
            x = np.round(x)  # ties
        x[rng.random((rows, width)) < rng.choice([0.0, 0.1, 0.5, 0.95])] = NAN
        pct = (10.0, 25.0, 75.0, 90.0) if rng.random() < 0.5 else (0.0, 33.3, 66.7, 100.0)
        p = thresholds_from_history_panel(x, pct, min_points=1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows
            ref = np.nanpercentile(x, pct, axis=1).T
        np.testing.assert_allclose(p.thresholds, ref, rtol=0, atol=1e-12, equal_nan=True)
        assert p.n_points.tolist() == np.sum(~np.isnan(x), axis=1).tolist()


# --- 5. composite index ---------------------------------------------------------------


def test_composite_bands_for_nine_indicators() -> None:
    r = composite_index([3] * 9)
    assert r.status == "ok" and r.total == 27 and r.index == pytest.approx(100.0)
    assert r.light is not None and r.light.code == "green"
    assert r.bands == ((9, 16), (17, 22), (23, 31), (32, 37), (38, 45))
    assert r.cutoffs == (17, 23, 32, 38)
    expected = {9: 1, 16: 1, 17: 2, 22: 2, 23: 3, 31: 3, 32: 4, 37: 4, 38: 5, 45: 5}
    for total, band in expected.items():
        scores = [1] * 9
        extra = total - 9
        for i in range(9):
            add = min(4, extra)
            scores[i] += add
            extra -= add
        assert composite_index(scores).score == band, total


def test_composite_scales_with_n_and_skips_missing() -> None:
    r = composite_index([3] * 18)
    assert r.cutoffs == (33, 45, 63, 75)
    hot = composite_index([5, 5, 5, 5, 0, 0])
    assert hot.n == 4 and hot.n_missing == 2 and hot.light == LIGHTS[5]
    assert hot.index == pytest.approx(100 * 20 / 12)


def test_composite_insufficient_and_invalid() -> None:
    assert composite_index([]).status == "insufficient_data"
    assert composite_index([0, 0]).status == "insufficient_data"
    with pytest.raises(ValueError):
        composite_index([6, 3])


# --- 6. diffusion index ---------------------------------------------------------------


def test_diffusion_index_half_weight_and_nan() -> None:
    assert diffusion_index(np.array([1.0, 2.0, -1.0, 0.0])) == pytest.approx(62.5)
    assert diffusion_index(np.array([1.0, NAN, -1.0])) == pytest.approx(50.0)
    assert math.isnan(diffusion_index(np.array([NAN, NAN])))
    assert diffusion_index(np.array([0.05, -0.05, 1.0]), tol=0.1) == pytest.approx(200 / 3)
    rows = diffusion_index_panel(np.array([[1.0, 1.0], [-1.0, 0.0], [NAN, NAN]]))
    assert rows[:2].tolist() == [100.0, 25.0] and math.isnan(rows[2])


# --- 7. growth contributions ----------------------------------------------------------


def test_growth_carried_by_few() -> None:
    before = np.full(10, 100.0)
    now = before.copy()
    now[[0, 1]] += [30.0, 10.0]  # two components carry all growth
    r = growth_contributions(now, before, k=2)
    assert r.status == "ok" and r.growth_positive
    assert r.total_growth_pct == pytest.approx(4.0)
    assert np.nansum(r.contributions_pp) == pytest.approx(r.total_growth_pct)
    assert r.top_k_indices == (0, 1)
    assert r.top_k_share_of_total == pytest.approx(100.0)


def test_growth_broad_based() -> None:
    before = np.full(10, 100.0)
    r = growth_contributions(before * 1.05, before, k=3)
    assert r.top_k_share_of_total == pytest.approx(30.0)


def test_growth_not_positive_and_gaps() -> None:
    before = np.array([100.0, 100.0, 100.0, NAN])
    now = np.array([110.0, 80.0, 100.0, 50.0])
    r = growth_contributions(now, before)
    assert r.status == "ok" and not r.growth_positive
    assert r.top_k_share_of_total is None and "<= 0" in r.reason
    assert r.top_k_share_of_gains == pytest.approx(100.0)
    assert r.n_excluded == 1 and math.isnan(r.contributions_pp[3])
    assert growth_contributions([NAN], [1.0]).status == "insufficient_data"
    assert growth_contributions([1.0], [0.0]).status == "insufficient_data"


# --- 8. divergence --------------------------------------------------------------------


def test_divergence() -> None:
    nation = np.array([6.0, 8.0, 8.0, 7.0])
    assert divergence(np.array([5.0, 2.0, 1.0, 0.0]), nation).fired
    no = divergence(np.array([5.0, 7.0, 1.0, 0.0]), nation)
    assert no.status == "ok" and not no.fired and no.run == 2
    gappy = divergence(np.array([5.0, NAN, 1.0, 0.0]), nation)
    assert gappy.status == "insufficient_data" and not gappy.fired
    ruled_out = divergence(np.array([5.0, NAN, 6.0, 0.0]), nation)
    assert ruled_out.status == "ok" and not ruled_out.fired
    assert divergence([1.0], [9.0]).status == "insufficient_data"
    p = divergence_panel(np.array([[5.0, 2.0, 1.0, 0.0], [5.0, 7.0, 1.0, 0.0]]), nation)
    assert p.fired.tolist() == [True, False]
