"""Chart specifications (Plotly's JSON) built from analysis results; rendered in the page by
the plotly.js that the ``plotly`` package installs (served at /assets/plotly.min.js)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

FONT = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
COLOURS = ["#8f1d14", "#175cd3", "#067647", "#b54708", "#6941c6", "#0e7090"]


def layout(title: str = "", y_title: str = "", *, height: int = 320) -> dict[str, Any]:
    return {
        "title": {"text": title, "font": {"size": 14}},
        "font": {"family": FONT, "size": 12},
        "height": height,
        "margin": {"l": 56, "r": 16, "t": 36 if title else 12, "b": 40},
        "xaxis": {"type": "date", "rangeslider": {"visible": False}},
        # whole numbers with thousands separators: 10,000 亿元, never 10k
        "yaxis": {
            "title": {"text": y_title},
            "zeroline": True,
            "exponentformat": "none",
            "separatethousands": True,
        },
        "legend": {"orientation": "h", "y": -0.2},
        "hovermode": "x unified",
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
    }


def line(
    name: str,
    x: Sequence[str],
    y: Sequence[float | None],
    *,
    colour: int = 0,
    dash: str = "solid",
    mode: str = "lines+markers",
    text: Sequence[str] | None = None,
) -> dict[str, Any]:
    trace: dict[str, Any] = {
        "type": "scatter",
        "mode": mode,
        "name": name,
        "x": list(x),
        "y": list(y),
        "line": {"color": COLOURS[colour % len(COLOURS)], "dash": dash, "width": 2},
        "connectgaps": False,
    }
    if text is not None:
        trace["text"] = list(text)
        trace["hovertemplate"] = "%{text}: %{y}<extra>" + name + "</extra>"
    return trace


def hline(y: float, name: str, *, colour: str = "#b42318") -> dict[str, Any]:
    """A horizontal reference line (a target) as a shape, with a legend-less label."""
    return {
        "type": "line",
        "xref": "paper",
        "x0": 0,
        "x1": 1,
        "y0": y,
        "y1": y,
        "line": {"color": colour, "dash": "dash", "width": 1.5},
        "name": name,
    }


def interval(
    name: str, x: str, mean: float, lower: float, upper: float, *, colour: int = 3
) -> dict[str, Any]:
    """A projected point with its interval as an error bar."""
    return {
        "type": "scatter",
        "mode": "markers",
        "name": name,
        "x": [x],
        "y": [mean],
        "marker": {"color": COLOURS[colour % len(COLOURS)], "size": 10, "symbol": "diamond"},
        "error_y": {
            "type": "data",
            "symmetric": False,
            "array": [upper - mean],
            "arrayminus": [mean - lower],
            "color": COLOURS[colour % len(COLOURS)],
        },
    }


def figure(
    traces: list[dict[str, Any]], lay: dict[str, Any], shapes: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    if shapes:
        lay = {**lay, "shapes": shapes}
    return {"data": traces, "layout": lay}
