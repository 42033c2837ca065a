"""Reading numbers as offices write them.

``1,234.5``, ``１２３４.５`` (full-width), ``12.5%``, ``－3.2``, ``—`` or a
blank for missing, ``超过450`` or ``>450`` for a lower bound, ``约510`` for
an approximate figure.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MISSING = {"", "-", "—", "——", "–", "－", "/", "…", "...", "n/a", "na", "null", "none", "无", "空"}

_QUALIFIERS = [
    (("超过", "突破", "逾", "大于", "高于", "不低于", "以上", ">", "≥", ">="), ">"),
    (("不足", "低于", "小于", "不高于", "<", "≤", "<="), "<"),
    (("约", "大约", "近", "接近", "~", "≈"), "~"),
]
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_SUFFIXES = ("%", "％")


class ValueError_(ValueError):
    """A cell that is not a number."""


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
    return ParsedValue(float(s), qualifier, percent)
