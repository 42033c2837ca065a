"""Series derived from stored observations of one series: single months from year-to-date
levels, year-to-date levels from single months, and growth on a year earlier from levels.

Each derived point keeps the observations it was computed from, so that a page can show its
vintage, its source and how it was worked out.  The arithmetic is that of
:mod:`wenzeng.analysis.transforms`; these functions only pick the inputs and pair the results
with them.  All are pure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from wenzeng.analysis.transforms import (
    COMBINED_SPAN,
    cum_to_month,
    month_to_cum,
    yoy_from_annual,
    yoy_from_levels,
)
from wenzeng.domain.observation import ObservationRecord
from wenzeng.domain.periods import Period, PeriodType


@dataclass(frozen=True)
class Derived:
    """One derived value: its period, the stored observation it stands for (``base``, whose
    indicator, entity and source it takes) and every observation it was computed from."""

    period: Period
    value: float | None
    base: ObservationRecord
    inputs: tuple[ObservationRecord, ...]
    measure: str
    unit: str | None
    span: str | None = None  # COMBINED_SPAN: a single month standing for January–February

    @property
    def simulated(self) -> bool:
        return any(r.simulated for r in self.inputs)


def _frame(records: Sequence[ObservationRecord], *, annual: bool = False) -> pl.DataFrame:
    data: dict[str, list[Any]] = {
        "entity": [r.entity for r in records],
        "year": [r.period_obj.year for r in records],
        "value": [r.value for r in records],
    }
    schema: dict[str, Any] = {"entity": pl.Utf8, "year": pl.Int32, "value": pl.Float64}
    if not annual:
        data["month"] = [r.period_obj.index for r in records]
        schema["month"] = pl.Int8
    return pl.DataFrame(data, schema=schema)


def _by_index(records: Sequence[ObservationRecord]) -> dict[tuple[int, int], ObservationRecord]:
    return {(r.period_obj.year, r.period_obj.index): r for r in records}


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def single_months(records: Sequence[ObservationRecord]) -> list[Derived]:
    """Single-month levels from the year-to-date levels among ``records``; a combined
    January–February figure gives one value marked with :data:`COMBINED_SPAN`."""
    src = [r for r in records if r.period_type == PeriodType.CUM_MONTH.value]
    if not src:
        return []
    at = _by_index(src)
    out = []
    for y, m, v, span in (
        cum_to_month(_frame(src), ["entity"]).select("year", "month", "value", "span").iter_rows()
    ):
        base = at[(y, m)]
        before = [at[(y, m - 1)]] if (y, m - 1) in at and span != COMBINED_SPAN else []
        out.append(
            Derived(
                Period.month(y, m),
                _rounded(v),
                base,
                (base, *before),
                measure="level",
                unit=base.unit,
                span=span,
            )
        )
    return out


def cumulative(records: Sequence[ObservationRecord]) -> list[Derived]:
    """Year-to-date levels from the single-month levels among ``records``."""
    src = [r for r in records if r.period_type == PeriodType.MONTH.value]
    if not src:
        return []
    at = _by_index(src)
    out = []
    for y, m, v in (
        month_to_cum(_frame(src), ["entity"]).select("year", "month", "value").iter_rows()
    ):
        inputs = tuple(at[(y, k)] for k in range(1, m + 1) if (y, k) in at)
        base = at[(y, m)]
        out.append(
            Derived(
                Period.cum_month(y, m),
                _rounded(v),
                base,
                inputs or (base,),
                measure="level",
                unit=base.unit,
            )
        )
    return out


def yoy(records: Sequence[ObservationRecord]) -> list[Derived]:
    """Growth on the same period a year earlier (%) from the levels among ``records``, for
    each period type present; rounded to 0.01 point (growth is published to 0.1)."""
    out: list[Derived] = []
    for ptype in PeriodType:
        src = [r for r in records if r.period_type == ptype.value]
        if not src:
            continue
        at = _by_index(src)
        if ptype is PeriodType.YEAR:
            result = yoy_from_annual(_frame(src, annual=True), ["entity"]).with_columns(
                pl.lit(0).alias("month")
            )
        else:
            result = yoy_from_levels(_frame(src), ["entity"])
        for y, m, v in result.select("year", "month", "value").iter_rows():
            base = at[(y, m)]
            before = at.get((y - 1, m))
            out.append(
                Derived(
                    Period(y, ptype, m),
                    _rounded(None if v is None else round(v, 2)),
                    base,
                    (base, *([before] if before else [])),
                    measure="yoy_pct",
                    unit="%",
                )
            )
    return out


DERIVATIONS: dict[str, Callable[[Sequence[ObservationRecord]], list[Derived]]] = {
    "single_month": single_months,
    "cumulative": cumulative,
    "yoy": yoy,
}
# The stored period type each derivation starts from (growth: any period type).
SOURCE_PERIOD_TYPE = {"single_month": "cum_month", "cumulative": "month"}
