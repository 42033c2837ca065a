"""Robust outliers: is the latest value far from its own history? (modified z-score)

Method and source: docs/methods.md#robust-outliers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from wenzeng.analysis.detectors.common import (
    INSUFFICIENT,
    MEANAD_CONSTANT,
    MZ_CONSTANT,
    OK,
    BoolArray,
    FloatArray,
    IntArray,
    Status,
    StrArray,
    floats,
    nanmean,
    nanmedian,
    safe_divide,
)


def _robust_scale(absdev: FloatArray, axis: int) -> tuple[FloatArray, FloatArray, StrArray]:
    """MAD, the σ-scale used by the modified z-score, and which estimator gave it."""
    mad = nanmedian(absdev, axis, keepdims=True)
    meanad = nanmean(absdev, axis, keepdims=True)
    scale = np.where(mad > 0, mad / MZ_CONSTANT, MEANAD_CONSTANT * meanad)
    method = np.where(mad > 0, "mad", np.where(meanad > 0, "meanad", "constant"))
    return mad, scale, method


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
    Source: Iglewicz & Hoaglin (1993), docs/methods.md#robust-outliers.
    """
    hist = np.atleast_2d(floats(history))
    last = np.atleast_1d(floats(latest))
    if hist.ndim != 2 or last.shape != (hist.shape[0],):
        raise ValueError("history must be (series, periods) and latest (series,)")
    ref = np.concatenate([hist, last[:, None]], axis=1) if include_latest else hist
    n_points = np.sum(~np.isnan(ref), axis=1).astype(np.int64)
    med = nanmedian(ref, 1, keepdims=True)
    mad, scale, method = _robust_scale(np.abs(ref - med), 1)
    z = safe_divide(last - med[:, 0], scale[:, 0])
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

    M = 0.6745·(x − median)/MAD, NaN-aware. Source: Iglewicz & Hoaglin (1993), threshold
    3.5, MAD = 0 fallback 1.253314·MeanAD (docs/methods.md#robust-outliers).

    By default the reference sample is ``history`` alone, so the new value cannot mask
    itself; with ``include_latest=True`` the latest value is part of the sample, which is
    the textbook Iglewicz–Hoaglin statistic (the worked example of the method notes gives
    M ≈ 23.4). With a constant reference sample (MAD = MeanAD = 0) any departure gives
    z = ±inf and fires. Returns ``insufficient_data`` when the latest value is missing or
    fewer than ``min_points`` non-missing reference values exist.
    """
    panel = robust_deviation_panel(
        np.atleast_1d(floats(history))[None, :],
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
