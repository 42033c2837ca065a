"""Which addresses a figure's source may link to: web pages, nothing else.

A source link is shown as a link on the pages and in the reports, so an
address such as ``javascript:…`` or ``data:…`` would run in the reader's
browser.  Only absolute ``http://`` and ``https://`` addresses with a host are
kept; the pages also link to their own paths (``/regions/510000``).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

WEB_SCHEMES = ("http", "https")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f\\]")  # spaces, controls; browsers read '\' as '/'


def is_web_url(text: object) -> bool:
    """True for an absolute http(s) address with a host and nothing hidden in it."""
    if not isinstance(text, str) or _INVISIBLE.search(text):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unbalanced '[' in the host
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)


def is_own_path(text: object) -> bool:
    """True for a path on this site: '/x', never '//host' (another site)."""
    return (
        isinstance(text, str)
        and text.startswith("/")
        and not text.startswith("//")
        and not _INVISIBLE.search(text)
    )


def safe_href(text: object) -> str:
    """The address a page may link to: a web address or a path of this site; else ''."""
    if is_web_url(text) or is_own_path(text):
        assert isinstance(text, str)
        return text
    return ""
