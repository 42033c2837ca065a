"""Charts of one enterprise: its monthly revenue with its new orders, and its finished-goods
inventory, in the unit the enterprise fills in (万元) and on one scale per axis where the
values are large (1.30亿元, in English 130.00 million yuan)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from wenzeng.definitions.catalogue import Catalogue
from wenzeng.domain.observation import ObservationRecord
from wenzeng.present.numbers import common_scale
from wenzeng.present.place_charts import ENTERPRISE_CHARTS, grouped, series_chart, window
from wenzeng.present.target_charts import in_unit


def scaled(
    records: Sequence[ObservationRecord], divisor: float, unit: str
) -> list[ObservationRecord]:
    """``records`` divided by ``divisor``, said to be in ``unit`` (the axis' scaled unit)."""
    return [replace(r, value=r.value / divisor, unit=unit) for r in records]


def enterprise_charts(
    cat: Catalogue,
    recent: Sequence[ObservationRecord],
    months: int,
    en: bool,
    units: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """An enterprise's charts from its ``recent`` levels: in the unit ``units`` gives for a
    chart's first indicator (the one the enterprise fills in, 万元), else in the catalogue's,
    each axis on the one scale its largest value asks for, its title naming that unit."""
    groups = grouped(recent)
    span = window(recent, months)
    out = []
    for codes, (zh, en_title) in ENTERPRISE_CHARTS:
        keys = [(c, "level", "month") for c in codes if (c, "level", "month") in groups]
        if not keys:
            continue
        unit = (units or {}).get(codes[0]) or cat.indicators[codes[0]].unit or ""
        series = [(k, [replace(r, value=in_unit(r, unit)[0]) for r in groups[k]]) for k in keys]
        divisor, shown = common_scale((r.value for _, rs in series for r in rs), unit, en=en)
        drawn = [(k, scaled(rs, divisor, shown)) for k, rs in series]
        spec = series_chart(cat, drawn, en, en_title if en else zh, shown, span=span)
        out.append({"id": f"chart_{codes[0]}", "spec": spec})
    return out
