"""The time the store stamps on what it records (always UTC)."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)


def as_utc(when: datetime) -> datetime:
    """``when`` in UTC; naive values (as SQLite gives them back) are taken as UTC."""
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
