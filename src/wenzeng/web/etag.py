"""JSON twins from cached bytes, with ETag and ``If-None-Match`` → 304.

A read-mostly twin (the overview, a target, an explorer answer) is encoded once per change
of the data and kept as bytes, keyed by what its answer depends on: the path and query, the
page language, the reader (user, role and entity: two readers never share bytes, whatever
they may see) and the store's data version (``Context.data_version``: every worker process
reads it from the store, so a change made through one worker is seen by all).  The ETag is
a digest of the same things and the bytes, so it changes when the data or the reader does.
Answers say ``Cache-Control: private, no-cache`` (a browser keeps them for its user alone
and asks again each time, getting 304 when nothing changed) and ``Vary: Authorization,
Cookie``.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import Response

from wenzeng.auth.principal import ANONYMOUS, Principal
from wenzeng.services.context import Context
from wenzeng.web.templating import page_lang

MAX_ENTRIES = 1024  # cached answers per process; the least recently used go first
CACHE_KEY = "json_twins"
HEADERS = {"Cache-Control": "private, no-cache", "Vary": "Authorization"}  # + Cookie: sessions
_lock = threading.Lock()


def reader_scope(p: Principal) -> tuple[Any, ...]:
    """What distinguishes one reader's view from another's."""
    return (p.username, p.user_id, p.role.value, p.entity, tuple(sorted(p.sectors)))


def json_bytes(data: Mapping[str, Any]) -> bytes:
    """``{"ok": true, ...data}`` encoded as the framework's JSONResponse encodes it."""
    body = {"ok": True, **jsonable_encoder({k: v for k, v in data.items() if k != "ok"})}
    return json.dumps(
        body, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
    ).encode("utf-8")


def make_etag(version: Any, scope: Any, body: bytes) -> str:
    h = hashlib.sha256()
    h.update(repr((version, scope)).encode("utf-8"))
    h.update(body)
    return f'"{h.hexdigest()[:40]}"'


def matches(request: Request, etag: str) -> bool:
    """Whether the request's ``If-None-Match`` names ``etag`` (or ``*``)."""
    sent = request.headers.get("if-none-match")
    if not sent:
        return False
    tags = {t.strip().removeprefix("W/") for t in sent.split(",")}
    return "*" in tags or etag in tags


def answer(request: Request, body: bytes, etag: str) -> Response:
    headers = {**HEADERS, "ETag": etag}
    if matches(request, etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


def _key(request: Request, p: Principal) -> tuple[Any, ...]:
    query = tuple(sorted(request.query_params.multi_items()))
    return (request.url.path, query, page_lang(request), reader_scope(p))


def cached_json(
    request: Request, ctx: Context, p: Principal, build: Callable[[], Mapping[str, Any]]
) -> Response:
    """The JSON twin that ``build()`` makes, from bytes kept until the data change; build
    runs only on a miss (an error it raises is answered as usual and nothing is kept)."""
    version = ctx.data_version()  # once per request (the data version scope)
    key = _key(request, p)
    with _lock:
        kept: OrderedDict[tuple[Any, ...], tuple[Any, str, bytes]] = ctx.cache.setdefault(
            CACHE_KEY, OrderedDict()
        )
        hit = kept.get(key)
        if hit is not None and hit[0] == version:
            kept.move_to_end(key)
            return answer(request, hit[2], hit[1])
    body = json_bytes(build())
    etag = make_etag(version, key, body)
    with _lock:
        kept[key] = (version, etag, body)
        kept.move_to_end(key)
        while len(kept) > MAX_ENTRIES:
            kept.popitem(last=False)
    return answer(request, body, etag)


def json_answer(request: Request, data: Mapping[str, Any]) -> Response:
    """A JSON twin built for this request (nothing kept), with an ETag from its bytes and
    the reader, so a client that has it gets 304."""
    p: Principal = getattr(request.state, "principal", None) or ANONYMOUS
    body = json_bytes(data)
    return answer(request, body, make_etag(None, reader_scope(p), body))
