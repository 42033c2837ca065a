"""The enterprises' panels of an analysis, read from the store block by block.

With tens of thousands of enterprises the analysis does not hold all their panels at
once: :func:`enterprise_blocks` reads the series of one block of enterprises (in code
order) at a time, for :class:`wenzeng.analysis.blocks.BlockRun` to judge and let go.  Each block's panels end at
the newest month any enterprise has for that kind of series, as the whole panel would, so a
block is judged exactly as its rows of the whole panel.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date

import polars as pl

from wenzeng.analysis.warnings import Panel, build_panel
from wenzeng.auth import policy
from wenzeng.auth.principal import SYSTEM, Principal
from wenzeng.domain.catalog import EntityKind
from wenzeng.domain.periods import parse_period
from wenzeng.domain.visibility import Visibility
from wenzeng.domain.warning_rules import SeriesSpec
from wenzeng.services.context import Context
from wenzeng.store import Connection
from wenzeng.store.observations import panel_periods, panel_rows

BLOCK = 2000  # enterprises per block
LEVEL = "enterprises"
_SCHEMA = [
    ("entity", pl.Utf8),
    ("period", pl.Utf8),
    ("value", pl.Float64),
    ("simulated", pl.Boolean),
]


def newest_month(periods: Iterable[str]) -> int | None:
    """The month number (year·12 + month − 1) of the newest of monthly or year-to-date
    ``periods``, by the day it ends; None when there is none."""
    codes = list(periods)
    if not codes:
        return None
    p = parse_period(max(codes, key=lambda code: parse_period(code).end))
    return p.year * 12 + p.index - 1


def newest_months(
    conn: Connection,
    specs: Iterable[SeriesSpec],
    codes: Sequence[str],
    as_of: date | None,
    *,
    simulated: bool | None,
    visibility: Visibility,
) -> dict[SeriesSpec, int]:
    """The enterprise-level monthly ``specs`` any of the enterprises ``codes`` has figures
    for, each with the newest month any of them has: where every block's panels end."""
    wanted = [s for s in specs if s.entities == LEVEL and s.period_type in ("month", "cum_month")]
    now: dict[SeriesSpec, int] = {}
    for spec in wanted:
        periods = panel_periods(
            conn,
            indicator=spec.indicator,
            measure=spec.measure,
            period_type=spec.period_type,
            entities=codes,
            as_of=as_of,
            simulated=simulated,
            visibility=visibility,
        )
        month = newest_month(periods)
        if month is not None:
            now[spec] = month
    return now


def enterprise_blocks(
    ctx: Context,
    conn: Connection,
    specs: Iterable[SeriesSpec],
    as_of: date | None,
    *,
    length: int,
    published_only: bool = False,
    reader: Principal = SYSTEM,
    size: int = BLOCK,
) -> Iterator[dict[SeriesSpec, Panel]]:
    """Per block of ``size`` enterprises, the panels of the enterprise-level ``specs``
    (monthly ones) of the figures ``reader`` may see, each ``length`` months long: one query
    per kind of series (reading a block's series of one measure in one query instead was no
    quicker: ``bench/store_analysis_bench.py``)."""
    codes = sorted(e.code for e in ctx.catalogue.entities_of(EntityKind.ENTERPRISE))
    visibility = policy.visibility(reader, ctx.catalogue)
    simulated = False if published_only else None
    now = newest_months(conn, specs, codes, as_of, simulated=simulated, visibility=visibility)
    step = max(1, size)
    for lo in range(0, len(codes), step):
        block = codes[lo : lo + step]
        out = {}
        for spec, month in now.items():
            rows = panel_rows(
                conn,
                indicator=spec.indicator,
                measure=spec.measure,
                period_type=spec.period_type,
                entities=block,
                as_of=as_of,
                simulated=simulated,
                visibility=visibility,
            )
            frame = pl.DataFrame(rows, schema=_SCHEMA, orient="row")
            out[spec] = build_panel(spec, frame, month, length)
        yield out
