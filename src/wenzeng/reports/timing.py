"""A report's time: the day its period's core figures were all published.

A report speaks of its period as known at the period's time, not as known today: by default
its data are those known on the day the last of its core figures (the indicators of its first
narrative part, for the period's year to date) was first published. A later date may be asked
for and is said on the cover; a period none of whose core figures has been published cannot
be reported on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from wenzeng.reports.definition import NarrativePart, ReportDefinition


def core_indicators(defn: ReportDefinition) -> list[str]:
    """The indicators a report cannot be without: those of its first narrative part."""
    for section in defn.sections:
        for part in section.parts:
            if isinstance(part, NarrativePart):
                return list(part.indicators)
    return []


@dataclass(frozen=True)
class Timing:
    """When a report's core figures were first published, as known when it is asked for."""

    core: tuple[str, ...]  # the core indicators, in the definition's order
    first_published: Mapping[str, date]  # indicator -> the first vintage of its figure

    @property
    def period_time(self) -> date | None:
        """The day the last core figure was first published (None: none published)."""
        return max(self.first_published.values()) if self.first_published else None

    def missing(self, as_of: date) -> list[str]:
        """The core indicators with no figure known on ``as_of``."""
        return [
            c for c in self.core if c not in self.first_published or self.first_published[c] > as_of
        ]

    def known(self, as_of: date) -> list[str]:
        return [c for c in self.core if c not in self.missing(as_of)]


def timing(core: Sequence[str], vintages: Mapping[str, Sequence[date]]) -> Timing:
    """The timing from every stored vintage of each core indicator's figure for the period."""
    first = {c: min(vintages[c]) for c in core if vintages.get(c)}
    return Timing(tuple(core), first)
