"""Report charts drawn with matplotlib: SVG for HTML/PDF, PNG for Word documents.

Charts are drawn on a :class:`matplotlib.figure.Figure` of their own (never pyplot),
inside :func:`matplotlib.rc_context` under a lock, so the output is deterministic and
the process-wide settings are left as they were.  Text is drawn with the chart fonts of
the report style; a character that none of them has raises :class:`MissingGlyphError`
instead of printing a box.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
import threading
import unicodedata
import warnings
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache, lru_cache
from html import escape
from typing import Any

import matplotlib
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.typing import RcKeyType

from wenzeng.domain.text import BilingualError
from wenzeng.reports.document import Chart
from wenzeng.reports.style import ReportStyle

MM_PER_INCH = 25.4
WIDTH_MM = 156.0  # the A4 text column: 210 mm less the 28 + 26 mm margins
HEIGHT_MM = 80.0
CJK_PROBE = "中文数据"
MIN_LABEL_GAP_PT = 4.0
ROTATION = 40.0  # degrees, of category labels that do not fit side by side
AXIS_ALLOWANCE_PT = 60.0  # the part of the chart width left of and right of the x axis

_LOCK = threading.Lock()
_GLYPH_WARNING = re.compile(r"Glyph (\d+) .*missing from font")


class MissingFontError(BilingualError):
    """None of the chart font families that can print Chinese is installed."""


class MissingGlyphError(BilingualError):
    """A chart text has characters that no chart font can print."""


# --- fonts -----------------------------------------------------------------------------


@cache
def _installed(family: str) -> font_manager.FontPath | None:
    """The font file of a family, or None when it is not installed."""
    props = font_manager.FontProperties(family=family)
    try:
        path = font_manager.findfont(props, fallback_to_default=False)
    except ValueError:
        return None
    return path if isinstance(path, font_manager.FontPath) else font_manager.FontPath(path, 0)


@cache
def _covers(family: str, text: str) -> bool:
    """Whether the installed font of a family has a glyph for every character of text."""
    path = _installed(family)
    if path is None:
        return False
    charmap = font_manager.get_font(path).get_charmap()
    return all(ord(ch) in charmap for ch in text)


def chart_families(style: ReportStyle) -> list[str]:
    """The installed chart font families, in order of preference.

    Raises :class:`MissingFontError` when none of them can print Chinese.
    """
    families = [f for f in style.fonts.chart.families if _installed(f) is not None]
    if not any(_covers(f, CJK_PROBE) for f in families):
        raise MissingFontError(
            "未找到中文字体（请安装 fonts-noto-cjk）",
            "no CJK font installed (install fonts-noto-cjk)",
        )
    return families


def _rc(style: ReportStyle) -> dict[RcKeyType, Any]:
    return {
        "font.family": chart_families(style),
        "font.size": style.fonts.chart.size_pt,
        "axes.titlesize": style.fonts.chart.size_pt,
        "axes.labelsize": style.fonts.chart.size_pt,
        "xtick.labelsize": style.fonts.chart.size_pt,
        "ytick.labelsize": style.fonts.chart.size_pt,
        "legend.fontsize": style.fonts.chart.size_pt,
        "axes.unicode_minus": True,
        "svg.fonttype": "path",
        "svg.hashsalt": "wenzeng",
        "svg.id": None,
        "path.simplify": False,
    }


@contextmanager
def _drawing(style: ReportStyle) -> Iterator[None]:
    """Chart settings in force, and missing glyphs turned into an error."""
    with _LOCK, matplotlib.rc_context(_rc(style)), warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        yield
    missing = sorted(
        {chr(int(m.group(1))) for w in seen if (m := _GLYPH_WARNING.search(str(w.message)))}
    )
    if missing:
        chars = " ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in missing)
        raise MissingGlyphError(
            f"图表字体缺少字符：{chars}",
            f"the chart fonts have no glyph for: {chars}",
        )


# --- drawing ---------------------------------------------------------------------------


def _number(value: float) -> str:
    """A value label as the report prints numbers: no thousands separator, a true minus."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace("-", "\u2212")


def _values(values: Sequence[float | None]) -> list[float]:
    return [math.nan if v is None else v for v in values]


def _known(chart: Chart) -> list[float]:
    return [v for s in chart.series for v in s.values if v is not None]


def _colour(style: ReportStyle, i: int) -> str:
    return style.colours.series[i % len(style.colours.series)]


def _height_mm(chart: Chart) -> float:
    if chart.kind != "barh":
        return HEIGHT_MM
    rows = len(chart.categories) * max(1.0, 0.6 * len(chart.series))
    legend = 8.0 if len(chart.series) > 1 else 0.0
    return min(220.0, max(45.0, 18.0 + legend + 9.0 * rows))


def _draw_line(ax: Axes, chart: Chart, style: ReportStyle) -> None:
    """Solid lines between consecutive months; where months are missing the known points are
    joined by a thin dashed line (the gap shown as a gap, not as a lone dot), no markers."""
    xs = list(range(len(chart.categories)))
    for i, series in enumerate(chart.series):
        known = [(x, v) for x, v in zip(xs, series.values, strict=True) if v is not None]
        colour = _colour(style, i)
        if len(known) < len(xs) and len(known) > 1:
            ax.plot(
                [x for x, _ in known],
                [v for _, v in known],
                color=colour,
                linestyle=(0, (2.5, 2.0)),
                linewidth=0.9,
            )
        lone = [
            (x, v)
            for x, v in known
            if (x == 0 or series.values[x - 1] is None)
            and (x == len(xs) - 1 or series.values[x + 1] is None)
        ]
        ax.plot(xs, _values(series.values), color=colour, linewidth=1.6, label=series.name)
        if lone:  # a month between two gaps: a short tick, so it still shows where it is
            ax.plot(
                [x for x, _ in lone],
                [v for _, v in lone],
                color=colour,
                linestyle="none",
                marker="_",
                markersize=6,
                markeredgewidth=1.6,
            )
    ax.set_xlim(-0.5, len(xs) - 0.5)


def _draw_bar(ax: Axes, chart: Chart, style: ReportStyle) -> None:
    n = len(chart.series)
    width = 0.8 / n
    for i, series in enumerate(chart.series):
        pairs = [(x, v) for x, v in enumerate(series.values) if v is not None]
        offset = (i - (n - 1) / 2) * width
        ax.bar(
            [x + offset for x, _ in pairs],
            [v for _, v in pairs],
            width=width * 0.92,
            color=_colour(style, i),
            label=series.name,
        )
    ax.set_xlim(-0.5, len(chart.categories) - 0.5)


def _draw_barh(ax: Axes, chart: Chart, style: ReportStyle) -> None:
    n = len(chart.series)
    height = 0.8 / n
    span = max((abs(v) for v in _known(chart)), default=1.0) or 1.0
    pad = span * 0.015
    for i, series in enumerate(chart.series):
        offset = (i - (n - 1) / 2) * height
        for y, value in enumerate(series.values):
            if value is None:
                ax.text(pad, y + offset, "—", va="center", ha="left", color="#7f7f7f")
                continue
            ax.barh(y + offset, value, height=height * 0.9, color=_colour(style, i))
            ha = "left" if value >= 0 else "right"
            x = value + (pad if value >= 0 else -pad)
            ax.text(x, y + offset, _number(value), va="center", ha=ha)
        ax.barh([], [], color=_colour(style, i), label=series.name)
    ax.set_yticks(range(len(chart.categories)), list(chart.categories))
    ax.set_ylim(len(chart.categories) - 0.5, -0.5)
    shown = [0.0, *_known(chart)] + ([chart.reference] if chart.reference is not None else [])
    low, high = min(shown), max(shown) if len(shown) > 1 else 1.0
    margin = (high - low or 1.0) * 0.14
    ax.set_xlim(low - (margin if low < 0 else 0), high + margin)


def _decorate(ax: Axes, chart: Chart, style: ReportStyle) -> None:
    horizontal = chart.kind == "barh"
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_axisbelow(True)
    value_axis = ax.xaxis if horizontal else ax.yaxis
    value_axis.grid(True, color="#d9d9d9", linewidth=0.6)
    known = _known(chart)
    rule = ax.axvline if horizontal else ax.axhline
    if known and (min(known) < 0 < max(known) or chart.kind != "line"):
        rule(0.0, color="#333333", linewidth=0.8)
    if chart.reference is not None:
        rule(chart.reference, color=style.colours.reference, linewidth=1.0, linestyle="--")
    if horizontal:
        ax.set_xlabel(chart.y_label)
        ax.tick_params(axis="y", length=0)
    else:
        # The unit reads upright above the value axis (rotated Chinese is hard to read).
        ax.set_title(chart.y_label, loc="left", pad=6.0)
        ax.set_xticks(range(len(chart.categories)), list(chart.categories))


def _annotate_reference(ax: Axes, chart: Chart, style: ReportStyle) -> None:
    if chart.reference is None:
        return
    text = _number(chart.reference)
    colour = style.colours.reference
    if chart.kind == "barh":
        ax.annotate(
            text, (chart.reference, 0.0), xycoords=("data", "axes fraction"),
            xytext=(2, 2), textcoords="offset points", color=colour, ha="left", va="bottom",
        )  # fmt: skip
    else:
        ax.annotate(
            text, (1.0, chart.reference), xycoords=("axes fraction", "data"),
            xytext=(-2, 2), textcoords="offset points", color=colour, ha="right", va="bottom",
        )  # fmt: skip


def _legend(fig: Figure, ax: Axes, chart: Chart) -> None:
    if len(chart.series) < 2:
        return
    handles, labels = ax.get_legend_handles_labels()
    # Long names (English indicator names run to 80 characters) go one to a line, wrapped,
    # so that the legend never runs past the figure's edges.
    widest = max(_text_width(label) for label in labels)
    ncol = min(len(labels), 4) if widest * min(len(labels), 4) <= LEGEND_WIDTH else 1
    fig.legend(
        handles,
        [_wrap(label, LEGEND_WIDTH) for label in labels],
        loc="outside lower center",
        ncol=ncol,
        frameon=False,
        handlelength=2.2,
    )


LEGEND_WIDTH = 80  # in Latin characters (a CJK character counts two): the figure's width


def _text_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wrap(text: str, width: int) -> str:
    """Wrap at spaces (English) or anywhere (Chinese) to at most ``width``."""
    if _text_width(text) <= width:
        return text
    if " " in text:
        return "\n".join(textwrap.wrap(text, width, break_long_words=False))
    lines, line = [], ""
    for ch in text:
        if _text_width(line + ch) > width:
            lines.append(line)
            line = ""
        line += ch
    return "\n".join([*lines, line])


def _category_space(fig: Figure, chart: Chart) -> float:
    """About how wide (in pixels) the room of one category is on the x axis."""
    axis_width = fig.get_figwidth() * fig.dpi - AXIS_ALLOWANCE_PT * fig.dpi / 72.0
    return axis_width / max(1, len(chart.categories))


def _fit_categories(fig: Figure, ax: Axes, chart: Chart) -> None:
    """Rotate the category labels when they would collide, and thin them when still too many.

    Measured on the text alone, before the layout, so the chart is drawn once.
    """
    labels = ax.get_xticklabels()
    if chart.kind == "barh" or not labels:
        return
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    widest = max(float(t.get_window_extent(renderer).width) for t in labels)
    space = _category_space(fig, chart)
    if widest + MIN_LABEL_GAP_PT * fig.dpi / 72.0 <= space:
        return
    for label in labels:
        label.set_rotation(ROTATION)
        label.set_horizontalalignment("right")
        label.set_rotation_mode("anchor")
    # Rotated labels need their baselines a line of text apart.
    line = float(labels[0].get_fontsize()) * 1.6 * fig.dpi / 72.0
    step = max(1, math.ceil(line / (space * math.sin(math.radians(ROTATION)))))
    for i, label in enumerate(labels):
        label.set_visible(i % step == 0)


def _figure(chart: Chart, style: ReportStyle, dpi: float) -> Figure:
    """The chart, laid out when it is saved."""
    width = WIDTH_MM / MM_PER_INCH
    height = _height_mm(chart) / MM_PER_INCH
    fig = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)  # text extents are measured before saving
    ax = fig.add_subplot()
    {"line": _draw_line, "bar": _draw_bar, "barh": _draw_barh}[chart.kind](ax, chart, style)
    _decorate(ax, chart, style)
    _annotate_reference(ax, chart, style)
    _legend(fig, ax, chart)
    _fit_categories(fig, ax, chart)
    return fig


_FIGURES: OrderedDict[tuple[Chart, str], Figure] = OrderedDict()
_FIGURES_KEPT = 16  # the charts of a report or two


def _laid_out(chart: Chart, style: ReportStyle) -> Figure:
    """The chart's figure, built once and kept: the SVG of the HTML and the PDF and the PNG
    of the Word file are saved from the same figure (called under the drawing lock)."""
    key = (chart, style.model_dump_json(by_alias=True))
    fig = _FIGURES.get(key)
    if fig is None:
        fig = _figure(chart, style, 72.0)
        _FIGURES[key] = fig
        while len(_FIGURES) > _FIGURES_KEPT:
            _FIGURES.popitem(last=False)
    else:
        _FIGURES.move_to_end(key)
    return fig


def _save(chart: Chart, style: ReportStyle, fmt: str, dpi: float, **kwargs: Any) -> bytes:
    out = io.BytesIO()
    with _drawing(style):
        _laid_out(chart, style).savefig(out, format=fmt, dpi=dpi, **kwargs)
    return out.getvalue()


# --- output ----------------------------------------------------------------------------


def _presentation_attributes(match: re.Match[str]) -> str:
    """``style="fill: #fff; stroke: none"`` as ``fill="#fff" stroke="none"``."""
    pairs = (decl.split(":", 1) for decl in match.group(1).split(";") if ":" in decl)
    return " ".join(f'{k.strip()}="{v.strip()}"' for k, v in pairs)


def _inline_svg(svg: str, chart: Chart) -> str:
    """The <svg> element alone, with ids of its own and an accessible name.

    Styles become SVG presentation attributes and the sheet ``*{stroke-linejoin: round}``
    goes to the root: inside HTML a <style> would apply to the whole page, and HTML
    engines (WeasyPrint) read style attributes as HTML CSS.
    """
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r'\s*<style type="text/css">[^<]*</style>', "", svg)
    svg = svg.replace("<defs>\n </defs>\n", "")
    svg = re.sub(r'style="([^"]*)"', _presentation_attributes, svg)
    svg = svg.replace("<svg ", '<svg stroke-linejoin="round" stroke-linecap="butt" ', 1)
    prefix = "wz-" + re.sub(r"[^A-Za-z0-9_-]", "_", chart.code) + "-"
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}{m.group(1)}"', svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}{m.group(1)})", svg)
    label = escape(chart.caption, quote=True)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1).strip() + "\n"


@lru_cache(maxsize=64)
def _svg(chart: Chart, style_json: str) -> str:
    style = ReportStyle.model_validate_json(style_json)
    data = _save(chart, style, "svg", 72.0, metadata={"Date": None, "Creator": None})
    return _inline_svg(data.decode("utf-8"), chart)


def chart_svg(chart: Chart, style: ReportStyle) -> str:
    """The chart as an <svg> element to inline in HTML, its text drawn as paths.

    The last charts drawn are kept, so the HTML and then the PDF of a report draw once.
    """
    return _svg(chart, style.model_dump_json(by_alias=True))


def chart_png(chart: Chart, style: ReportStyle, dpi: int = 200) -> bytes:
    """The chart as a PNG image (for Word documents); the same chart gives the same bytes."""
    return _save(chart, style, "png", float(dpi), metadata={"Software": None})
