"""Figures written as their readers expect them: for Chinese readers large values in 万 and
亿 with the unit (267.97万人, not 2,679,675 人), for English readers in million, billion and
trillion with the unit in English (2.68 million persons, 1.12 trillion yuan); percentages to
one decimal (7.0%, never 7% beside 7.5%), and growth in words in a sentence (同比下降5.4%,
down 5.4% year on year; not -5.4%).

A unit that already carries a scale (万元, 亿元, 万台) is read as its base unit times that
scale, so that 0.6812亿元 can be written 6812.0万元 (or 68.12 million yuan); a reader who
reported in 万元 can keep 万元 by asking for it (``prefer``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from wenzeng.domain.units import units

# the scales a Chinese figure is written in, largest first
SCALES: tuple[tuple[str, float], ...] = (("万亿", 1e12), ("亿", 1e8), ("万", 1e4))
# units that are not amounts of something: never scaled
UNSCALED = frozenset({"%", "‰", "pp", "百分点", "倍", ""})
PERCENT_DECIMALS = 1
SCALED_DECIMALS = 2
# a figure in a unit with a scale (亿元) is written in it up to this size (11234.5亿元)
KEPT_BELOW = 1e5
# the scales an English figure is written in, largest first (below a million: all digits)
EN_SCALES: tuple[tuple[str, float], ...] = (
    ("trillion", 1e12),
    ("billion", 1e9),
    ("million", 1e6),
)
# units that are not amounts, as English text writes them after a number
EN_RATIOS = {"%": "%", "‰": "‰", "pp": " pp", "百分点": " pp", "倍": " times", "": ""}
# counted things a catalogue may use without listing them among its units
EN_COUNTED = {"艘": "ships", "载重吨": "deadweight tonnes", "件": "pieces", "项": "items"}


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
    a scale already keeps it while the value has one to five digits before the point in it
    (11234.5亿元 stays, as published; 0.6812亿元 becomes 6812万元, 161900亿元 16.19万亿元)."""
    u = unit or ""
    if u in UNSCALED:
        return 1.0, u
    base, factor = split_unit(u)
    if not upscale and factor > 1 and 1 <= abs(value) < KEPT_BELOW:
        return 1.0, u
    in_base = abs(value) * factor
    for prefix, size in SCALES:
        if in_base >= size:
            return size / factor, prefix + base
    return 1.0 / factor, base


def en_unit(unit: str | None) -> tuple[str, float, bool]:
    """The English words of the base a figure in ``unit`` is written in, how many of that
    base one ``unit`` is, and whether the figure may be scaled to million, billion or
    trillion: '亿元' → ('yuan', 1e8, True); '万台' → ('units', 1e4, True); 'GW' → ('GW', 1,
    False) (power and energy have no counted base); '%' → ('%', 1, False)."""
    u = unit or ""
    if u in EN_RATIOS:
        return EN_RATIOS[u].strip(), 1.0, False
    registry = units()
    found = registry.find(u)
    if found is not None:
        base = next((b for b in registry.in_dimension(found.dimension) if b.factor == 1), None)
        if base is None or found.dimension == "rank":
            return found.name_en, 1.0, False
        return base.name_en, found.factor, True
    base_code, factor = split_unit(u)
    known = registry.find(base_code)
    words = known.name_en if known is not None else EN_COUNTED.get(base_code, base_code)
    return words, factor, True


def en_scale_for(value: float, unit: str | None) -> tuple[float, str]:
    """The factor to divide a value in ``unit`` by, and the English words of the unit it is
    then written in: 2,679,675 人 → (1e6, 'million persons'); 11234.5亿元 → (1e4, 'trillion
    yuan'); 45亿元 → (10, 'billion yuan'); 5.5万元 → (1e-4, 'yuan'); 7 % → (1, '%')."""
    words, factor, scalable = en_unit(unit)
    if not scalable:
        return 1.0, words
    in_base = abs(value) * factor
    for name, size in EN_SCALES:
        if in_base >= size:
            return size / factor, f"{name} {words}"
    return 1.0 / factor, words


def common_scale(
    values: Iterable[float | None], unit: str | None, *, en: bool = False
) -> tuple[float, str]:
    """One factor and unit for a whole series or axis, chosen by its largest value, so that
    every point of a chart is written in the same unit (亿元 on the axis, not 2k…10k; in
    English 'billion yuan')."""
    known = [abs(v) for v in values if v is not None and math.isfinite(v)]
    top = max(known, default=0.0)
    return en_scale_for(top, unit) if en else scale_for(top, unit)


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


def _whole(x: float) -> bool:
    """Whether a number is whole but for the dust of binary arithmetic (0.55 × 10000)."""
    return abs(x) < 1e15 and math.isclose(x, round(x), rel_tol=1e-12, abs_tol=1e-9)


def en_number_text(
    value: float, unit: str | None, *, decimals: int | None = None
) -> tuple[str, str]:
    """A figure and the English words of its unit: ('2.68', 'million persons'), ('7.0', '%'),
    ('55,000', 'yuan').  Percentages get one decimal; a figure in million, billion or
    trillion two below 100 and one from 100 up; a figure below a million in its base unit
    with all its digits (none after the point when whole, two otherwise)."""
    u = unit or ""
    if u in EN_RATIOS:
        shown = PERCENT_DECIMALS if decimals is None else decimals
        return _en_digits(value, shown), EN_RATIOS[u].strip()
    divisor, words = en_scale_for(value, u)
    x = value / divisor
    if decimals is None:
        scaled = words.split(" ", 1)[0] in dict(EN_SCALES)
        if scaled:
            decimals = 1 if abs(x) >= 100 else SCALED_DECIMALS
        else:
            decimals = 0 if _whole(x) else SCALED_DECIMALS
    return _en_digits(x, decimals), words


def _en_digits(x: float, decimals: int) -> str:
    """Digits as English text writes them: thousands separated from 1,000 up, never -0."""
    text = f"{x:,.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text[1:].replace(",", "")) == 0 else text


def en_number(value: float | None, unit: str | None, *, qualifier: str | None = "") -> str:
    """A figure with its unit as an English page writes it: '2.68 million persons', '7.0%',
    '≥1.54 billion yuan', '654 GW', 'No. 1' (a rank), '—'."""
    if value is None or not math.isfinite(value):
        return "—"
    mark = {">": "≥", "<": "≤", "~": "≈"}.get(qualifier or "", "")
    text, words = en_number_text(value, unit)
    found = units().find(unit or "")
    if found is not None and found.dimension == "rank":
        return f"{mark}No. {text}"  # 第1位: No. 1
    if not words:
        return f"{mark}{text}"
    return f"{mark}{text}{words}" if unit in ("%", "‰") else f"{mark}{text} {words}"


def figure(
    value: float | None,
    unit: str | None,
    *,
    en: bool = False,
    prefer: str | None = None,
    qualifier: str | None = "",
) -> str:
    """A figure as a page in its language writes it: ``cn_number`` or ``en_number``."""
    if en:
        return en_number(value, unit, qualifier=qualifier)
    return cn_number(value, unit, prefer=prefer, qualifier=qualifier)


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
