"""Signal lights: a value scored 1–5 against four cut-offs, and cut-offs from history.

Method and source: docs/methods.md#signal-lights.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, NamedTuple

import numpy as np
import numpy.typing as npt

from wenzeng.analysis.detectors.common import (
    INSUFFICIENT,
    OK,
    FloatArray,
    IntArray,
    Status,
    StrArray,
    floats,
)


class Light(NamedTuple):
    """One signal light: machine code, Chinese label, English label, colour (hex)."""

    code: str
    zh: str
    en: str
    colour: str


#: Score → light, after the NBS 预警信号 five lights (红灯 过热, 黄灯 偏热, 绿灯 正常,
#: 浅蓝灯 偏冷, 蓝灯 过冷) and Taiwan NDC 景氣對策信號 scores 1–5
#: (docs/methods.md#signal-lights).
LIGHTS: Final[dict[int, Light]] = {
    1: Light("blue", "过冷", "too cold", "#1F5FBF"),
    2: Light("light_blue", "偏冷", "cool", "#7FB8E6"),
    3: Light("green", "正常", "normal", "#2E9E44"),
    4: Light("yellow", "偏热", "warm", "#F2C230"),
    5: Light("red", "过热", "overheating", "#D62F2F"),
}


def _check_thresholds(thresholds: Sequence[float]) -> FloatArray:
    t = floats(thresholds)
    if t.shape != (4,) or np.isnan(t).any() or np.any(np.diff(t) < 0):
        raise ValueError("thresholds must be 4 non-missing values in ascending order")
    return t


def signal_score(value: float, thresholds: tuple[float, float, float, float]) -> int:
    """Score a value 1–5 against four ascending cut-offs t1 ≤ t2 ≤ t3 ≤ t4.

    1 (过冷, blue) if value < t1; 2 (偏冷, light blue) if t1 ≤ value < t2; 3 (正常, green)
    if t2 ≤ value < t3; 4 (偏热, yellow) if t3 ≤ value < t4; 5 (过热, red) if value ≥ t4.
    **A value equal to a threshold falls in the upper band.**

    Source: NBS 预警信号 five lights and the Taiwan NDC 景氣對策信號 1–5 scoring
    (docs/methods.md#signal-lights). Raises ``ValueError`` for a missing value or malformed thresholds; use
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
    v = np.atleast_1d(floats(values))
    t = floats(thresholds)
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
    p = floats(percentiles)
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
    a = np.atleast_2d(floats(x))
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

    Source: docs/methods.md#signal-lights, after the CAS/AMSS practice of setting
    per-indicator thresholds from history; the default 10/25/75/90 percentiles put about
    10 % of history in each outer band and half in green. NaNs are ignored;
    ``insufficient_data`` when fewer than ``min_points`` values are present.
    """
    panel = thresholds_from_history_panel(
        np.atleast_1d(floats(x))[None, :], percentiles, min_points=min_points
    )
    n = int(panel.n_points[0])
    pct = tuple(float(v) for v in percentiles)
    pcts = (pct[0], pct[1], pct[2], pct[3])
    if panel.status[0] != OK:
        reason = f"only {n} non-missing values; need at least {min_points}"
        return ThresholdsResult(INSUFFICIENT, reason, None, pcts, n)
    t = [float(v) for v in panel.thresholds[0]]
    return ThresholdsResult(OK, "", (t[0], t[1], t[2], t[3]), pcts, n)
