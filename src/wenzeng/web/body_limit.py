"""Request bodies within the limits, refused before the application reads them.

A pure ASGI middleware (no buffering, works for every route):

- a body whose ``Content-Length`` is over the limit is answered 413 at once, before the
  route runs or one byte of the body is read;
- a body without one (``Transfer-Encoding: chunked``) is counted as it streams in and cut
  off at the first chunk past the limit: the application's own answer to the cut body is
  replaced by the 413.

Every body is limited, with two sizes: a file upload (``multipart/form-data``, the only
kind of body that carries a file here) may be as large as ``WENZENG_LIMIT_UPLOAD_BYTES``
plus 1 MiB for the form's other fields and the multipart framing; any other body (JSON,
a form) as large as ``WENZENG_LIMIT_BODY_BYTES`` (4 MiB by default: the largest JSON body
a person or a script sends here is a few kilobytes, and parsing JSON costs memory many
times its size).  Limiting by the kind of body, not by a list of upload routes, keeps new
upload routes covered without touching this module.

The answer is the one error body of the API (``ErrorOut``) in Chinese and English, or a
readable page for a browser asking for HTML.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wenzeng.domain.issues import Issue, IssueCode, Location
from wenzeng.errors import TooLarge

MULTIPART_SLACK = 1024 * 1024  # the form's other fields and the multipart framing


class _BodyTooLarge(Exception):
    """Raised to the application by ``receive`` once the streamed body passes the limit."""


class BodyLimit:
    def __init__(self, app: ASGIApp, *, upload_bytes: int, body_bytes: int) -> None:
        self.app = app
        self.upload_bytes = upload_bytes
        self.body_bytes = body_bytes

    def _limit(self, headers: Headers) -> tuple[int, str]:
        """The limit for this body and the setting that sets it."""
        if headers.get("content-type", "").lower().startswith("multipart/form-data"):
            return self.upload_bytes + MULTIPART_SLACK, "WENZENG_LIMIT_UPLOAD_BYTES"
        return self.body_bytes, "WENZENG_LIMIT_BODY_BYTES"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        limit, name = self._limit(headers)
        declared = headers.get("content-length", "").strip()
        if declared.isdigit() and int(declared) > limit:
            await _refuse(scope, send, limit, name, int(declared))
            return
        received = 0
        cut = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, cut
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    cut = True
                    raise _BodyTooLarge()
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if cut and not started:
                return  # the application's answer to a cut body: ours goes instead
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not cut:
                raise
        if cut and not started:
            await _refuse(scope, send, limit, name, None)


def too_large(limit: int, setting: str, size: int | None) -> TooLarge:
    if size is None:
        zh = f"请求体超过上限 {limit:,} 字节（设置 {setting}）"
        en = f"the request body is over the limit of {limit:,} bytes (setting {setting})"
    else:
        zh = f"请求体 {size:,} 字节，超过上限 {limit:,} 字节（设置 {setting}）"
        en = f"the request body is {size:,} bytes, over the limit of {limit:,} bytes (setting {setting})"
    return TooLarge(f"{zh} / {en}", issues=[Issue(Location(), IssueCode.TOO_LARGE, zh, en)])


def _wants_html(scope: Scope) -> bool:
    """As the application decides (``wenzeng.web.app.wants_html``): pages get a page."""
    path: str = scope.get("path", "")
    if path.startswith("/api/") or path.endswith((".json", ".csv", ".xlsx")):
        return False
    return "text/html" in Headers(scope=scope).get("accept", "")


async def _refuse(scope: Scope, send: Send, limit: int, setting: str, size: int | None) -> None:
    error = too_large(limit, setting, size)
    response: Response
    if _wants_html(scope):
        response = _page(scope, error)
    else:
        response = JSONResponse(error.body(), status_code=error.status)
    response.headers["Connection"] = "close"  # the rest of the body is not read

    async def no_body() -> Message:
        return {"type": "http.disconnect"}

    await response(scope, no_body, send)


def _page(scope: Scope, error: TooLarge) -> Response:
    from wenzeng.web.templating import render

    try:
        return render(Request(scope), "error.html", status_code=error.status, error=error)
    except Exception:  # outside the session middleware, say: a plain page still reads well
        text = _escape(error.message)
        body = f'<!doctype html><meta charset="utf-8"><title>413</title><h1>413</h1><p>{text}</p>'
        return HTMLResponse(body, status_code=error.status)


def _escape(text: Any) -> str:
    from html import escape

    return escape(str(text))
