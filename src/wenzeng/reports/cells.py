"""Table cells of the report parts: a text, a count, a growth rate, a change in points."""

from __future__ import annotations

from wenzeng.domain.observation import ObservationRecord
from wenzeng.reports.builder import DASH, Builder
from wenzeng.reports.document import Cell, Fig, Text
from wenzeng.reports.narrative import Cited, points_change

Row = tuple[Cell, ...]


def cited(b: Builder, r: ObservationRecord | None) -> Cited | None:
    """An observation's value with its printed, cited figure."""
    return None if r is None else Cited(r.value, b.cite.fig(r))


def text_cell(text: str) -> Cell:
    return (Text(text),)


def count_cell(n: int) -> Cell:
    return (Fig(str(n), None, float(n)),)


def signed_cell(c: Cited | None) -> Cell:
    """A growth rate with its sign and one decimal (tables); a dash when missing."""
    if c is None:
        return text_cell(DASH)
    return (Fig(f"{c.value:.1f}", c.fig.ref, c.value),)


def points_cell(now: Cited | None, before: Cited | None) -> Cell:
    """The change of a growth rate in percentage points, as the rounded figures print it."""
    if now is None or before is None:
        return text_cell(DASH)
    d = points_change(now.value, before.value)
    return (Fig(f"{d:+.1f}", None, d),)


def fig_cell(fig: Fig | None) -> Cell:
    return text_cell(DASH) if fig is None else (fig,)
