"""The errors the framework raises before a route runs, answered with the one error body.

- 405: the method is not one the address answers; ``Allow`` lists every method it does
  (:func:`wenzeng.web.methods.allowed_methods`), not only those of the first route found.
- 400 from reading a body (a broken multipart upload, a form the parser refuses): a body that
  cannot be read is malformed, answered 422 like malformed JSON, as the API documents.
- anything else (404 for an unknown address): as the framework answers it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute

from wenzeng.domain.text import clip
from wenzeng.web.methods import allowed_methods


def _body(status: int, code: str, message: str) -> dict[str, Any]:
    return {
        "ok": False,
        "status": status,
        "message": message,
        "errors": [{"loc": [], "code": code, "msg": message}],
    }


async def framework_error(
    request: Request, exc: HTTPException, routes: Sequence[BaseRoute]
) -> Response:
    if exc.status_code == 405:
        methods = ", ".join(allowed_methods(routes, request.scope))
        message = (
            f"该地址不支持 {request.method} 方法，支持 {methods} / {request.method} is not "
            f"allowed here; this address allows {methods}"
        )
        return JSONResponse(
            _body(405, "method_not_allowed", message),
            status_code=405,
            headers={"Allow": methods},
        )
    if exc.status_code == 400:
        why = clip(str(exc.detail), 200)
        message = f"请求体无法读取 / the request body cannot be read ({why})"
        return JSONResponse(_body(422, "body_invalid", message), status_code=422)
    return await http_exception_handler(request, exc)
