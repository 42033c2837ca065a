"""Reading the fields of a page's query string or form: blank means 'not chosen'."""

from __future__ import annotations

from datetime import date

from wenzeng.domain.periods import Period, PeriodError, parse_period
from wenzeng.domain.text import clip
from wenzeng.errors import ValidationFailed


def blank(value: str | None) -> str | None:
    """A GET form sends empty fields as ''; those mean 'not chosen'."""
    if value is None:
        return None
    value = value.strip()
    return value or None


def parse_date(text: str | None) -> date | None:
    """A YYYY-MM-DD date from a form or query field; blank is None."""
    text = blank(text)
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(
            f"日期格式应为 YYYY-MM-DD / a date is written YYYY-MM-DD: {text!r}"
        ) from None


def parse_period_field(text: str | None) -> Period | None:
    """A period from a form or query field, in any way offices write it; blank is None."""
    text = blank(text)
    if text is None:
        return None
    try:
        return parse_period(text)
    except PeriodError as exc:
        raise ValidationFailed(str(exc)) from exc


VERSION_DIGITS = 18  # a version is a count of changes; 18 digits hold any the store can keep


def parse_version(text: str | None) -> int | None:
    """The version a form was filled in on (its hidden ``version`` field); blank is None.
    Anything but a whole number written in the digits 0-9 is refused (422), the field named."""
    text = blank(text)
    if text is None:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > VERSION_DIGITS:
        raise ValidationFailed(
            f"字段 version 应为整数 / the field version must be a whole number: {clip(text)!r}"
        )
    return int(text)
