"""The page templates and what every page gets: language, user, CSRF token."""

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from wenzeng.auth.principal import ANONYMOUS, Principal
from wenzeng.domain import labels
from wenzeng.domain.checking import format_number
from wenzeng.domain.links import safe_href
from wenzeng.web.security import csrf_token

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.filters["num"] = format_number
templates.env.globals["labels"] = labels  # the words for codes, the same as in the twins


# every href built from data goes through it: web addresses and this site's paths only
templates.env.filters["safe_href"] = safe_href


def moment(iso: str | None) -> str:
    """An ISO time of the store (UTC) as a person reads it: 2026-12-03 11:14:16 UTC."""
    if not iso:
        return "—"
    return iso.replace("T", " ").removesuffix("+00:00") + " UTC"


templates.env.filters["moment"] = moment


def page_lang(request: Request) -> str:
    """?lang= chooses the language and is remembered in the session; Chinese by default."""
    asked = request.query_params.get("lang")
    if asked in ("zh", "en"):
        request.session["lang"] = asked
        return asked
    remembered = request.session.get("lang")
    if remembered in ("zh", "en"):
        return str(remembered)
    default: str = request.app.state.ctx.settings.lang
    return default


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    p: Principal = getattr(request.state, "principal", None) or ANONYMOUS
    lang = page_lang(request)
    base = {
        "lang": lang,
        "en": lang == "en",
        "user": p,
        "csrf": csrf_token(request),
        "path": request.url.path,
    }
    return templates.TemplateResponse(request, name, {**base, **context}, status_code=status_code)
