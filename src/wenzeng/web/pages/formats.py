"""How a page learns the format its URL asks for: the one rule every page follows.

A list page answers ``/warnings`` (HTML), ``/warnings.json``, ``/warnings.csv`` and
``/warnings.xlsx``; a page of one thing answers ``/warnings/12`` and ``/warnings/12.json``.
Either way the page builds one context and :func:`wenzeng.web.twins.respond` renders it in
the format chosen here.
"""

from __future__ import annotations

from fastapi import Request

from wenzeng.errors import NotFound
from wenzeng.web.twins import FORMATS, respond, split_format

__all__ = ["FORMATS", "item_format", "page_format", "respond"]

ONE_THING = ("html", "json")  # a page of one thing has a JSON twin, no table to export


def page_format(request: Request, stem: str) -> str:
    """The format a list page's URL asks for (``/regions.csv`` → ``csv``); 404 for a URL
    that names another page or a format no page has."""
    name, fmt = split_format(request.url.path.rstrip("/").rsplit("/", 1)[-1])
    if name != stem:
        raise NotFound(f"没有这个页面 / no such page: {request.url.path}")
    return fmt


def item_format(
    name: str,
    missing: str,
    *,
    formats: tuple[str, ...] = FORMATS,
    numeric: bool = False,
) -> tuple[str, str]:
    """The code and format of a page of one thing (``12.json`` → ``('12', 'json')``); raises
    NotFound with ``missing`` for a format the page has not, or a code that is not a number
    where one is needed."""
    stem, fmt = split_format(name)
    if fmt not in formats or (numeric and not (stem.isascii() and stem.isdigit())):
        raise NotFound(missing)
    return stem, fmt
