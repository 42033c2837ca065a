"""Logging in (CSRF-protected, throttled by the accounts service) and out (everywhere)."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from wenzeng.auth.principal import Principal
from wenzeng.errors import Forbidden, TooManyRequests, WenzengError
from wenzeng.services import accounts
from wenzeng.web.deps import CtxDep
from wenzeng.web.security import PrincipalDep, UserDep, start_session
from wenzeng.web.templating import render

router = APIRouter(include_in_schema=False)


def _safe_next(target: str) -> str:
    """Only paths on this site: never redirect a user elsewhere after login ('' when the
    user came to the login page by itself)."""
    return target if target.startswith("/") and not target.startswith("//") else ""


def _landing(p: Principal) -> str:
    """Where a user who came to log in by itself lands: a reporter on what it owes,
    department staff and others on the overview with their to-dos."""
    return "/report" if p.entity else "/"


def _client_address(request: Request) -> str | None:
    """The address the request came from, as the server sees it (behind a reverse proxy,
    run uvicorn with the proxy's forwarded headers trusted, or every login shares one)."""
    return request.client.host if request.client is not None else None


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, p: PrincipalDep, next: str = "") -> Response:
    return render(request, "login.html", next=_safe_next(next), error=None)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    ctx: CtxDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf_token_: Annotated[str, Form(alias="csrf_token")] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    expected = request.session.get("csrf", "")
    if not expected or not hmac.compare_digest(str(expected), csrf_token_):
        raise Forbidden("CSRF 校验失败，请刷新页面后重试 / CSRF check failed; reload the page")
    try:
        done = accounts.log_in(ctx, username, password, client=_client_address(request))
    except WenzengError as exc:
        page = render(
            request, "login.html", status_code=exc.status, next=_safe_next(next), error=exc.message
        )
        if isinstance(exc, TooManyRequests) and exc.retry_after is not None:
            page.headers["Retry-After"] = str(exc.retry_after)
        return page
    start_session(request, done)
    target = _safe_next(next) or _landing(done.principal)
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
def logout(request: Request, ctx: CtxDep, p: UserDep) -> Response:
    """Log out everywhere: every session of the user ends, not only this browser's."""
    accounts.end_sessions(ctx, p, p.username)
    request.session.clear()
    return RedirectResponse("/", status_code=303)
