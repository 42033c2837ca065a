"""Reading argument text that the command-line parser leaves as strings: dates and months.

A value that cannot be read is a usage error (exit code 2) with a bilingual message.
"""

from __future__ import annotations

import calendar
from datetime import date

from wenzeng.errors import ConfigurationError, WenzengError


def usage(message: str) -> WenzengError:
    """The error to raise for a malformed argument or option (exit code 2)."""
    return ConfigurationError(message)


def iso_date(text: str) -> date:
    """A date written YYYY-MM-DD."""
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise usage(f"日期无效 / invalid date: {text!r} (expected YYYY-MM-DD)") from exc


def month_end(text: str) -> date:
    """A date written YYYY-MM-DD, or the last day of a month written YYYY-MM."""
    try:
        if len(text) == 7:
            y, m = int(text[:4]), int(text[5:7])
            return date(y, m, calendar.monthrange(y, m)[1])
        return date.fromisoformat(text)
    except ValueError as exc:
        raise usage(f"日期无效 / invalid date: {text!r} (expected YYYY-MM or YYYY-MM-DD)") from exc
