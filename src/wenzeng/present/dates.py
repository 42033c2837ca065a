"""Dates written as their readers expect them: 2026年3月1日 on Chinese pages, 1 Mar 2026 on
English ones.  Data files (JSON, CSV, Excel) keep ISO dates; only what a person reads
changes."""

from __future__ import annotations

from datetime import UTC, date, datetime

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def as_date(value: date | str | None) -> date | None:
    """A date from a date, a datetime or an ISO text ('2026-03-01', '2026-03-01T08:00:00+00:00');
    None for anything else."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not value:
        return None
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def date_text(value: date | str | None, en: bool = False) -> str:
    """'2026年3月1日' or '1 Mar 2026'; '—' for no date; a text that is not a date as it is."""
    d = as_date(value)
    if d is None:
        return str(value) if value else "—"
    if en:
        return f"{d.day} {MONTHS_EN[d.month - 1]} {d.year}"
    return f"{d.year}年{d.month}月{d.day}日"


def moment_text(value: datetime | str | None, en: bool = False) -> str:
    """A time of the store (UTC) as a person reads it: '2026年12月3日 11:14 UTC',
    '3 Dec 2026 11:14 UTC'; '—' for none; a text that is not a time as it is."""
    if not value:
        return "—"
    try:
        t = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).strip())
    except ValueError:
        return str(value)
    if t.tzinfo is not None:
        t = t.astimezone(UTC)
    return f"{date_text(t.date(), en)} {t:%H:%M} UTC"
