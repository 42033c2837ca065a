"""Detectors for monitoring and early warning on short, gappy monthly series.

Pure functions, no IO, one module per family of detector; this package gathers their
public names, so ``from wenzeng.analysis import detectors as det`` reaches them all:

* :mod:`.signals`: signal lights (scores 1–5 against four cut-offs; cut-offs from history)
* :mod:`.composite`: composite and diffusion indexes over the lights of many components
* :mod:`.outliers`: robust outliers (modified z-score of the latest value)
* :mod:`.declines`: growth slowdown and turning of leading series (runs of declines)
* :mod:`.changepoints`: level shifts (PELT, the ``ruptures`` answer for a whole panel)
* :mod:`.regional`: growth carried by a few regions, regions lagging the nation
* :mod:`.common`: status values, array types and NaN-aware helpers they share

Each method, its formula and its published source are in docs/methods.md; every
docstring names its section there.

Conventions
-----------
* Missing values are ``NaN``. Every detector is NaN-aware.
* Detectors never raise because a series is short or gappy. They return a result with
  ``status`` ``"ok"`` or ``"insufficient_data"`` and a plain-language ``reason``.
  They do raise ``ValueError`` for malformed *parameters* (for example thresholds that
  are not ascending) or mismatched array shapes.
* Screening functions come in a single-series form and a ``*_panel`` form. The panel
  form takes a 2-D array (one row per series, time along the last axis) and is
  vectorised with numpy: there is no Python loop over series. The single-series form
  is the reference the panel form is tested against.
"""

from __future__ import annotations

from wenzeng.analysis.detectors.changepoints import (
    ChangePointPanel,
    ChangePointResult,
    change_point,
    change_point_panel,
)
from wenzeng.analysis.detectors.common import INSUFFICIENT, OK, Status
from wenzeng.analysis.detectors.composite import (
    CompositeResult,
    composite_index,
    diffusion_index,
    diffusion_index_panel,
)
from wenzeng.analysis.detectors.declines import (
    DeclineRun,
    DeclinesPanel,
    consecutive_declines,
    consecutive_declines_panel,
)
from wenzeng.analysis.detectors.outliers import (
    RobustDeviation,
    RobustDeviationPanel,
    robust_deviation,
    robust_deviation_panel,
)
from wenzeng.analysis.detectors.regional import (
    DivergencePanel,
    DivergenceResult,
    GrowthContributions,
    divergence,
    divergence_panel,
    growth_contributions,
)
from wenzeng.analysis.detectors.signals import (
    LIGHTS,
    Light,
    ThresholdsPanel,
    ThresholdsResult,
    signal_score,
    signal_scores,
    thresholds_from_history,
    thresholds_from_history_panel,
)

__all__ = [
    "INSUFFICIENT",
    "LIGHTS",
    "OK",
    "ChangePointPanel",
    "ChangePointResult",
    "CompositeResult",
    "DeclineRun",
    "DeclinesPanel",
    "DivergencePanel",
    "DivergenceResult",
    "GrowthContributions",
    "Light",
    "RobustDeviation",
    "RobustDeviationPanel",
    "Status",
    "ThresholdsPanel",
    "ThresholdsResult",
    "change_point",
    "change_point_panel",
    "composite_index",
    "consecutive_declines",
    "consecutive_declines_panel",
    "diffusion_index",
    "diffusion_index_panel",
    "divergence",
    "divergence_panel",
    "growth_contributions",
    "robust_deviation",
    "robust_deviation_panel",
    "signal_score",
    "signal_scores",
    "thresholds_from_history",
    "thresholds_from_history_panel",
]
