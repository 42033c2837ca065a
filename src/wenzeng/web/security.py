"""Who is calling: bearer tokens for programs, signed session cookies for browsers.

Changes made through a browser session must carry the session's CSRF token
(the ``X-CSRF-Token`` header or a ``csrf_token`` form field); requests with
a bearer token carry no cookie and need none.
"""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request

from wenzeng.auth import policy
from wenzeng.auth.principal import ANONYMOUS, Principal
from wenzeng.config import Settings
from wenzeng.errors import Forbidden, Unauthorized
from wenzeng.services import accounts
from wenzeng.services.context import Context
from wenzeng.web.deps import CtxDep

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def session_secret(settings: Settings) -> str:
    """The key that signs sessions: the setting, else one kept beside the database."""
    if settings.secret_key:
        return settings.secret_key
    path = Path(settings.data_dir) / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key, encoding="utf-8")
    path.chmod(0o600)
    return key


def start_session(request: Request, login: accounts.Login) -> None:
    """A fresh session for a user who has just logged in: nothing of the one before is kept
    (a new CSRF token too), and it carries the user's session epoch, so that logging out,
    a new password or disabling the user ends it wherever it is."""
    request.session.clear()
    request.session["uid"] = login.principal.user_id
    request.session["epoch"] = login.session_epoch
    csrf_token(request)


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


def _principal(request: Request, ctx: Context) -> tuple[Principal, str]:
    """(principal, how they were recognised: token | session | anonymous)."""
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        use = accounts.use_token(ctx, auth[7:].strip())
        policy.require_token_scope(use.read_only, request.method)
        return use.principal, "token"
    uid = request.session.get("uid") if "session" in request.scope else None
    if uid is not None:
        epoch = request.session.get("epoch")
        p = None
        if isinstance(uid, int) and isinstance(epoch, int):
            p = accounts.principal_for_session(ctx, uid, epoch)
        if p is not None:
            return p, "session"
        request.session.clear()  # ended, or signed before sessions carried an epoch
    return ANONYMOUS, "anonymous"


async def current_principal(request: Request, ctx: CtxDep) -> Principal:
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    p, how = _principal(request, ctx)
    if how == "session" and request.method not in SAFE_METHODS:
        sent = request.headers.get("x-csrf-token")
        if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            form = await request.form()
            value = form.get("csrf_token")
            sent = value if isinstance(value, str) else None
        expected = request.session.get("csrf")
        if not expected or not sent or not hmac.compare_digest(str(expected), sent):
            raise Forbidden("CSRF 校验失败，请刷新页面后重试 / CSRF check failed; reload the page")
    request.state.principal = p
    return p


async def logged_in(p: Annotated[Principal, Depends(current_principal)]) -> Principal:
    if not p.authenticated:
        raise Unauthorized("请先登录 / please log in")
    return p


PrincipalDep = Annotated[Principal, Depends(current_principal)]
UserDep = Annotated[Principal, Depends(logged_in)]
