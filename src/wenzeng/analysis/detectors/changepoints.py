"""Changepoints: the last level shift of a series by PELT with an L1 (median) cost.

:func:`change_point` fits one series with ``ruptures``; :func:`change_point_panel` gives
the same answer for every row of a panel at once. Method and source:
docs/methods.md#changepoints.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt
import ruptures as rpt

from wenzeng.analysis.detectors.common import (
    INSUFFICIENT,
    MAD_TO_SIGMA,
    MEANAD_CONSTANT,
    OK,
    BoolArray,
    FloatArray,
    IntArray,
    Status,
    StrArray,
    floats,
)


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
    s = MAD_TO_SIGMA * mad if mad > 0 else MEANAD_CONSTANT * float(np.mean(dev))
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
    user-guide/detection/pelt); WenZeng's settings for 24–60 monthly points and the
    penalty ≈ 2·σ̂²·ln n are in docs/methods.md#changepoints.

    PELT runs on the non-missing values only (at least ``2·min_size + 1`` of them, else
    ``insufficient_data``). The series is first standardised by a robust noise scale σ̂
    taken from first differences (1.4826·MAD(Δx)/√2, MeanAD fallback), so a level shift
    does not inflate σ̂. On that scale σ̂ = 1 and the default penalty becomes
    ``2·ln n``; a user-supplied ``penalty`` is also on the standardised scale. A constant
    series has no break.
    """
    a = np.atleast_1d(floats(x)).ravel()
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
    s = np.where(mad > 0, MAD_TO_SIGMA * mad, MEANAD_CONSTANT * np.mean(dev, axis=1))
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
    a = np.atleast_2d(floats(values_2d))
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
