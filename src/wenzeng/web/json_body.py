"""Request bodies in JSON as the standard has it: no ``NaN``, no ``Infinity``.

Python's ``json`` module reads ``NaN``, ``Infinity`` and ``-Infinity`` as
floats, which no JSON standard allows and no statistic can be; a number
too large for a float (``1e400``) it reads as infinity.  Routes of
:class:`StrictJsonRoute` read their bodies with :func:`strict_loads`, which
refuses all three, so such a body is answered like any other malformed JSON
(422).  Numbers that are finite but no figure (``1e20``) are refused by the
checks of the values, which name the field.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from wenzeng.domain.text import clip


class _NotANumber(Exception):
    def __init__(self, text: str, zh: str, en: str) -> None:
        super().__init__(text)
        self.text, self.zh, self.en = text, zh, en


def _refuse_constant(name: str) -> Any:
    raise _NotANumber(name, "不是 JSON 数值", "is not a JSON number")


def _finite_float(text: str) -> float:
    x = float(text)
    if not math.isfinite(x):
        raise _NotANumber(text, "超出数值范围", "is too large for a number")
    return x


MAX_DIGITS = 100  # no whole number a client sends is longer; Python refuses 4,300 digits


def _bounded_int(text: str) -> int:
    if len(text) > MAX_DIGITS:
        raise _NotANumber(text, "位数过多", "has too many digits")
    return int(text)


class _Refused:
    """Stands, in a second reading of a refused body, for the number that was refused."""


_REFUSED = _Refused()


def _refused_or_float(text: str) -> Any:
    try:
        return _finite_float(text)
    except _NotANumber:
        return _REFUSED


def _refused_or_int(text: str) -> Any:
    return _REFUSED if len(text) > MAX_DIGITS else int(text)


def _path_to(node: Any, path: str = "") -> str | None:
    """The dotted path (``values.revenue_cum``, ``formats[2]``) of the first refused number
    in ``node``; None when there is none."""
    if node is _REFUSED:
        return path
    items: list[tuple[str, Any]] = []
    if isinstance(node, dict):
        items = [(f"{path}.{k}" if path else str(k), v) for k, v in node.items()]
    elif isinstance(node, list):
        items = [(f"{path}[{i}]", v) for i, v in enumerate(node)]
    for sub_path, value in items:
        found = _path_to(value, sub_path)
        if found is not None:
            return found
    return None


def _field_of_refused(body: bytes | str) -> str | None:
    """The field whose number was refused: the body read again, each refused number kept as
    a marker, and the marker looked for."""
    try:
        doc = json.loads(
            body,
            parse_constant=lambda _name: _REFUSED,
            parse_float=_refused_or_float,
            parse_int=_refused_or_int,
        )
    except ValueError:
        return None
    return _path_to(doc)


def strict_loads(body: bytes | str) -> Any:
    """``json.loads`` that refuses ``NaN``, ``Infinity``, ``-Infinity``, numbers too large
    for a float and whole numbers of more than :data:`MAX_DIGITS` digits, naming the field
    that holds one; a body that is not UTF-8 text is malformed like any other."""
    if isinstance(body, bytes):
        try:
            body = body.decode(json.detect_encoding(body))  # UTF-8, or UTF-16/32 as json reads
        except UnicodeDecodeError as exc:
            raise json.JSONDecodeError(
                "请求体不是 UTF-8 文本 / the request body is not UTF-8 text", "", exc.start
            ) from exc
    try:
        return json.loads(
            body,
            parse_constant=_refuse_constant,
            parse_float=_finite_float,
            parse_int=_bounded_int,
        )
    except _NotANumber as exc:
        doc = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        shown = clip(exc.text)
        field = _field_of_refused(body)
        named = f"{clip(field)}: {shown}" if field else shown
        raise json.JSONDecodeError(
            f"{named} {exc.zh} / {named} {exc.en}", doc, max(doc.find(exc.text), 0)
        ) from exc


class StrictJsonRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = strict_loads(await self.body())
        return self._json


class StrictJsonRoute(APIRoute):
    """A route whose JSON body is read by :func:`strict_loads`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict_handler(request: Request) -> Response:
            return await handler(StrictJsonRequest(request.scope, request.receive))

        return strict_handler
