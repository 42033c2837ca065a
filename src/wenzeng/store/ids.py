"""Row ids as the store keeps them: positive integers of the ``Integer`` id columns, whose
range on PostgreSQL is 32 bits (SQLite's is 64).

A number outside that range names no row; a lookup by it finds nothing, as for any other id
that does not exist, instead of failing in the database (PostgreSQL refuses to compare it,
SQLite cannot even bind a number beyond 64 bits).
"""

from __future__ import annotations

LARGEST_ID = 2**31 - 1


def storable_id(value: int) -> bool:
    """Whether ``value`` can be the id of a stored row."""
    return 0 < value <= LARGEST_ID
