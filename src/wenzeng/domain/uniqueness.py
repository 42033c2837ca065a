"""Codes that must be unique within a file: which are repeated, and the refusal that names them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable


def repeated(codes: Iterable[str]) -> list[str]:
    """The codes that occur more than once, sorted."""
    return sorted(code for code, n in Counter(codes).items() if n > 1)


def refuse_repeated(codes: Iterable[str], what: str) -> None:
    """Refuse (ValueError, as a model validator raises it) codes of ``what`` given twice."""
    dupes = repeated(codes)
    if dupes:
        raise ValueError(f"duplicate {what} codes: {', '.join(dupes)}")
