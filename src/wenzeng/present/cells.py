"""Cells for spreadsheets: text that a spreadsheet would run as a formula is kept as text.

A CSV or Excel file opened in a spreadsheet runs a cell that begins with
``=``, ``+``, ``-`` or ``@`` (and a tab or carriage return before one) as a
formula, e.g. ``=HYPERLINK("http://…")``; Excel reads the full-width
``＝＋－＠`` the same way.  Following the OWASP guidance on CSV injection,
every text cell of an export that begins so (after any spaces) gets a
leading single quote, which spreadsheets show as text.  Numbers, dates and
empty cells are not touched.
"""

from __future__ import annotations

import unicodedata
from typing import Any

FORMULA_STARTS = frozenset("=+-@\t\r")


def starts_like_formula(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula."""
    for ch in text:
        if ch in FORMULA_STARTS:
            return True
        folded = unicodedata.normalize("NFKC", ch)  # ＝ → =, ﹢ → +, ideographic space → ' '
        if folded and folded[0] in FORMULA_STARTS:
            return True
        if not (ch.isspace() or folded.isspace()):
            return False
    return False


def spreadsheet_safe(value: Any) -> Any:
    """A cell for a CSV or Excel export: formula-like text prefixed with ``'``."""
    if isinstance(value, str) and starts_like_formula(value):
        return "'" + value
    return value
