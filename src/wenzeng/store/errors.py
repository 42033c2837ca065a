"""What the store says when a statement breaks one of the schema's rules."""

from __future__ import annotations

from wenzeng.errors import Conflict


class DuplicateKey(Conflict):
    """A row with the same unique key is already stored (often: written a moment ago by
    someone else)."""
