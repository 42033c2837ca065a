"""Reading numbers as offices write them.

``1,234.5``, ``１２３４.５`` (full-width), ``12.5%``, ``－3.2``, ``—`` or a
blank for missing, ``超过450`` or ``>450`` for a lower bound, ``约510`` for
an approximate figure.

A number must also be one a statistic can be: finite, and smaller in size
than :data:`MAX_MAGNITUDE`.  ``NaN``, ``Infinity``, ``1e309`` or a run of
400 digits is refused like any other text that is not a figure.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Annotated

from pydantic import Field

MISSING = {"", "-", "—", "——", "–", "－", "/", "…", "...", "n/a", "na", "null", "none", "无", "空"}

_QUALIFIERS = [
    (("超过", "突破", "逾", "大于", "高于", "不低于", "以上", ">", "≥", ">="), ">"),
    (("不足", "低于", "小于", "不高于", "<", "≤", "<="), "<"),
    (("约", "大约", "近", "接近", "~", "≈"), "~"),
]
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_SUFFIXES = ("%", "％")


# No statistic reaches 10^15 in any unit an office writes: China's whole GDP is about
# 1.3 × 10^14 yuan, and figures are written in yuan at the finest.  A number this large
# is a typing or conversion error (or an attack on the store), never a figure.
MAX_MAGNITUDE = 1e15

# A number in a request body: finite (no NaN, no infinity).  The bound on its size is
# checked where the number becomes a figure (:func:`sane_number`).
FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]


class ValueError_(ValueError):
    """A cell that is not a number."""


class OutOfBounds(ValueError_):
    """A cell that reads as a number no statistic can be: not finite, or too large."""


def sane_number(x: float) -> bool:
    """True for a finite number smaller in size than :data:`MAX_MAGNITUDE`."""
    return math.isfinite(x) and abs(x) < MAX_MAGNITUDE


def as_figure(raw: float) -> float:
    """A number (from JSON, Excel or a conversion) as a figure; raises :class:`OutOfBounds`."""
    try:
        x = float(raw)
    except OverflowError as exc:  # an integer with hundreds of digits
        raise OutOfBounds(str(raw)[:40]) from exc
    if not sane_number(x):
        raise OutOfBounds(str(raw)[:40])
    return x


@dataclass(frozen=True, slots=True)
class ParsedValue:
    value: float | None  # None = missing
    qualifier: str = ""  # '', '>', '<', '~'
    percent: bool = False  # written with a % sign


def parse_value(cell: str | None) -> ParsedValue:
    """Parse one cell; raises :class:`ValueError_` for text that is not a number."""
    if cell is None:
        return ParsedValue(None)
    s = unicodedata.normalize("NFKC", cell).strip()
    if s.casefold() in MISSING:
        return ParsedValue(None)
    qualifier = ""
    for words, q in _QUALIFIERS:
        for w in sorted(words, key=len, reverse=True):
            if s.startswith(w):
                s, qualifier = s[len(w) :].strip(), q
                break
            if w in ("以上",) and s.endswith(w):
                s, qualifier = s[: -len(w)].strip(), q
                break
        if qualifier:
            break
    percent = s.endswith(_SUFFIXES)
    if percent:
        s = s[:-1].strip()
    # NFKC turns the full-width minus into '-' already; also accept the Unicode minus.
    s = s.replace("−", "-").replace(",", "").replace(" ", "").replace("'", "")
    if s.startswith("(") and s.endswith(")"):  # accounting negative: (12.3)
        s = "-" + s[1:-1]
    if not _NUMBER.match(s):
        raise ValueError_(cell)
    x = float(s)  # a number too large for a float reads as infinity here
    if not sane_number(x):
        raise OutOfBounds(cell)
    return ParsedValue(x, qualifier, percent)
