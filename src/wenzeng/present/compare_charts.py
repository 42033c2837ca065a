"""The comparison of regions: one series of one indicator for several regions on one chart,
a line a region, each broken where a period is missing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
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
    *,
    span: tuple[date, date] | None = None,
) -> dict[str, Any]:
    """``series``: (the region's name, its rows of one measure and period type), in the order
    the lines are drawn and the legend lists them; ``span``: the first and last day of the
    range shown (points sit at their periods' last days), the x axis's range."""
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
    if span is not None:
        room = timedelta(days=16)  # half a month each side, so the end points show whole
        lay["xaxis"] = {
            **lay["xaxis"],
            "range": [(span[0] - room).isoformat(), (span[1] + room).isoformat()],
        }
    return charts.figure(traces, lay)
