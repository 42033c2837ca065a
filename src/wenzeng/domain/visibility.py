"""Which observations a reader may see, as data the store can apply in its queries.

Published figures are public.  Any other figure (collected through the forms, imported,
simulated) may be seen by a reader only when its entity is one whose unpublished data the
reader may see; department staff see everything.  :func:`wenzeng.auth.policy.visibility`
decides, for a principal, which entities those are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PUBLISHED_SOURCES = frozenset({"published"})


@dataclass(frozen=True)
class Visibility:
    """What a reader may see: every figure, or published figures plus the unpublished
    figures of ``entities``."""

    everything: bool = False
    entities: frozenset[str] = field(default_factory=frozenset)

    def allows(self, entity: str, source_kind: str) -> bool:
        return self.everything or source_kind in PUBLISHED_SOURCES or entity in self.entities


EVERYTHING = Visibility(everything=True)
PUBLISHED_ONLY = Visibility()
