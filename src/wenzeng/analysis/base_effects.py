"""Growth judged on the two-year average where the year before was abnormal (base effects).

After a collapse, growth on the same period a year earlier is inflated by the low base and
then falls back as the base recovers: a rule reading it would see "slowing" where there is
only arithmetic.  NBS published two-year average growth throughout 2021 for that reason
(docs/methods.md#base-effects): ``g2 = sqrt((1 + g_t)(1 + g_{t−12})) − 1``, the compounded
mean of this year's rate and last year's for the same period.  Here a year is abnormal for
a national series when one of its known growth rates fell below the rule's ``below`` (−5 % by
default), and for any series when one of the industry's headline series named as
``reference`` did (so also for a series whose own collapse months were not published); every
figure of the year after it is replaced by its two-year average, and is not judged (NaN)
where the figure a year earlier is not known.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from wenzeng.domain.warning_rules import BaseEffect

if TYPE_CHECKING:
    from wenzeng.analysis.warnings import Panel

FloatMatrix = npt.NDArray[np.float64]


def _lowest(values: FloatMatrix, cols: npt.NDArray[np.intp]) -> FloatMatrix:
    """Each row's lowest known value in ``cols`` (inf where none is known)."""
    found: FloatMatrix = np.min(
        np.where(np.isnan(values[:, cols]), np.inf, values[:, cols]), axis=1
    )
    return found


def _reference_lows(references: Iterable[Panel]) -> dict[int, float]:
    """The lowest growth of each year in the reference (national) series."""
    out: dict[int, float] = {}
    for ref in references:
        if not ref.entities:
            continue
        years = np.asarray(ref.months) // 12
        for year in np.unique(years):
            low = float(_lowest(ref.values[:1], np.flatnonzero(years == year))[0])
            out[int(year)] = min(out.get(int(year), np.inf), low)
    return out


def two_year_average(panel: Panel, rule: BaseEffect, references: Iterable[Panel] = ()) -> Panel:
    """``panel`` with the figures of each year after an abnormal one as two-year averages;
    ``base_years`` of the result names, per row whose latest figure was replaced, the
    abnormal year and its lowest growth.  A year is abnormal when the growth of one of the
    ``references`` (national series) fell below the rule's ``below`` or, in a national panel,
    the series' own; a region's or an enterprise's own swings do not make a year abnormal
    (a single firm falls 5 % in some month of most years), the industry's do."""
    if panel.spec.measure != "yoy_pct" or panel.values.shape[1] <= 12 or not panel.entities:
        return panel
    values = panel.values
    months = np.asarray(panel.months)
    years = months // 12
    out = values.copy()
    base_years: dict[int, tuple[int, float]] = {}
    last = len(panel.months) - 1
    reference_low = _reference_lows(references)
    with np.errstate(all="ignore"):
        for year in np.unique(years):
            cols = np.flatnonzero(years == year)
            low = np.full(len(panel.entities), reference_low.get(int(year), np.inf))
            if panel.spec.entities == "nation":
                low = np.minimum(low, _lowest(values, cols))
            abnormal = low < rule.below
            after = np.flatnonzero((years == year + 1) & (np.arange(len(months)) >= 12))
            if not abnormal.any() or after.size == 0:
                continue
            rows = np.flatnonzero(abnormal)
            now = values[np.ix_(rows, after)]
            base = values[np.ix_(rows, after - 12)]
            product = (1 + now / 100) * (1 + base / 100)
            avg = np.where(product > 0, (np.sqrt(product) - 1) * 100, np.nan)
            out[np.ix_(rows, after)] = np.round(avg, 2)
            if last in after:
                for r in rows:
                    base_years[int(r)] = (int(year), float(low[r]))
    return replace(panel, values=out, base_years=base_years)
