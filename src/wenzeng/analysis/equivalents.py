"""A panel's series completed from its equivalents, whichever figure was known first.

A rule watches one series, but the same figure may reach the store first through another
door: the same industry from the other publisher (``same_as`` in the indicator catalogue,
NBS 计算机、通信和其他电子设备制造业 ↔ MIIT 规上电子信息制造业), or, for a single month that
is not published on its own, the cumulative that covers it (January, and the combined
January–February release).  For each entity and month, the figure known first as of the
analysis date is used (on a tie, the series itself, then its equivalents in catalogue
order); every figure taken from another series is remembered, so that a finding can say
which it used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl

from wenzeng.domain.periods import parse_period

Row = tuple[str, str, float, bool, date]  # entity, period, value, simulated, first known


@dataclass(frozen=True)
class Candidate:
    """One series that can supply a panel's figures, with how a finding names it."""

    indicator: str
    period_type: str  # month | cum_month
    label_zh: str
    label_en: str
    rows: Sequence[Row]


@dataclass(frozen=True)
class Substitute:
    """A figure of a panel read from an equivalent series."""

    indicator: str
    period: str  # the period code in its own series
    period_type: str
    known: date
    label_zh: str
    label_en: str

    def as_dict(self) -> dict[str, str]:
        return {
            "indicator": self.indicator,
            "period": self.period,
            "period_type": self.period_type,
            "known": self.known.isoformat(),
        }


FRAME_SCHEMA = [
    ("entity", pl.Utf8),
    ("period", pl.Utf8),
    ("value", pl.Float64),
    ("simulated", pl.Boolean),
]


def _month(code: str, own_type: str, candidate_type: str) -> int | None:
    """The panel month a candidate's period fills, or None when it fills none."""
    p = parse_period(code)
    if candidate_type == own_type:
        return p.year * 12 + p.index - 1
    if own_type == "month" and candidate_type == "cum_month" and p.index <= 2:
        return p.year * 12 + p.index - 1  # January; the combined January–February release
    return None


def merge(
    own_type: str, candidates: Sequence[Candidate]
) -> tuple[pl.DataFrame, dict[tuple[str, int], Substitute]]:
    """One frame (entity, period, value, simulated) from the candidates, the series itself
    first, and the figures taken from another series by (entity, month number)."""
    if len(candidates) == 1:  # nothing stands in: the series as it is
        own = [(r[0], r[1], r[2], r[3]) for r in candidates[0].rows]
        return pl.DataFrame(own, schema=FRAME_SCHEMA, orient="row"), {}
    best: dict[tuple[str, int], tuple[date, int, Row]] = {}
    for rank, cand in enumerate(candidates):
        for row in cand.rows:
            m = _month(row[1], own_type, cand.period_type)
            if m is None:
                continue
            key = (row[0], m)
            held = best.get(key)
            if held is None or (row[4], rank) < (held[0], held[1]):
                best[key] = (row[4], rank, row)
    data = []
    substitutes: dict[tuple[str, int], Substitute] = {}
    for (entity, m), (known, rank, row) in best.items():
        y, mm = divmod(m, 12)
        data.append((entity, f"{y}-{mm + 1:02d}", row[2], row[3]))
        if rank:
            cand = candidates[rank]
            substitutes[(entity, m)] = Substitute(
                cand.indicator, row[1], cand.period_type, known, cand.label_zh, cand.label_en
            )
    return pl.DataFrame(data, schema=FRAME_SCHEMA, orient="row"), substitutes
