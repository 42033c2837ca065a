"""Composite and diffusion indexes: many components' lights and changes read as one.

Methods and sources: docs/methods.md#composite-index and docs/methods.md#diffusion-index.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from wenzeng.analysis.detectors.common import INSUFFICIENT, OK, FloatArray, Status, floats
from wenzeng.analysis.detectors.signals import LIGHTS, Light

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
    理想水平"). The light comes from the Taiwan 國發會 景氣對策信號 bands for 9 indicators
    (9–16 藍, 17–22 黃藍, 23–31 綠, 32–37 黃紅, 38–45 紅; https://index.ndc.gov.tw), scaled
    to N indicators (docs/methods.md#composite-index).

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


def diffusion_index_panel(changes: npt.ArrayLike, *, tol: float = 0.0) -> FloatArray:
    """Diffusion index for each row of a (periods, components) array; see
    :func:`diffusion_index`. Rows with no component present give NaN."""
    c = np.atleast_2d(floats(changes))
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

    Source: Conference Board diffusion index (half-weight for unchanged),
    docs/methods.md#diffusion-index (https://conference-board.org/data/bci/index.cfm?id=2154).
    """
    return float(diffusion_index_panel(np.atleast_1d(floats(changes)).ravel(), tol=tol)[0])
