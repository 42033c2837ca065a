"""The comparison of regions: one series of one indicator for several regions on one chart,
a line a region, each broken where a period is missing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wenzeng.present import charts
from wenzeng.present.observation_rows import Row
from wenzeng.present.series_charts import gapped, month_ticks, series_kind


def compare_chart(
    series: Sequence[tuple[str, Sequence[Row]]],
    measure: str,
    period_type: str,
    unit: str,
    en: bool,
) -> dict[str, Any]:
    """``series``: (the region's name, its rows of one measure and period type), in the order
    the lines are drawn and the legend lists them."""
    traces = []
    for i, (name, rows) in enumerate(series):
        xs, ys, texts = gapped(rows, en)
        # past the palette, lines repeat its colours dotted, so that no two look the same
        dash = "solid" if i < len(charts.COLOURS) else "dot"
        traces.append(charts.line(name, xs, ys, colour=i, dash=dash, text=texts))
    title = series_kind(measure, period_type, en)
    lay = month_ticks(charts.layout("", f"{title}（{unit}）" if unit else title, height=420), en)
    lay["showlegend"] = True  # the legend names the regions, even one
    lay["legend"] = {"orientation": "h", "y": -0.15}
    return charts.figure(traces, lay)
