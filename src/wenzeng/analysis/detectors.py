"""Detectors for monitoring and early warning on short, gappy monthly series.

Pure functions, no IO. Methods and sources are those of ``/work/shared/METHODS.md``
(sections 1 and 5); each function's docstring names its source.

Conventions
-----------
* Missing values are ``NaN``. Every detector is NaN-aware.
* Detectors never raise because a series is short or gappy. They return a result with
  ``status`` ``"ok"`` or ``"insufficient_data"`` and a plain-language ``reason``.
  They do raise ``ValueError`` for malformed *parameters* (for example thresholds that
  are not ascending) or mismatched array shapes.
* Screening functions come in a single-series form and a ``*_panel`` form. The panel
  form takes a 2-D array (one row per series, time along the last axis) and is
  vectorised with numpy: there is no Python loop over series. ``modified_z_expr``
  gives the same statistic as a polars expression for use with ``.over(...)`` or a
  group-by. :func:`change_point` fits PELT to one series with ``ruptures``;
  :func:`change_point_panel` gives the same result for a whole panel at once.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final, Literal, NamedTuple

import numpy as np
import numpy.typing as npt
import polars as pl
import ruptures as rpt

__all__ = [
    "LIGHTS",
    "ChangePointPanel",
    "ChangePointResult",
    "CompositeResult",
    "ConcentrationResult",
    "DeclineRun",
    "DeclinesPanel",
    "DivergencePanel",
    "DivergenceResult",
    "GrowthContributions",
    "HampelResult",
    "KlrResult",
    "Light",
    "RobustDeviation",
    "RobustDeviationPanel",
    "Status",
    "ThreeDsResult",
    "ThresholdsPanel",
    "ThresholdsResult",
    "change_point",
    "change_point_panel",
    "composite_index",
    "concentration",
    "consecutive_declines",
    "consecutive_declines_panel",
    "diffusion_index",
    "diffusion_index_panel",
    "divergence",
    "divergence_panel",
    "growth_contributions",
    "hampel",
    "hampel_flags",
    "klr_threshold",
    "modified_z",
    "modified_z_expr",
    "nsr",
    "robust_deviation",
    "robust_deviation_panel",
    "signal_score",
    "signal_scores",
    "three_ds",
    "thresholds_from_history",
    "thresholds_from_history_panel",
]

Status = Literal["ok", "insufficient_data"]
OK: Final = "ok"
INSUFFICIENT: Final = "insufficient_data"

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
StrArray = npt.NDArray[np.str_]

#: Iglewicz–Hoaglin constant: 0.6745 ≈ Φ⁻¹(0.75), so MAD/0.6745 estimates σ.
MZ_CONSTANT: Final = 0.6745
#: MAD = 0 fallback: M = (x − median) / (1.253314 · MeanAD); 1.253314 ≈ √(π/2).
MEANAD_CONSTANT: Final = 1.253314
#: Hampel scale factor: 1.4826 · MAD estimates σ for Gaussian data.
HAMPEL_K: Final = 1.4826


def _floats(x: npt.ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


def _nanmedian(a: FloatArray, axis: int, *, keepdims: bool = False) -> FloatArray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(np.nanmedian(a, axis=axis, keepdims=keepdims), dtype=np.float64)


def _nanmean(a: FloatArray, axis: int, *, keepdims: bool = False) -> FloatArray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(np.nanmean(a, axis=axis, keepdims=keepdims), dtype=np.float64)


def _safe_divide(num: FloatArray, den: FloatArray) -> FloatArray:
    """num/den with x/0 = ±inf and 0/0 = 0 (a point equal to a constant centre)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.asarray(num / den, dtype=np.float64)
    return np.where((den == 0) & (num == 0), 0.0, out)


def _robust_scale(absdev: FloatArray, axis: int) -> tuple[FloatArray, FloatArray, StrArray]:
    """MAD, the σ-scale used by the modified z-score, and which estimator gave it."""
    mad = _nanmedian(absdev, axis, keepdims=True)
    meanad = _nanmean(absdev, axis, keepdims=True)
    scale = np.where(mad > 0, mad / MZ_CONSTANT, MEANAD_CONSTANT * meanad)
    method = np.where(mad > 0, "mad", np.where(meanad > 0, "meanad", "constant"))
    return mad, scale, method


# ---------------------------------------------------------------------------
# 1. Modified z-score
# ---------------------------------------------------------------------------


def modified_z(x: npt.ArrayLike, axis: int = -1) -> FloatArray:
    """Modified z-score M_i = 0.6745·(x_i − median)/MAD, NaN-aware, along ``axis``.

    Source: Iglewicz, B. & Hoaglin, D. (1993), *How to Detect and Handle Outliers*,
    ASQC Basic References in Quality Control 16; flag when |M| > 3.5. When MAD = 0 the
    fallback M = (x_i − median)/(1.253314·MeanAD) is used, MeanAD being the mean absolute
    deviation from the median (METHODS.md §5; https://stats.stackexchange.com/q/339932).

    NaNs are ignored in the median and MAD and stay NaN in the output. If the values are
    all equal (MAD = MeanAD = 0) the points at the median get 0. A 2-D input is treated
    as a panel (one series per row with the default ``axis=-1``), fully vectorised.

    Worked example (METHODS.md §5): 5.1, 4.8, 5.3, 4.9, 5.0, 12.0 gives median 5.05,
    MAD 0.20 and M(12.0) ≈ 23.4.
    """
    a = np.atleast_1d(_floats(x))
    if a.size == 0:
        return a.copy()
    med = _nanmedian(a, axis, keepdims=True)
    diff = a - med
    _, scale, _ = _robust_scale(np.abs(diff), axis)
    return _safe_divide(diff, scale)


def modified_z_expr(column: str | pl.Expr) -> pl.Expr:
    """The modified z-score (see :func:`modified_z`) as a polars expression.

    Use it per series with a window, e.g.
    ``df.with_columns(mz=modified_z_expr("value").over("series_id"))``. NaN is treated
    as missing (``fill_nan(None)``) and missing values give null. Same source and MAD = 0
    fallback as :func:`modified_z` (Iglewicz & Hoaglin 1993; METHODS.md §5).
    """
    x = (pl.col(column) if isinstance(column, str) else column).fill_nan(None)
    diff = x - x.median()
    mad = diff.abs().median()
    meanad = diff.abs().mean()
    scale = pl.when(mad > 0).then(mad / MZ_CONSTANT).otherwise(MEANAD_CONSTANT * meanad)
    return pl.when(diff == 0).then(pl.lit(0.0)).otherwise(diff / scale)


@dataclass(frozen=True, slots=True)
class RobustDeviation:
    """Result of :func:`robust_deviation` for one series.

    ``z`` is the modified z of the latest value against the reference sample, ``median``
    and ``mad`` describe that sample, ``scale`` is the σ-estimate actually divided by
    (MAD/0.6745, or 1.253314·MeanAD when MAD = 0, per ``scale_method``).
    """

    status: Status
    reason: str
    z: float
    median: float
    mad: float
    scale: float
    scale_method: str
    n_points: int
    fired: bool


@dataclass(frozen=True, slots=True, eq=False)
class RobustDeviationPanel:
    """Result of :func:`robust_deviation_panel`: one entry per series (row)."""

    status: StrArray
    reason: StrArray
    z: FloatArray
    median: FloatArray
    mad: FloatArray
    scale: FloatArray
    scale_method: StrArray
    n_points: IntArray
    fired: BoolArray


def robust_deviation_panel(
    history: npt.ArrayLike,
    latest: npt.ArrayLike,
    *,
    min_points: int = 8,
    threshold: float = 3.5,
    include_latest: bool = False,
) -> RobustDeviationPanel:
    """Vectorised :func:`robust_deviation` for a panel.

    ``history`` has shape (series, periods) and ``latest`` shape (series,). A series is
    ``insufficient_data`` when its latest value is missing or its reference sample has
    fewer than ``min_points`` non-missing values; its ``fired`` is then False.
    Source: Iglewicz & Hoaglin (1993), METHODS.md §5.
    """
    hist = np.atleast_2d(_floats(history))
    last = np.atleast_1d(_floats(latest))
    if hist.ndim != 2 or last.shape != (hist.shape[0],):
        raise ValueError("history must be (series, periods) and latest (series,)")
    ref = np.concatenate([hist, last[:, None]], axis=1) if include_latest else hist
    n_points = np.sum(~np.isnan(ref), axis=1).astype(np.int64)
    med = _nanmedian(ref, 1, keepdims=True)
    mad, scale, method = _robust_scale(np.abs(ref - med), 1)
    z = _safe_divide(last - med[:, 0], scale[:, 0])
    latest_missing = np.isnan(last)
    too_few = n_points < min_points
    ok = ~latest_missing & ~too_few
    reason = np.where(
        latest_missing,
        "latest value is missing",
        np.where(too_few, f"fewer than {min_points} non-missing reference values", ""),
    )
    return RobustDeviationPanel(
        status=np.where(ok, OK, INSUFFICIENT),
        reason=reason,
        z=z,
        median=med[:, 0],
        mad=mad[:, 0],
        scale=scale[:, 0],
        scale_method=method[:, 0],
        n_points=n_points,
        fired=ok & (np.abs(z) > threshold),
    )


def robust_deviation(
    history: npt.ArrayLike,
    latest: float,
    *,
    min_points: int = 8,
    threshold: float = 3.5,
    include_latest: bool = False,
) -> RobustDeviation:
    """Is ``latest`` an outlier against ``history``? Modified z-score rule |M| > threshold.

    Source: Iglewicz & Hoaglin (1993), threshold 3.5, MAD = 0 fallback 1.253314·MeanAD
    (METHODS.md §5; https://stats.stackexchange.com/q/339932).

    By default the reference sample is ``history`` alone, so the new value cannot mask
    itself; with ``include_latest=True`` the latest value is part of the sample, which is
    the textbook Iglewicz–Hoaglin statistic (METHODS.md worked example → M ≈ 23.4).
    With a constant reference sample (MAD = MeanAD = 0) any departure gives z = ±inf and
    fires. Returns ``insufficient_data`` when the latest value is missing or fewer than
    ``min_points`` non-missing reference values exist.
    """
    panel = robust_deviation_panel(
        np.atleast_1d(_floats(history))[None, :],
        np.array([latest], dtype=np.float64),
        min_points=min_points,
        threshold=threshold,
        include_latest=include_latest,
    )
    status: Status = OK if panel.status[0] == OK else INSUFFICIENT
    n = int(panel.n_points[0])
    reason = str(panel.reason[0])
    if reason.startswith("fewer"):
        reason = f"only {n} non-missing reference values; need at least {min_points}"
    elif status == OK and panel.scale_method[0] == "constant":
        reason = "reference values are all equal; any departure counts as an outlier"
    return RobustDeviation(
        status=status,
        reason=reason,
        z=float(panel.z[0]),
        median=float(panel.median[0]),
        mad=float(panel.mad[0]),
        scale=float(panel.scale[0]),
        scale_method=str(panel.scale_method[0]),
        n_points=n,
        fired=bool(panel.fired[0]),
    )


# ---------------------------------------------------------------------------
# 2. Hampel filter
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class HampelResult:
    """Result of :func:`hampel`; arrays have the input's shape.

    ``evaluable`` marks points that are present and whose window held at least
    ``min_periods`` values; only those can be flagged. ``status`` is
    ``insufficient_data`` when no point at all is evaluable.
    """

    status: Status
    reason: str
    flags: BoolArray
    median: FloatArray
    scale: FloatArray
    evaluable: BoolArray


def hampel(
    x: npt.ArrayLike,
    window: int = 7,
    n_sigma: float = 3.0,
    *,
    min_periods: int | None = None,
) -> HampelResult:
    """Hampel identifier: flag x_t when |x_t − med_t| > n_sigma · 1.4826 · MAD_t.

    Source: Hampel filter as in ``sktime`` ``HampelFilter(window_length, n_sigma=3,
    k=1.4826)`` and R ``pracma::hampel`` (METHODS.md §5; https://www.sktime.net/models/
    hampelfilter/ ; https://rdrr.io/cran/pracma/man/hampel.html). n_sigma = 3 is
    Pearson's 3-sigma rule; n_sigma = 0 gives Tukey's median filter.

    ``window`` is the full, centred window length (odd, ≥ 3), the point itself included.
    Windows are truncated at the ends of the series and NaNs are skipped, so the window
    median and MAD use only the values present; a point is evaluated only when it is
    present and its window holds at least ``min_periods`` values (default
    ``window // 2 + 1``). As in pracma, a window with MAD = 0 flags any departure from its
    median. Works along the last axis; a 2-D input is a panel (vectorised).
    """
    if window < 3 or window % 2 == 0:
        raise ValueError("window must be an odd integer >= 3")
    if n_sigma < 0:
        raise ValueError("n_sigma must be >= 0")
    half = window // 2
    need = half + 1 if min_periods is None else min_periods
    a = np.atleast_1d(_floats(x))
    if a.shape[-1] == 0:
        none = np.zeros(a.shape, dtype=np.bool_)
        nan = np.full(a.shape, np.nan)
        return HampelResult(INSUFFICIENT, "no values", none, nan, nan, none)
    pad = [(0, 0)] * (a.ndim - 1) + [(half, half)]
    windows = np.lib.stride_tricks.sliding_window_view(
        np.pad(a, pad, constant_values=np.nan), window, axis=-1
    )
    med = _nanmedian(windows, -1)
    mad = _nanmedian(np.abs(windows - med[..., None]), -1)
    count = np.sum(~np.isnan(windows), axis=-1)
    evaluable = (count >= need) & ~np.isnan(a)
    scale = HAMPEL_K * mad
    with np.errstate(invalid="ignore"):
        flags = evaluable & (np.abs(a - med) > n_sigma * scale)
    any_ok = bool(evaluable.any())
    return HampelResult(
        status=OK if any_ok else INSUFFICIENT,
        reason="" if any_ok else f"no point has {need} non-missing values in its window",
        flags=np.asarray(flags, dtype=np.bool_),
        median=med,
        scale=scale,
        evaluable=np.asarray(evaluable, dtype=np.bool_),
    )


def hampel_flags(x: npt.ArrayLike, window: int = 7, n_sigma: float = 3.0) -> BoolArray:
    """Boolean outlier flags of the Hampel identifier (k = 1.4826); see :func:`hampel`.

    Missing values and points whose window is too sparse are never flagged; call
    :func:`hampel` to see which points could be evaluated.
    """
    return hampel(x, window, n_sigma).flags


# ---------------------------------------------------------------------------
# 3. Runs of declines
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeclineRun:
    """Result of :func:`consecutive_declines`.

    ``count`` is the number of consecutive declines ending at the last point (a run of
    ``count`` declines spans ``count + 1`` points). ``interrupted_by_nan`` says the run
    stopped at a missing value rather than at a rise/flat step or the series start, so
    the true run may be longer.
    """

    status: Status
    reason: str
    count: int
    fired: bool
    interrupted_by_nan: bool


@dataclass(frozen=True, slots=True, eq=False)
class DeclinesPanel:
    """Result of :func:`consecutive_declines_panel`: one entry per series (row)."""

    status: StrArray
    reason: StrArray
    count: IntArray
    fired: BoolArray
    interrupted_by_nan: BoolArray


def consecutive_declines_panel(x: npt.ArrayLike, n: int = 3) -> DeclinesPanel:
    """Vectorised :func:`consecutive_declines` for a (series, periods) panel."""
    if n < 1:
        raise ValueError("n must be >= 1")
    a = np.atleast_2d(_floats(x))
    rows, periods = a.shape
    if periods < 2:
        empty = np.zeros(rows, dtype=np.int64)
        last_missing = np.isnan(a[:, -1]) if periods else np.ones(rows, dtype=np.bool_)
        return DeclinesPanel(
            status=np.full(rows, INSUFFICIENT),
            reason=np.where(last_missing, "latest value is missing", "fewer than 2 values"),
            count=empty,
            fired=np.zeros(rows, dtype=np.bool_),
            interrupted_by_nan=last_missing,
        )
    steps = np.diff(a, axis=1)
    with np.errstate(invalid="ignore"):
        decline = steps < 0
    count = np.cumprod(decline[:, ::-1], axis=1).sum(axis=1).astype(np.int64)
    hit_start = count == steps.shape[1]
    stop = np.clip(steps.shape[1] - 1 - count, 0, None)
    stop_step = np.take_along_axis(steps, stop[:, None], axis=1)[:, 0]
    nan_break = ~hit_start & np.isnan(stop_step)
    fired = count >= n
    last_missing = np.isnan(a[:, -1])
    unknown = ~fired & (nan_break | hit_start)
    reason = np.where(
        last_missing,
        "latest value is missing",
        np.where(
            unknown & nan_break,
            "run of declines interrupted by a missing value before reaching n",
            np.where(unknown, "run of declines reaches the start of the series before n", ""),
        ),
    )
    return DeclinesPanel(
        status=np.where(unknown, INSUFFICIENT, OK),
        reason=reason,
        count=count,
        fired=fired,
        interrupted_by_nan=nan_break,
    )


def consecutive_declines(x: npt.ArrayLike, n: int = 3) -> DeclineRun:
    """Count consecutive declines (x_t < x_{t−1}) ending at the last point; fire if ≥ n.

    Source: the "duration" leg of the Conference Board 3Ds rule and the 倾向性 (trending)
    screen of METHODS.md §1.3 and §5 [design]. A flat step (x_t = x_{t−1}) is not a decline
    and ends the run. A missing value (NaN) also ends the run and is reported through
    ``interrupted_by_nan``.

    ``status`` is ``insufficient_data`` only when the answer is unknown: the latest value
    is missing, or the run stops at a missing value or at the start of the series before
    reaching ``n``. A series whose last step is a rise is a definite "no" even when short.
    """
    panel = consecutive_declines_panel(np.atleast_1d(_floats(x))[None, :], n)
    status: Status = OK if panel.status[0] == OK else INSUFFICIENT
    return DeclineRun(
        status=status,
        reason=str(panel.reason[0]),
        count=int(panel.count[0]),
        fired=bool(panel.fired[0]),
        interrupted_by_nan=bool(panel.interrupted_by_nan[0]),
    )


# ---------------------------------------------------------------------------
# 4. Change points (PELT)
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChangePointResult:
    """Result of :func:`change_point`.

    ``break_index`` is the index, in the original array, of the first value of the new
    regime after the last break (None when no break). ``breaks`` lists all such indices.
    ``mean_before``/``mean_after`` are the means of the non-missing values of the two
    segments adjacent to the last break. ``recent`` (= fired) is True when the last break
    lies within the last ``k`` positions of the original array. ``sigma`` is the robust
    noise scale used to standardise and ``penalty`` the PELT penalty on that scale.
    """

    status: Status
    reason: str
    break_index: int | None
    breaks: tuple[int, ...]
    mean_before: float | None
    mean_after: float | None
    recent: bool
    n_points: int
    sigma: float
    penalty: float


def _diff_sigma(y: FloatArray) -> float:
    """Noise σ from first differences (robust to level shifts): 1.4826·MAD(Δy)/√2."""
    d = np.diff(y)
    dev = np.abs(d - np.median(d))
    mad = float(np.median(dev))
    s = HAMPEL_K * mad if mad > 0 else MEANAD_CONSTANT * float(np.mean(dev))
    return s / math.sqrt(2.0)


def change_point(
    x: npt.ArrayLike,
    *,
    min_size: int = 3,
    penalty: float | None = None,
    k: int = 6,
) -> ChangePointResult:
    """Last change point of a series by PELT with an L1 (median) cost.

    Source: Killick, Fearnhead & Eckley (2012), "Optimal detection of changepoints with
    a linear computational cost", JASA 107(500); implementation ``ruptures.Pelt(
    model="l1", min_size=3, jump=1)`` (https://centre-borelli.github.io/ruptures-docs/
    user-guide/detection/pelt); settings and penalty ≈ 2·σ̂²·ln n for 24–60 monthly
    points from METHODS.md §5 [design].

    PELT runs on the non-missing values only (at least ``2·min_size + 1`` of them, else
    ``insufficient_data``). The series is first standardised by a robust noise scale σ̂
    taken from first differences (1.4826·MAD(Δx)/√2, MeanAD fallback), so a level shift
    does not inflate σ̂. On that scale σ̂ = 1 and the METHODS.md default penalty becomes
    ``2·ln n``; a user-supplied ``penalty`` is also on the standardised scale. A constant
    series has no break.
    """
    a = np.atleast_1d(_floats(x)).ravel()
    idx = np.flatnonzero(~np.isnan(a))
    y = a[idx]
    n = int(y.size)
    need = 2 * min_size + 1

    def result(
        status: Status, reason: str, sigma: float = math.nan, pen: float = math.nan
    ) -> ChangePointResult:
        return ChangePointResult(status, reason, None, (), None, None, False, n, sigma, pen)

    if n < need:
        return result(INSUFFICIENT, f"only {n} non-missing values; PELT needs at least {need}")
    sigma = _diff_sigma(y)
    if not sigma > 0:
        return result(OK, "series is constant; no change point", sigma)
    pen = 2.0 * math.log(n) if penalty is None else float(penalty)
    z = (y - float(np.median(y))) / sigma
    try:
        ends = rpt.Pelt(model="l1", min_size=min_size, jump=1).fit(z).predict(pen=pen)
    except (rpt.exceptions.BadSegmentationParameters, rpt.exceptions.NotEnoughPoints):
        return result(INSUFFICIENT, "too few values for the requested segment size", sigma, pen)
    cuts = [int(e) for e in ends[:-1]]
    if not cuts:
        return result(OK, "no change point", sigma, pen)
    last = cuts[-1]
    prev = cuts[-2] if len(cuts) > 1 else 0
    break_index = int(idx[last])
    return ChangePointResult(
        status=OK,
        reason="",
        break_index=break_index,
        breaks=tuple(int(idx[c]) for c in cuts),
        mean_before=float(np.mean(y[prev:last])),
        mean_after=float(np.mean(y[last:])),
        recent=break_index >= a.size - k,
        n_points=n,
        sigma=sigma,
        penalty=pen,
    )


@dataclass(frozen=True, slots=True, eq=False)
class ChangePointPanel:
    """Result of :func:`change_point_panel`: one entry per series (row).

    The fields of :class:`ChangePointResult` as arrays: ``break_index`` is -1 and
    ``mean_before``/``mean_after`` are NaN where a row has no break; ``breaks`` is a
    (series, periods) mask, True at each break index. :meth:`result` gives one row as the
    :class:`ChangePointResult` that :func:`change_point` returns for it.
    """

    status: StrArray
    reason: StrArray
    break_index: IntArray
    breaks: BoolArray
    mean_before: FloatArray
    mean_after: FloatArray
    recent: BoolArray
    n_points: IntArray
    sigma: FloatArray
    penalty: FloatArray

    def result(self, i: int) -> ChangePointResult:
        """Row ``i`` as a :class:`ChangePointResult`."""
        status: Status = OK if self.status[i] == OK else INSUFFICIENT
        has_break = bool(self.break_index[i] >= 0)
        return ChangePointResult(
            status=status,
            reason=str(self.reason[i]),
            break_index=int(self.break_index[i]) if has_break else None,
            breaks=tuple(int(j) for j in np.flatnonzero(self.breaks[i])),
            mean_before=float(self.mean_before[i]) if has_break else None,
            mean_after=float(self.mean_after[i]) if has_break else None,
            recent=bool(self.recent[i]),
            n_points=int(self.n_points[i]),
            sigma=float(self.sigma[i]),
            penalty=float(self.penalty[i]),
        )


#: ruptures' ``CostL1.min_size``: PELT never fits a segment shorter than this.
_L1_MIN_SIZE: Final = 2
#: Memory budget of the (rows, n + 1, n + 1) segment-cost array of a chunk, in bytes.
_COST_BUDGET = 64 * 2**20


def _diff_sigma_rows(y: FloatArray) -> FloatArray:
    """:func:`_diff_sigma` of each row of ``y`` (rows, n ≥ 2), operation for operation."""
    d = np.diff(y, axis=1)
    dev = np.abs(d - np.median(d, axis=1, keepdims=True))
    mad = np.median(dev, axis=1)
    s = np.where(mad > 0, HAMPEL_K * mad, MEANAD_CONSTANT * np.mean(dev, axis=1))
    return np.asarray(s / math.sqrt(2.0), dtype=np.float64)


def _l1_segment_costs(z: FloatArray, min_size: int) -> FloatArray:
    """cost[r, t, b] = Σ|z[r, t:b] − median(z[r, t:b])| for b − t ≥ ``min_size``, else inf.

    The numpy operations of ``ruptures.costs.CostL1.error`` (median, absolute deviations,
    sum along the segment), applied to all segments of one length of all rows at once
    through a sliding window, so each cost is bit-identical to ruptures'.
    """
    rows, n = z.shape
    cost = np.full((rows, n + 1, n + 1), np.inf)
    for length in range(min_size, n + 1):
        w = np.lib.stride_tricks.sliding_window_view(z, length, axis=1)
        dev = w - np.median(w, axis=2)[..., None]
        np.abs(dev, out=dev)
        first = np.arange(n - length + 1)
        cost[:, first, first + length] = dev.sum(axis=2)
    return cost


def _pelt_l1(z: FloatArray, pen: float, min_size: int) -> BoolArray:
    """Cuts (rows, n + 1) of ``ruptures.Pelt(model="l1", min_size, jump=1)`` on each row.

    PELT is the dynamic programme of penalised optimal partitioning over segment ends, with
    pruning of starts that cannot win; here it runs for all rows at once. It follows
    ruptures step for step: its candidate starts, its pruning (kept as it is, even where
    with a minimum segment size it could drop a start that would still win), its order of
    summation (a partition's total accumulated segment by segment, each term cost +
    penalty) and its tie rule (the earliest best start), so the cuts are ruptures' own.
    True at c means a new segment starts at position c.
    """
    rows, n = z.shape
    cost = _l1_segment_costs(z, min_size)
    total = np.full((rows, n + 1), np.inf)
    total[:, 0] = 0.0
    start = np.zeros((rows, n + 1), dtype=np.int64)
    admissible = np.zeros((rows, n + 1), dtype=np.bool_)
    every = np.arange(rows)
    for end in range(min_size, n + 1):
        newest = end - min_size  # ruptures adds this start; 1 … min_size − 1 never count
        if newest == 0 or newest >= min_size:
            admissible[:, newest] = True
        adm = admissible[:, : newest + 1]
        cand = np.where(adm, total[:, : newest + 1] + (cost[:, : newest + 1, end] + pen), np.inf)
        best = np.argmin(cand, axis=1)
        total[:, end] = cand[every, best]
        start[:, end] = best
        adm &= cand <= total[:, end, None] + pen  # PELT's pruning, as ruptures does it
    cuts = np.zeros((rows, n + 1), dtype=np.bool_)
    at = np.full(rows, n)
    while np.any(at > 0):
        at = start[every, at]
        cuts[every, at] = True
    cuts[:, 0] = False
    return cuts


def _last_true(mask: BoolArray) -> IntArray:
    """Column of the last True of each row, 0 where there is none."""
    last = mask.shape[1] - 1 - np.argmax(mask[:, ::-1], axis=1)
    return np.where(mask.any(axis=1), last, 0).astype(np.int64)


def _segment_means(y: FloatArray, lo: IntArray, hi: IntArray) -> FloatArray:
    """``np.mean(y[r, lo[r]:hi[r]])`` of each row r (hi > lo), one call per segment length
    (a mean of a contiguous row of equal length, so bit-identical to the 1-D mean)."""
    out = np.empty(y.shape[0])
    size = hi - lo
    for m in np.unique(size):
        sel = np.flatnonzero(size == m)
        out[sel] = np.mean(y[sel[:, None], lo[sel, None] + np.arange(m)], axis=1)
    return out


@dataclass(slots=True)
class _ChangePointBuild:
    """Mutable arrays filled group by group by :func:`change_point_panel`."""

    rows: int
    periods: int
    status: StrArray = field(init=False)
    reason: npt.NDArray[np.object_] = field(init=False)
    break_index: IntArray = field(init=False)
    breaks: BoolArray = field(init=False)
    mean_before: FloatArray = field(init=False)
    mean_after: FloatArray = field(init=False)
    sigma: FloatArray = field(init=False)
    penalty: FloatArray = field(init=False)

    def __post_init__(self) -> None:
        self.status = np.full(self.rows, OK, dtype=f"<U{len(INSUFFICIENT)}")
        self.reason = np.full(self.rows, "no change point", dtype=object)
        self.break_index = np.full(self.rows, -1, dtype=np.int64)
        self.breaks = np.zeros((self.rows, self.periods), dtype=np.bool_)
        self.mean_before = np.full(self.rows, np.nan)
        self.mean_after = np.full(self.rows, np.nan)
        self.sigma = np.full(self.rows, np.nan)
        self.penalty = np.full(self.rows, np.nan)

    def record_cuts(self, rows: IntArray, y: FloatArray, pos: IntArray, cuts: BoolArray) -> None:
        """Rows ``rows`` with compact values ``y`` at original columns ``pos`` and cuts at
        compact positions ``cuts`` (rows, n + 1)."""
        r, c = np.nonzero(cuts)
        self.breaks[rows[r], pos[r, c]] = True
        hit = np.flatnonzero(cuts.any(axis=1))
        if hit.size == 0:
            return
        cuts = cuts[hit]
        last = _last_true(cuts)
        cuts[np.arange(hit.size), last] = False
        prev = _last_true(cuts)
        y, target = y[hit], rows[hit]
        self.reason[target] = ""
        self.break_index[target] = pos[hit, last]
        self.mean_before[target] = _segment_means(y, prev, last)
        self.mean_after[target] = _segment_means(y, last, np.full(hit.size, y.shape[1]))


def change_point_panel(
    values_2d: npt.ArrayLike,
    *,
    min_size: int = 3,
    penalty: float | None = None,
    k: int = 6,
) -> ChangePointPanel:
    """Vectorised :func:`change_point`: the same result for every row of a (series, periods)
    panel, with no Python loop over series.

    Rows are grouped by their number n of non-missing values. Each row is standardised as
    :func:`change_point` does (robust σ̂ from first differences, centred on the median; the
    default penalty 2·ln n), and the penalised L1 segmentation of the whole group is solved
    at once: the cost of every segment of every row from sliding-window medians, then the
    optimal-partitioning dynamic programme over segment ends vectorised across rows, with
    PELT's pruning and ruptures' tie rule (Killick, Fearnhead & Eckley 2012; ``ruptures.
    Pelt(model="l1", jump=1)``). Groups are processed in chunks of rows so that the
    (rows, n + 1, n + 1) cost array stays within 64 MB (about 130 MB at the peak in all).
    """
    a = np.atleast_2d(_floats(values_2d))
    if a.ndim != 2:
        raise ValueError("values_2d must be (series, periods)")
    rows, periods = a.shape
    present = ~np.isnan(a)
    n_points = present.sum(axis=1).astype(np.int64)
    need = 2 * min_size + 1
    fit = max(min_size, _L1_MIN_SIZE)
    out = _ChangePointBuild(rows, periods)
    short = n_points < need
    out.status[short] = INSUFFICIENT
    for n in np.unique(n_points[short]):
        out.reason[n_points == n] = f"only {n} non-missing values; PELT needs at least {need}"
    for n in (int(v) for v in np.unique(n_points[~short])):
        group = np.flatnonzero(n_points == n)
        pos = np.argsort(~present[group], axis=1, kind="stable")[:, :n]
        y = np.take_along_axis(a[group], pos, axis=1)
        sigma = _diff_sigma_rows(y) if n >= 2 else np.full(group.size, np.nan)
        out.sigma[group] = sigma
        flat = ~(sigma > 0)
        out.reason[group[flat]] = "series is constant; no change point"
        live = np.flatnonzero(~flat)
        pen = 2.0 * math.log(n) if penalty is None else float(penalty)
        out.penalty[group[live]] = pen
        if fit > n:  # ruptures' sanity check fails: no admissible segmentation
            out.status[group[live]] = INSUFFICIENT
            out.reason[group[live]] = "too few values for the requested segment size"
            continue
        z = (y[live] - np.median(y[live], axis=1, keepdims=True)) / sigma[live, None]
        chunk = max(1, _COST_BUDGET // (8 * (n + 1) ** 2))
        for c0 in range(0, live.size, chunk):
            part = live[c0 : c0 + chunk]
            cuts = _pelt_l1(z[c0 : c0 + chunk], pen, fit)
            out.record_cuts(group[part], y[part], pos[part], cuts)
    return ChangePointPanel(
        status=out.status,
        reason=out.reason.astype(str),
        break_index=out.break_index,
        breaks=out.breaks,
        mean_before=out.mean_before,
        mean_after=out.mean_after,
        recent=(out.break_index >= 0) & (out.break_index >= periods - k),
        n_points=n_points,
        sigma=out.sigma,
        penalty=out.penalty,
    )


# ---------------------------------------------------------------------------
# 5. Five-light signals
# ---------------------------------------------------------------------------


class Light(NamedTuple):
    """One signal light: machine code, Chinese label, English label, colour (hex)."""

    code: str
    zh: str
    en: str
    colour: str


#: Score → light, after the NBS 预警信号 five lights (红灯 过热, 黄灯 偏热, 绿灯 正常,
#: 浅蓝灯 偏冷, 蓝灯 过冷; METHODS.md §1.1) and Taiwan NDC 景氣對策信號 scores 1–5.
LIGHTS: Final[dict[int, Light]] = {
    1: Light("blue", "过冷", "too cold", "#1F5FBF"),
    2: Light("light_blue", "偏冷", "cool", "#7FB8E6"),
    3: Light("green", "正常", "normal", "#2E9E44"),
    4: Light("yellow", "偏热", "warm", "#F2C230"),
    5: Light("red", "过热", "overheating", "#D62F2F"),
}


def _check_thresholds(thresholds: Sequence[float]) -> FloatArray:
    t = _floats(thresholds)
    if t.shape != (4,) or np.isnan(t).any() or np.any(np.diff(t) < 0):
        raise ValueError("thresholds must be 4 non-missing values in ascending order")
    return t


def signal_score(value: float, thresholds: tuple[float, float, float, float]) -> int:
    """Score a value 1–5 against four ascending cut-offs t1 ≤ t2 ≤ t3 ≤ t4.

    1 (过冷, blue) if value < t1; 2 (偏冷, light blue) if t1 ≤ value < t2; 3 (正常, green)
    if t2 ≤ value < t3; 4 (偏热, yellow) if t3 ≤ value < t4; 5 (过热, red) if value ≥ t4.
    **A value equal to a threshold falls in the upper band.**

    Source: NBS 预警信号 five lights and the Taiwan NDC 景氣對策信號 1–5 scoring (METHODS.md
    §1.1). Raises ``ValueError`` for a missing value or malformed thresholds; use
    :func:`signal_scores` for panels with gaps.
    """
    t = _check_thresholds(thresholds)
    if math.isnan(value):
        raise ValueError("value is missing")
    return 1 + int(np.sum(value >= t))


def signal_scores(values: npt.ArrayLike, thresholds: npt.ArrayLike) -> IntArray:
    """Vectorised :func:`signal_score`: 0 marks a missing value (or missing thresholds).

    ``thresholds`` is either one set of four cut-offs, shape (4,), or one set per value,
    shape (n, 4), as returned by :func:`thresholds_from_history_panel`. Same band rule:
    equal to a threshold falls in the upper band.
    """
    v = np.atleast_1d(_floats(values))
    t = _floats(thresholds)
    if t.shape[-1:] != (4,) or t.ndim > 2:
        raise ValueError("thresholds must have shape (4,) or (n, 4)")
    tt = np.broadcast_to(t, (*v.shape, 4))
    if np.any(np.diff(tt, axis=-1) < 0):
        raise ValueError("thresholds must be in ascending order")
    missing = np.isnan(v) | np.isnan(tt).any(axis=-1)
    with np.errstate(invalid="ignore"):
        score = 1 + np.sum(v[..., None] >= tt, axis=-1)
    return np.where(missing, 0, score).astype(np.int64)


@dataclass(frozen=True, slots=True)
class ThresholdsResult:
    """Result of :func:`thresholds_from_history`."""

    status: Status
    reason: str
    thresholds: tuple[float, float, float, float] | None
    percentiles: tuple[float, float, float, float]
    n_points: int


@dataclass(frozen=True, slots=True, eq=False)
class ThresholdsPanel:
    """Result of :func:`thresholds_from_history_panel`: thresholds (series, 4), NaN rows
    where the history is insufficient."""

    status: StrArray
    thresholds: FloatArray
    n_points: IntArray


def _check_percentiles(percentiles: Sequence[float]) -> FloatArray:
    p = _floats(percentiles)
    if p.shape != (4,) or np.any(np.diff(p) < 0) or p.min() < 0 or p.max() > 100:
        raise ValueError("percentiles must be 4 ascending values in [0, 100]")
    return p


def _nanpercentile_rows(a: FloatArray, count: IntArray, p: FloatArray) -> FloatArray:
    """``np.nanpercentile(a, p, axis=1).T`` (method "linear"), vectorised over rows.

    numpy falls back to a Python loop over rows when some hold NaNs; here each row is
    sorted (NaNs last) and, with ``count`` values present, percentile q is read at the
    virtual index (count − 1)·q/100 and interpolated linearly between its neighbours with
    numpy's own formulas (``_get_indexes``, ``_lerp``). Rows with no value give NaN.
    """
    rows, width = a.shape
    if width == 0:
        return np.full((rows, p.size), np.nan)
    s = np.sort(a, axis=1)
    top = (count - 1)[:, None]
    virtual = top * (p / 100.0)[None, :]
    lower = np.floor(virtual)
    above = virtual >= top
    gamma = virtual - np.where(above, -1.0, lower)
    lo = np.clip(np.where(above, top, lower).astype(np.int64), 0, width - 1)
    hi = np.clip(np.where(above, top, lower + 1).astype(np.int64), 0, width - 1)
    before = np.take_along_axis(s, lo, axis=1)
    after = np.take_along_axis(s, hi, axis=1)
    diff = after - before
    out = np.where(gamma >= 0.5, after - diff * (1 - gamma), before + diff * gamma)
    return np.where((count > 0)[:, None], out, np.nan)


def thresholds_from_history_panel(
    x: npt.ArrayLike,
    percentiles: tuple[float, float, float, float] = (10, 25, 75, 90),
    *,
    min_points: int = 12,
) -> ThresholdsPanel:
    """Vectorised :func:`thresholds_from_history` for a (series, periods) panel."""
    p = _check_percentiles(percentiles)
    a = np.atleast_2d(_floats(x))
    n = np.sum(~np.isnan(a), axis=1).astype(np.int64)
    q = _nanpercentile_rows(a, n, p)
    ok = n >= min_points
    return ThresholdsPanel(
        status=np.where(ok, OK, INSUFFICIENT),
        thresholds=np.where(ok[:, None], q, np.nan),
        n_points=n,
    )


def thresholds_from_history(
    x: npt.ArrayLike,
    percentiles: tuple[float, float, float, float] = (10, 25, 75, 90),
    *,
    min_points: int = 12,
) -> ThresholdsResult:
    """Four signal cut-offs from the percentiles of an indicator's own history.

    Source: METHODS.md §1.1 [design], after the CAS/AMSS practice of setting
    per-indicator thresholds from history; the default 10/25/75/90 percentiles put about
    10 % of history in each outer band and half in green. NaNs are ignored;
    ``insufficient_data`` when fewer than ``min_points`` values are present.
    """
    panel = thresholds_from_history_panel(
        np.atleast_1d(_floats(x))[None, :], percentiles, min_points=min_points
    )
    n = int(panel.n_points[0])
    pct = tuple(float(v) for v in percentiles)
    pcts = (pct[0], pct[1], pct[2], pct[3])
    if panel.status[0] != OK:
        reason = f"only {n} non-missing values; need at least {min_points}"
        return ThresholdsResult(INSUFFICIENT, reason, None, pcts, n)
    t = [float(v) for v in panel.thresholds[0]]
    return ThresholdsResult(OK, "", (t[0], t[1], t[2], t[3]), pcts, n)


# ---------------------------------------------------------------------------
# 6. Composite climate index
# ---------------------------------------------------------------------------

#: Midpoints between the NDC score bands for 9 indicators (16|17, 22|23, 31|32, 37|38).
NDC_BAND_MIDPOINTS: Final = (16.5, 22.5, 31.5, 37.5)


@dataclass(frozen=True, slots=True)
class CompositeResult:
    """Result of :func:`composite_index`.

    ``cutoffs`` are the lowest totals of the light-blue, green, yellow and red bands;
    ``bands`` gives each light's inclusive (low, high) range of totals, low > high
    meaning an empty band (possible for small N).
    """

    status: Status
    reason: str
    n: int
    n_missing: int
    total: int
    index: float
    score: int | None
    light: Light | None
    cutoffs: tuple[int, int, int, int]
    bands: tuple[tuple[int, int], ...]


def _ndc_cutoffs(n: int) -> tuple[int, int, int, int]:
    # round half up of k·N/9, in exact integer arithmetic: floor((2k·N + 9) / 18)
    c = [(int(2 * k) * n + 9) // 18 for k in NDC_BAND_MIDPOINTS]
    return (c[0], c[1], c[2], c[3])


def composite_index(scores: Sequence[int]) -> CompositeResult:
    """Composite climate signal from per-indicator scores 1–5.

    total = Σscore; index = 100·Σscore/(3N), so all-green = 100 (NBS 预警指数 "以100为
    理想水平", METHODS.md §1.1). The light comes from the Taiwan 國發會 景氣對策信號 bands
    for 9 indicators (9–16 藍, 17–22 黃藍, 23–31 綠, 32–37 黃紅, 38–45 紅; https://index.ndc.
    gov.tw via METHODS.md §1.1), scaled to N indicators as METHODS.md §1.1 [design] says.

    **Band rule.** cut_k = round(k·N/9) for k in (16.5, 22.5, 31.5, 37.5), rounding
    halves *up* (not Python's round-half-to-even); cut_k is the lowest total of the next
    band up, so light = 1 + #{k : total ≥ cut_k}. For N = 9 the cut-offs are 17, 23, 32,
    38, which reproduces the NDC bands exactly. For small N some bands can be empty.

    A score of 0 means "missing" (as from :func:`signal_scores`) and is left out, N being
    the number of scored indicators; ``insufficient_data`` when none is scored. Scores
    outside 0–5 raise ``ValueError``.
    """
    s = np.asarray(list(scores), dtype=np.int64)
    if s.size and (s.min() < 0 or s.max() > 5):
        raise ValueError("scores must be integers 1-5 (0 = missing)")
    valid = s[s > 0]
    n = int(valid.size)
    n_missing = int(s.size - n)
    cutoffs = _ndc_cutoffs(n)
    lows = (n, *cutoffs)
    highs = (*(c - 1 for c in cutoffs), 5 * n)
    bands = tuple(zip(lows, highs, strict=True))
    if n == 0:
        return CompositeResult(
            INSUFFICIENT,
            "no scored indicator",
            0,
            n_missing,
            0,
            math.nan,
            None,
            None,
            cutoffs,
            bands,
        )
    total = int(valid.sum())
    band = 1 + sum(total >= c for c in cutoffs)
    return CompositeResult(
        status=OK,
        reason="",
        n=n,
        n_missing=n_missing,
        total=total,
        index=100.0 * total / (3 * n),
        score=band,
        light=LIGHTS[band],
        cutoffs=cutoffs,
        bands=bands,
    )


# ---------------------------------------------------------------------------
# 7. Diffusion index and the 3Ds rule
# ---------------------------------------------------------------------------


def diffusion_index_panel(changes: npt.ArrayLike, *, tol: float = 0.0) -> FloatArray:
    """Diffusion index for each row of a (periods, components) array; see
    :func:`diffusion_index`. Rows with no component present give NaN."""
    c = np.atleast_2d(_floats(changes))
    present = ~np.isnan(c)
    with np.errstate(invalid="ignore"):
        rising = np.sum(c > tol, axis=-1)
        flat = np.sum(np.abs(c) <= tol, axis=-1)
    n = np.sum(present, axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = 100.0 * (rising + 0.5 * flat) / n
    return np.where(n > 0, out, np.nan)


def diffusion_index(changes: npt.ArrayLike, *, tol: float = 0.0) -> float:
    """Percentage of components rising over the window, unchanged ones counted half.

    ``changes`` holds each component's change over the window (e.g. 6 months). A change
    > ``tol`` is rising, |change| ≤ ``tol`` unchanged (default: exactly 0), the rest
    falling. Missing components (NaN) are excluded from numerator and denominator; with no
    component present the result is NaN.

    Source: Conference Board diffusion index (half-weight for unchanged), METHODS.md §1.3
    (https://conference-board.org/data/bci/index.cfm?id=2154).
    """
    return float(diffusion_index_panel(np.atleast_1d(_floats(changes)).ravel(), tol=tol)[0])


@dataclass(frozen=True, slots=True)
class ThreeDsResult:
    """Result of :func:`three_ds`: ``fired`` when both legs are below their thresholds."""

    status: Status
    reason: str
    fired: bool
    diffusion_below: bool
    change_below: bool


def three_ds(
    diffusion: float,
    lei_change_6m_pct: float,
    *,
    diffusion_threshold: float = 50.0,
    change_threshold: float = -4.2,
) -> ThreeDsResult:
    """Conference Board "3Ds" recession signal (duration, depth, diffusion).

    Fires when the 6-month diffusion index is below 50 **and** the leading index's
    6-month change is below −4.2 % (both strict). Source: Conference Board LEI release
    text, METHODS.md §1.3 (some third parties quote −4.3 %, hence the parameter).
    ``insufficient_data`` when either input is missing.
    """
    missing = [
        name
        for name, v in (("diffusion", diffusion), ("6-month change", lei_change_6m_pct))
        if math.isnan(v)
    ]
    if missing:
        return ThreeDsResult(INSUFFICIENT, " and ".join(missing) + " missing", False, False, False)
    d_below = diffusion < diffusion_threshold
    c_below = lei_change_6m_pct < change_threshold
    return ThreeDsResult(OK, "", d_below and c_below, d_below, c_below)


# ---------------------------------------------------------------------------
# 8. Concentration and growth contributions
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConcentrationResult:
    """Result of :func:`concentration`. ``hhi`` is on shares in percent (0–10000),
    ``top_k_share`` in percent, ``n_effective`` = 10000/HHI."""

    status: Status
    reason: str
    hhi: float
    top_k_share: float
    n_effective: float
    n: int
    k: int


def concentration(values: npt.ArrayLike, k: int = 3) -> ConcentrationResult:
    """Herfindahl–Hirschman index and top-k share of non-negative values.

    HHI = Σ (100·v_i/Σv)², from 10000/n (equal shares) to 10000 (one holder); top-k share
    = % of the total held by the k largest. Source: Herfindahl–Hirschman index as used by
    the U.S. DOJ/FTC Horizontal Merger Guidelines (shares in percent, 0–10000); the
    "growth carried by few" screen is METHODS.md §5 [design].

    NaNs are excluded. ``insufficient_data`` when nothing is present or the total is 0.
    Negative values raise ``ValueError``.
    """
    v = np.atleast_1d(_floats(values)).ravel()
    v = v[~np.isnan(v)]
    if np.any(v < 0):
        raise ValueError("concentration needs non-negative values")
    total = float(v.sum())
    if v.size == 0 or total <= 0:
        reason = "no values present" if v.size == 0 else "values sum to 0"
        return ConcentrationResult(INSUFFICIENT, reason, math.nan, math.nan, math.nan, v.size, k)
    shares = 100.0 * v / total
    hhi = float(np.sum(shares**2))
    top = float(np.sum(np.sort(shares)[::-1][:k]))
    return ConcentrationResult(OK, "", hhi, top, 10000.0 / hhi, int(v.size), k)


@dataclass(frozen=True, slots=True, eq=False)
class GrowthContributions:
    """Result of :func:`growth_contributions`.

    ``contributions_pp[i]`` is component i's contribution to total growth in percentage
    points (NaN for excluded components); they sum to ``total_growth_pct``.
    ``top_k_share_of_total`` is the % of total growth from the k largest contributors
    (None when total growth ≤ 0; can exceed 100 when other components fell).
    ``top_k_share_of_gains`` is their % of the sum of positive contributions (None when
    nothing grew).
    """

    status: Status
    reason: str
    contributions_pp: FloatArray
    total_growth_pct: float
    top_k_indices: tuple[int, ...]
    top_k_share_of_total: float | None
    top_k_share_of_gains: float | None
    growth_positive: bool
    n_excluded: int


def growth_contributions(
    level_now: npt.ArrayLike, level_before: npt.ArrayLike, *, k: int = 3
) -> GrowthContributions:
    """Each component's contribution to aggregate growth, and how concentrated it is.

    contribution_i = 100·(now_i − before_i)/Σ before (percentage points); Σ contributions
    = aggregate growth %. This is the standard additive growth-contribution decomposition
    (as in national-accounts 拉动 figures); the "growth carried by few" reading is
    METHODS.md §5 [design].

    Components missing in either period are excluded from both totals. The top-k
    contributors are the k largest *positive* contributions. **If total growth ≤ 0** the
    share of total growth is undefined, ``top_k_share_of_total`` is None and the reason
    says so; ``top_k_share_of_gains`` still tells whether the gains that exist are
    concentrated. ``insufficient_data`` when no component is present in both periods or
    the base total is ≤ 0.
    """
    now = np.atleast_1d(_floats(level_now)).ravel()
    before = np.atleast_1d(_floats(level_before)).ravel()
    if now.shape != before.shape:
        raise ValueError("level_now and level_before must have the same length")
    both = ~np.isnan(now) & ~np.isnan(before)
    base = float(before[both].sum())
    n_excl = int(np.sum(~both))
    empty = np.full(now.shape, np.nan)
    if not both.any() or base <= 0:
        reason = "no component present in both periods" if not both.any() else "base total <= 0"
        return GrowthContributions(
            INSUFFICIENT, reason, empty, math.nan, (), None, None, False, n_excl
        )
    contrib = np.where(both, 100.0 * (now - before) / base, np.nan)
    total = float(np.nansum(contrib))
    positive = np.where(contrib > 0, contrib, 0.0)
    order = np.argsort(-positive, kind="stable")[:k]
    top_idx = tuple(int(i) for i in order if positive[i] > 0)
    top_sum = float(sum(positive[i] for i in top_idx))
    gains = float(positive.sum())
    growth_positive = total > 0
    reason = "" if growth_positive else "total growth <= 0; share of total growth undefined"
    return GrowthContributions(
        status=OK,
        reason=reason,
        contributions_pp=contrib,
        total_growth_pct=total,
        top_k_indices=top_idx,
        top_k_share_of_total=100.0 * top_sum / total if growth_positive else None,
        top_k_share_of_gains=100.0 * top_sum / gains if gains > 0 else None,
        growth_positive=growth_positive,
        n_excluded=n_excl,
    )


# ---------------------------------------------------------------------------
# 9. Regional divergence
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DivergenceResult:
    """Result of :func:`divergence`. ``shortfalls`` = nation − region over the last
    ``periods`` positions; ``run`` = consecutive trailing positions with shortfall > gap."""

    status: Status
    reason: str
    fired: bool
    shortfalls: FloatArray
    run: int


@dataclass(frozen=True, slots=True, eq=False)
class DivergencePanel:
    """Result of :func:`divergence_panel`: one entry per region (row)."""

    status: StrArray
    reason: StrArray
    fired: BoolArray
    run: IntArray


def divergence_panel(
    region_growth: npt.ArrayLike,
    nation_growth: npt.ArrayLike,
    *,
    gap: float = 5.0,
    periods: int = 3,
) -> DivergencePanel:
    """Vectorised :func:`divergence`: regions (rows, periods) against one national series."""
    if periods < 1:
        raise ValueError("periods must be >= 1")
    reg = np.atleast_2d(_floats(region_growth))
    nat = np.atleast_1d(_floats(nation_growth))
    if nat.shape != reg.shape[1:]:
        raise ValueError("nation_growth must have one value per period of region_growth")
    rows, length = reg.shape
    short = nat[None, :] - reg
    with np.errstate(invalid="ignore"):
        below = short > gap
        not_below = short <= gap
    run = np.cumprod(below[:, ::-1], axis=1).sum(axis=1).astype(np.int64)
    if length < periods:
        return DivergencePanel(
            status=np.full(rows, INSUFFICIENT),
            reason=np.full(rows, f"fewer than {periods} periods"),
            fired=np.zeros(rows, dtype=np.bool_),
            run=run,
        )
    fired = run >= periods
    definite_no = not_below[:, -periods:].any(axis=1)
    unknown = ~fired & ~definite_no
    return DivergencePanel(
        status=np.where(unknown, INSUFFICIENT, OK),
        reason=np.where(unknown, f"missing values among the last {periods} periods", ""),
        fired=fired,
        run=run,
    )


def divergence(
    region_growth: npt.ArrayLike,
    nation_growth: npt.ArrayLike,
    *,
    gap: float = 5.0,
    periods: int = 3,
) -> DivergenceResult:
    """Has the region grown more than ``gap`` points below the nation for ``periods``?

    Fires when nation − region > ``gap`` at each of the last ``periods`` positions (the
    arrays are aligned by period; a missing value counts as neither). ``status`` is
    ``insufficient_data`` when the answer is unknown: fewer than ``periods`` positions,
    or missing values in the window and no present value that already rules it out.
    Source: METHODS.md §5 [design] (倾向性 screen, provinces lagging the nation), in the
    spirit of the KLR threshold-crossing signal (§1.4).
    """
    reg = np.atleast_1d(_floats(region_growth)).ravel()
    nat = np.atleast_1d(_floats(nation_growth)).ravel()
    panel = divergence_panel(reg[None, :], nat, gap=gap, periods=periods)
    status: Status = OK if panel.status[0] == OK else INSUFFICIENT
    return DivergenceResult(
        status=status,
        reason=str(panel.reason[0]),
        fired=bool(panel.fired[0]),
        shortfalls=(nat - reg)[-periods:],
        run=int(panel.run[0]),
    )


# ---------------------------------------------------------------------------
# 10. KLR signals approach
# ---------------------------------------------------------------------------


def nsr(a: float, b: float, c: float, d: float) -> float:
    """Noise-to-signal ratio NSR = [B/(B+D)] / [A/(A+C)].

    A = signal & crisis ahead, B = signal & none, C = no signal & crisis, D = no signal &
    none. Source: Kaminsky, Lizondo & Reinhart (1998), "Leading Indicators of Currency
    Crises", IMF Staff Papers 45(1) (METHODS.md §1.4). NaN when A+C = 0 or B+D = 0 or no
    signal was given (A = B = 0); inf when signals were all false (A = 0 < B).
    Example: A=12, B=30, C=12, D=300 → 0.0909/0.5 ≈ 0.18.
    """
    if a + c <= 0 or b + d <= 0 or a + b <= 0:
        return math.nan
    if a == 0:
        return math.inf
    return (b / (b + d)) / (a / (a + c))


@dataclass(frozen=True, slots=True, eq=False)
class KlrResult:
    """Result of :func:`klr_threshold`.

    ``hit_rate`` = A/(A+C) (1 − type I error), ``false_alarm_rate`` = B/(B+D) (type II
    error). ``candidate_thresholds``/``candidate_nsr`` hold the whole percentile grid.
    ``threshold`` is None when no candidate gave a single correct signal.
    """

    status: Status
    reason: str
    threshold: float | None
    percentile: float | None
    nsr: float
    hit_rate: float
    false_alarm_rate: float
    counts: tuple[int, int, int, int]
    direction: Literal["above", "below"]
    horizon: int
    n_evaluable: int
    candidate_percentiles: FloatArray
    candidate_thresholds: FloatArray
    candidate_nsr: FloatArray


def _crisis_ahead(crisis: FloatArray, horizon: int) -> FloatArray:
    """1 if a crisis occurs in t+1..t+horizon, 0 if the window is known crisis-free,
    NaN if the window runs past the data (or has gaps) with no crisis seen."""
    padded = np.concatenate([crisis[1:], np.full(horizon, np.nan)])
    win = np.lib.stride_tricks.sliding_window_view(padded, horizon)[: crisis.size]
    hit = np.any(win == 1, axis=1)
    known = ~np.isnan(win).any(axis=1)
    return np.where(hit, 1.0, np.where(known, 0.0, np.nan))


def klr_threshold(
    indicator: npt.ArrayLike,
    crisis: npt.ArrayLike,
    horizon: int = 12,
    percentiles: Sequence[float] = range(5, 96, 5),
    *,
    direction: Literal["above", "below"] = "below",
    min_points: int = 12,
    exclude_crisis_periods: bool = True,
) -> KlrResult:
    """Signal threshold minimising the noise-to-signal ratio (KLR signals approach).

    Source: Kaminsky, Lizondo & Reinhart (1998), IMF Staff Papers 45(1) (24-month window
    there; ``horizon`` here), confusion matrix and NSR as in METHODS.md §1.4.

    Candidates are the given percentiles of the indicator's non-missing values. The
    indicator signals at t when it is below the candidate (``direction="below"``, for
    indicators that weaken before trouble) or above it (``"above"``), strictly. A signal at
    t is good (A) if ``crisis`` is 1 at some t+1..t+horizon, else bad (B); no signal is C
    or D likewise. Periods are left out when the indicator is missing, when the forward
    window runs past the data (or is gappy) without a crisis in it, and, by default, when
    a crisis is under way at t. Ties in NSR go to the higher hit rate, then the lower
    percentile.

    ``insufficient_data`` when fewer than ``min_points`` periods can be evaluated, when no
    evaluable period has a crisis ahead (no crisis in the sample), or when none is
    tranquil.
    """
    x = np.atleast_1d(_floats(indicator)).ravel()
    cr = np.atleast_1d(_floats(crisis)).ravel()
    if x.shape != cr.shape:
        raise ValueError("indicator and crisis must have the same length")
    if horizon < 1:
        raise ValueError("horizon must be >= 1")
    pct = _floats(list(percentiles))
    ahead = _crisis_ahead(cr, horizon)
    evaluable = ~np.isnan(x) & ~np.isnan(ahead)
    if exclude_crisis_periods:
        evaluable &= cr != 1
    xe, ye = x[evaluable], ahead[evaluable]
    n_eval = int(xe.size)
    nan_arr = np.full(pct.shape, np.nan)

    def insufficient(reason: str) -> KlrResult:
        return KlrResult(
            INSUFFICIENT,
            reason,
            None,
            None,
            math.nan,
            math.nan,
            math.nan,
            (0, 0, 0, 0),
            direction,
            horizon,
            n_eval,
            pct,
            nan_arr,
            nan_arr,
        )

    if n_eval < min_points:
        return insufficient(f"only {n_eval} evaluable periods; need at least {min_points}")
    if not np.any(ye == 1):
        return insufficient("no crisis in the sample within the horizon of any evaluable period")
    if not np.any(ye == 0):
        return insufficient("no tranquil period in the sample")
    thr = np.asarray(np.nanpercentile(x[~np.isnan(x)], pct), dtype=np.float64)
    sig = xe[None, :] < thr[:, None] if direction == "below" else xe[None, :] > thr[:, None]
    crisis_ahead = ye[None, :] == 1
    a = np.sum(sig & crisis_ahead, axis=1)
    b = np.sum(sig & ~crisis_ahead, axis=1)
    c = np.sum(~sig & crisis_ahead, axis=1)
    d = np.sum(~sig & ~crisis_ahead, axis=1)
    ratios = np.array([nsr(*map(float, abcd)) for abcd in zip(a, b, c, d, strict=True)])
    hit = a / (a + c)
    usable = np.isfinite(ratios)
    if not usable.any():
        return KlrResult(
            OK,
            "no candidate threshold gave a correct signal",
            None,
            None,
            math.nan,
            0.0,
            math.nan,
            (0, 0, 0, 0),
            direction,
            horizon,
            n_eval,
            pct,
            thr,
            ratios,
        )
    # lexsort: last key is primary → NSR, then −hit rate, then position (percentile)
    order = np.lexsort((np.arange(pct.size), -hit, np.where(usable, ratios, np.inf)))
    i = int(order[0])
    counts = (int(a[i]), int(b[i]), int(c[i]), int(d[i]))
    return KlrResult(
        status=OK,
        reason="",
        threshold=float(thr[i]),
        percentile=float(pct[i]),
        nsr=float(ratios[i]),
        hit_rate=float(hit[i]),
        false_alarm_rate=counts[1] / (counts[1] + counts[3]),
        counts=counts,
        direction=direction,
        horizon=horizon,
        n_evaluable=n_eval,
        candidate_percentiles=pct,
        candidate_thresholds=thr,
        candidate_nsr=ratios,
    )
