"""Figures written as Chinese readers expect them: large values in 万 and 亿 with the unit
(267.97万人, not 2,679,675 人), percentages to one decimal (7.0%, never 7% beside 7.5%), and
growth in words in a sentence (同比下降5.4%, not -5.4%).

A unit that already carries a scale (万元, 亿元, 万台) is read as its base unit times that
scale, so that 0.6812亿元 can be written 6812.0万元; a reader who
reported in 万元 can keep 万元 by asking for it (``prefer``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

# the scales a Chinese figure is written in, largest first
SCALES: tuple[tuple[str, float], ...] = (("万亿", 1e12), ("亿", 1e8), ("万", 1e4))
# units that are not amounts of something: never scaled
UNSCALED = frozenset({"%", "‰", "pp", "百分点", "倍", ""})
PERCENT_DECIMALS = 1
SCALED_DECIMALS = 2


def split_unit(unit: str | None) -> tuple[str, float]:
    """'亿元' → ('元', 1e8); '万人' → ('人', 1e4); '台' → ('台', 1); '%' → ('%', 1)."""
    u = unit or ""
    if u in UNSCALED:
        return u, 1.0
    for prefix, factor in SCALES:
        if u.startswith(prefix) and len(u) > len(prefix):
            return u[len(prefix) :], factor
    return u, 1.0


def scale_for(value: float, unit: str | None, *, upscale: bool = True) -> tuple[float, str]:
    """The factor to divide a value in ``unit`` by, and the unit it is then written in, so
    that the written number lies below 10000 where 万 or 亿 allow (and at or above 1 where
    the value is large enough for a scale at all).  With ``upscale`` false a unit that has
    a scale already keeps it unless the value is below 1 in it (11234.5亿元 stays, as
    published; 0.6812亿元 becomes 6812万元)."""
    u = unit or ""
    if u in UNSCALED:
        return 1.0, u
    base, factor = split_unit(u)
    if not upscale and factor > 1 and abs(value) >= 1:
        return 1.0, u
    in_base = abs(value) * factor
    for prefix, size in SCALES:
        if in_base >= size:
            return size / factor, prefix + base
    return 1.0 / factor, base


def common_scale(values: Iterable[float | None], unit: str | None) -> tuple[float, str]:
    """One factor and unit for a whole series or axis, chosen by its largest value, so that
    every point of a chart is written in the same unit (亿元 on the axis, not 2k…10k)."""
    known = [abs(v) for v in values if v is not None and math.isfinite(v)]
    return scale_for(max(known, default=0.0), unit)


def _digits(x: float, decimals: int) -> str:
    """Digits as Chinese text writes them: 6812.00, 15433.00 — thousands separated only
    from 10000 up (where no 万 or 亿 was allowed), never -0."""
    text = f"{x:,.{decimals}f}" if abs(x) >= 10000 else f"{x:.{decimals}f}"
    return "0" + text[2:] if text.startswith("-0") and float(x) == 0 else text


def number_text(
    value: float, unit: str | None, *, prefer: str | None = None, decimals: int | None = None
) -> tuple[str, str]:
    """A figure and the unit it is written in: ('267.97', '万人'), ('7.0', '%').

    Percentages (and other ratios) get one decimal; a figure written in 万 or 亿 two below
    1000 and one from 1000 up (267.97万人, 11234.5亿元); a figure in its base
    unit none when it is whole and two otherwise.  ``prefer`` names a
    unit the reader works in (an enterprise's 万元): a value of the same base is written in
    it, whatever its size."""
    u = unit or ""
    if u in UNSCALED:
        shown = PERCENT_DECIMALS if decimals is None else decimals
        return _digits(value, shown), u
    if prefer and split_unit(prefer)[0] == split_unit(u)[0]:
        divisor, shown_unit = split_unit(prefer)[1] / split_unit(u)[1], prefer
    else:
        divisor, shown_unit = scale_for(value, u, upscale=split_unit(u)[1] == 1)
    x = value / divisor
    if decimals is None:
        scaled = split_unit(shown_unit)[1] > 1
        whole = float(x).is_integer() and abs(x) < 1e15
        decimals = SCALED_DECIMALS if scaled or not whole else 0
        if scaled and abs(x) >= 1000:
            decimals = 1  # 6812.0万元, 11234.5亿元: the tenths are enough from 1000 up
    return _digits(x, decimals), shown_unit


def cn_number(
    value: float | None,
    unit: str | None,
    *,
    prefer: str | None = None,
    qualifier: str | None = "",
) -> str:
    """A figure with its unit as a page writes it: '267.97万人', '7.0%', '≥1.54亿元', '—'."""
    if value is None or not math.isfinite(value):
        return "—"
    mark = {">": "≥", "<": "≤", "~": "≈"}.get(qualifier or "", "")
    text, shown = number_text(value, unit, prefer=prefer)
    return f"{mark}{text}{shown}"


def change_words(pct: float | None, *, en: bool = False, prefix: str = "同比") -> str:
    """Growth in a sentence: '同比增长5.4%', '同比下降5.4%', '同比持平'; in English
    'up 5.4% year on year'.  A rate that rounds to 0.0 is 持平."""
    if pct is None or not math.isfinite(pct):
        return "—"
    text = _digits(abs(pct), PERCENT_DECIMALS)
    if float(text.replace(",", "")) == 0:
        return "flat year on year" if en else f"{prefix}持平"
    if en:
        return f"{'up' if pct > 0 else 'down'} {text}% year on year"
    return f"{prefix}{'增长' if pct > 0 else '下降'}{text}%"
