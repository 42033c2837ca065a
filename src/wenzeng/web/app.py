"""The web application, built by :func:`create_app` from settings (never at import time)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from anyio import to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from wenzeng import __version__
from wenzeng.config import Settings
from wenzeng.domain.text import clip
from wenzeng.errors import WenzengError
from wenzeng.services.context import Context, data_version_scope
from wenzeng.web.api import router as api_router
from wenzeng.web.api_catalog import router as catalog_api_router
from wenzeng.web.body_limit import BodyLimit
from wenzeng.web.headers import SecurityHeaders
from wenzeng.web.http_errors import framework_error
from wenzeng.web.methods import leaf_routes
from wenzeng.web.pages import ROUTERS as PAGE_ROUTERS
from wenzeng.web.security import session_secret
from wenzeng.web.templating import render

HERE = Path(__file__).parent


def wants_html(request: Request) -> bool:
    """Pages answer errors with a page; the API and the data twins with the error body."""
    path = request.url.path
    if path.startswith("/api/") or path.endswith((".json", ".csv", ".xlsx")):
        return False
    return "text/html" in request.headers.get("accept", "")


def request_error(e: Any) -> dict[str, Any]:
    """One problem of a request the framework refused, in the error body's shape: the
    names in its location cut short, a body that is not JSON said so in our words."""
    loc = [clip(x) if isinstance(x, str) else x for x in e["loc"]]
    msg = e["msg"]
    if e["type"] == "json_invalid":
        why = str(e.get("ctx", {}).get("error", ""))
        msg = f"请求体不是有效的 JSON / the request body is not valid JSON ({clip(why, 200)})"
    return {"loc": loc, "code": e["type"], "msg": msg}


class DataVersionScope:
    """ASGI middleware: each request reads the data version once (see
    :func:`wenzeng.services.context.data_version_scope`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with data_version_scope():
            await self.app(scope, receive, send)


def warm_caches(ctx: Context) -> None:
    """Fill the read-mostly results (catalogue, forms, plans, the overview's assessments,
    figures and sparklines) before the worker takes requests, so that fifty requests to a
    fresh worker do not each compute them.  A store without a plan has nothing to warm."""
    from wenzeng.auth.principal import ANONYMOUS
    from wenzeng.services.forms import all_forms
    from wenzeng.web.pages.home import overview_context

    with data_version_scope():
        ctx.catalogue  # noqa: B018 (read for its cache)
        all_forms(ctx)
        with suppress(WenzengError):  # e.g. no plan loaded yet: the overview says so when asked
            overview_context(ctx, None, ANONYMOUS)


def create_app_from_environment() -> FastAPI:
    """The application of one worker of ``wenzeng serve --workers N`` (uvicorn's factory):
    its settings come from the ``WENZENG_*`` environment the command set."""
    from wenzeng.config import load_settings

    return create_app(load_settings(), warm=True)


def create_app(
    settings: Settings, context: Context | None = None, *, warm: bool = False
) -> FastAPI:
    """The application; ``warm``: fill the caches at startup (``wenzeng serve``)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ctx = context or Context.open(settings)
        ctx.require_schema()
        app.state.ctx = ctx
        if warm:
            warm_caches(ctx)
        # requests beyond these wait their turn in order, instead of dozens of threads
        # taking the one interpreter lock in turns (long tails under load)
        to_thread.current_default_thread_limiter().total_tokens = settings.request_threads
        yield
        if context is None:
            ctx.close()

    app = FastAPI(
        title="WenZeng 稳增",
        version=__version__,
        lifespan=lifespan,
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.add_middleware(DataVersionScope)
    app.add_middleware(BodyLimit, upload_bytes=settings.limit_upload_bytes, body_bytes=settings.limit_body_bytes)  # fmt: skip
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret(settings),
        session_cookie="wenzeng_session",
        same_site="lax",
        max_age=8 * 3600,
        https_only=settings.secure_cookies,
    )
    app.add_middleware(SecurityHeaders)  # outermost: also on errors the app answers
    app.include_router(api_router)
    app.include_router(catalog_api_router)  # plans and catalogue entries
    for pages_router in PAGE_ROUTERS:
        app.include_router(pages_router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.exception_handler(WenzengError)
    async def _wenzeng_error(request: Request, exc: WenzengError) -> Response:
        if not wants_html(request):
            return JSONResponse(exc.body(), status_code=exc.status)
        if exc.status == 401:
            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        return render(request, "error.html", status_code=exc.status, error=exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        routes = leaf_routes(
            api_router.routes,
            catalog_api_router.routes,
            *(r.routes for r in PAGE_ROUTERS),
            app.router.routes,
        )
        return await framework_error(request, exc, routes)

    @app.exception_handler(RequestValidationError)
    async def _request_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [request_error(e) for e in exc.errors()]
        return JSONResponse(
            {
                "ok": False,
                "status": 422,
                "message": "请求参数有误 / invalid request",
                "errors": errors,
            },
            status_code=422,
        )

    plotly_js = Path(str(resources.files("plotly") / "package_data" / "plotly.min.js"))

    @app.get("/assets/plotly.min.js", include_in_schema=False)
    def plotly_asset() -> FileResponse:
        """The chart library, from the installed plotly package: no CDN, works offline."""
        return FileResponse(
            plotly_js,
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, Any]:
        return {"ok": True, "version": __version__}

    return app
