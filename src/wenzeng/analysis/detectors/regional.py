"""Regional structure: growth carried by a few regions, and regions lagging the nation.

Methods and sources: docs/methods.md#growth-concentration and
docs/methods.md#regional-divergence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from wenzeng.analysis.detectors.common import (
    INSUFFICIENT,
    OK,
    BoolArray,
    FloatArray,
    IntArray,
    Status,
    StrArray,
    floats,
)


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
    docs/methods.md#growth-concentration.

    Components missing in either period are excluded from both totals. The top-k
    contributors are the k largest *positive* contributions. **If total growth ≤ 0** the
    share of total growth is undefined, ``top_k_share_of_total`` is None and the reason
    says so; ``top_k_share_of_gains`` still tells whether the gains that exist are
    concentrated. ``insufficient_data`` when no component is present in both periods or
    the base total is ≤ 0.
    """
    now = np.atleast_1d(floats(level_now)).ravel()
    before = np.atleast_1d(floats(level_before)).ravel()
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
    reg = np.atleast_2d(floats(region_growth))
    nat = np.atleast_1d(floats(nation_growth))
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
    Source: docs/methods.md#regional-divergence (provinces lagging the nation), in the
    spirit of the KLR threshold-crossing signal (docs/methods.md#klr-signals).
    """
    reg = np.atleast_1d(floats(region_growth)).ravel()
    nat = np.atleast_1d(floats(nation_growth)).ravel()
    panel = divergence_panel(reg[None, :], nat, gap=gap, periods=periods)
    status: Status = OK if panel.status[0] == OK else INSUFFICIENT
    return DivergenceResult(
        status=status,
        reason=str(panel.reason[0]),
        fired=bool(panel.fired[0]),
        shortfalls=(nat - reg)[-periods:],
        run=int(panel.run[0]),
    )
