"""Growth slowdown: a run of consecutive declines ending at the latest value.

The ``growth_slowing`` rule reads it on cumulative growth, ``leading_turning`` on a
leading series. Method and source: docs/methods.md#growth-slowdown and
docs/methods.md#turning-points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from wenzeng.analysis.detectors.common import (
    INSUFFICIENT,
    OK,
    BoolArray,
    IntArray,
    Status,
    StrArray,
    floats,
)


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
    a = np.atleast_2d(floats(x))
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

    Source: the "duration" leg of the Conference Board 3Ds rule, read as WenZeng's 倾向性
    (trending) screen (docs/methods.md#growth-slowdown). A flat step (x_t = x_{t−1}) is
    not a decline and ends the run. A missing value (NaN) also ends the run and is reported
    through ``interrupted_by_nan``.

    ``status`` is ``insufficient_data`` only when the answer is unknown: the latest value
    is missing, or the run stops at a missing value or at the start of the series before
    reaching ``n``. A series whose last step is a rise is a definite "no" even when short.
    """
    panel = consecutive_declines_panel(np.atleast_1d(floats(x))[None, :], n)
    status: Status = OK if panel.status[0] == OK else INSUFFICIENT
    return DeclineRun(
        status=status,
        reason=str(panel.reason[0]),
        count=int(panel.count[0]),
        fired=bool(panel.fired[0]),
        interrupted_by_nan=bool(panel.interrupted_by_nan[0]),
    )
