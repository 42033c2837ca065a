"""The web application, built by :func:`create_app` from settings (never at import time)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.sessions import SessionMiddleware

from wenzeng import __version__
from wenzeng.config import Settings
from wenzeng.errors import WenzengError
from wenzeng.services.context import Context
from wenzeng.web.api import router as api_router
from wenzeng.web.deps import CtxDep, LangQuery
from wenzeng.web.pages import router as pages_router
from wenzeng.web.security import session_secret
from wenzeng.web.views import overview_context

HERE = Path(__file__).parent


def create_app(settings: Settings, context: Context | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ctx = context or Context.open(settings)
        ctx.require_schema()
        app.state.ctx = ctx
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
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret(settings),
        session_cookie="wenzeng_session",
        same_site="lax",
        max_age=8 * 3600,
    )
    app.include_router(api_router)
    app.include_router(pages_router)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.exception_handler(WenzengError)
    async def _wenzeng_error(_request: Request, exc: WenzengError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _request_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e["loc"]), "code": e["type"], "msg": e["msg"]} for e in exc.errors()]
        return JSONResponse(
            {
                "ok": False,
                "status": 422,
                "message": "请求参数有误 / invalid request",
                "errors": errors,
            },
            status_code=422,
        )

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def overview(
        request: Request, ctx: CtxDep, lang: LangQuery = None, plan: str | None = None
    ) -> Response:
        data = overview_context(ctx, plan)
        return templates.TemplateResponse(
            request, "overview.html", {"d": data, "lang": lang or settings.lang}
        )

    @app.get("/index.json", summary="Overview: the plan's headline targets with latest figures")
    def overview_json(ctx: CtxDep, plan: str | None = None) -> dict[str, Any]:
        return {"ok": True, **overview_context(ctx, plan)}

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, Any]:
        return {"ok": True, "version": __version__}

    return app
