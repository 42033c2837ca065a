"""The page templates and what every page gets: language, user, CSRF token."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup, escape

from wenzeng.auth.principal import ANONYMOUS, Principal
from wenzeng.domain import labels
from wenzeng.domain.checking import format_number
from wenzeng.domain.citing import cited, copy_site
from wenzeng.domain.links import safe_href
from wenzeng.domain.periods import PeriodError, parse_period
from wenzeng.domain.units import unit_en
from wenzeng.present.dates import as_date, date_text, moment_text
from wenzeng.present.numbers import figure
from wenzeng.present.observation_rows import span_labels
from wenzeng.present.wording import without_codes
from wenzeng.web.security import csrf_token

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.filters["num"] = format_number
templates.env.globals["labels"] = labels  # the words for codes, the same as in the twins


# every href built from data goes through it: web addresses and this site's paths only
templates.env.filters["safe_href"] = safe_href


@pass_context
def moment(context: Mapping[str, Any], iso: Any) -> str:
    """A time of the store (UTC) as a person reads it: 2026年12月3日 11:14 UTC, or in English
    3 Dec 2026 11:14 UTC."""
    return moment_text(iso, bool(context.get("en")))


@pass_context
def day(context: Mapping[str, Any], value: Any) -> str:
    """A date as the page's reader writes it: 2026年3月1日, or in English 1 Mar 2026."""
    return date_text(value, bool(context.get("en")))


@pass_context
def day_tag(context: Mapping[str, Any], value: Any) -> Markup:
    """A date for people with its ISO value for machines: <time datetime="2026-03-01">."""
    d = as_date(value)
    text = escape(date_text(value, bool(context.get("en"))))
    return Markup(f'<time datetime="{d.isoformat()}">{text}</time>') if d else Markup(text)


@pass_context
def figure_filter(
    context: Mapping[str, Any], value: Any, unit: str | None, qualifier: str | None = ""
) -> str:
    """A figure with its unit as the page's reader writes it: 16.19万亿元, 16.19 trillion yuan."""
    if value is None or isinstance(value, str):
        return "—" if value in (None, "") else str(value)
    return figure(float(value), unit, en=bool(context.get("en")), qualifier=qualifier)


@pass_context
def unit_name(context: Mapping[str, Any], code: str | None) -> str:
    """A unit as the page's reader names it: 亿元, or in English 100 million yuan."""
    return unit_en(code) if context.get("en") else code or ""


templates.env.filters["moment"] = moment
templates.env.filters["unit_name"] = unit_name
templates.env.filters["day"] = day
templates.env.filters["day_tag"] = day_tag
templates.env.filters["figure"] = figure_filter


@pass_context
def named(context: Mapping[str, Any], text: str | None) -> str:
    """A note with the indicator codes written in it replaced by the indicators' names."""
    if not text:
        return ""
    request = context.get("request")
    if request is None:
        return text
    cat = request.app.state.ctx.catalogue
    en = context.get("en", False)
    names = {c: (i.name.en if en else i.name.zh) for c, i in cat.indicators.items()}
    return without_codes(text, names)


templates.env.filters["named"] = named


@pass_context
def entity_name(context: Mapping[str, Any], code: str | None) -> str:
    """The name of a region, association or enterprise, for its code."""
    request = context.get("request")
    e = request.app.state.ctx.catalogue.find_entity(code) if request and code else None
    if e is None:
        return code or ""
    return str(e.name.en if context.get("en") else e.name.zh)


@pass_context
def period_label(context: Mapping[str, Any], code: str | None) -> str:
    """A period code (2025-10) as it is read (2025年10月)."""
    try:
        zh, en = span_labels(parse_period(code or ""))
    except PeriodError:
        return code or ""
    return en if context.get("en") else zh


def bilingual(message: str | None) -> Markup:
    """A message written 'Chinese / English' as two lines: Chinese, then English."""
    text = message or ""
    zh, sep, english = text.partition(" / ")
    if not sep:
        return Markup(escape(text))
    return Markup(f'{escape(zh)}<br><span lang="en">{escape(english)}</span>')


@pass_context
def citation(context: Mapping[str, Any], figure: Any) -> str:
    """What a figure (a row or a record) is cited by in the page's language: its publisher
    and release (工业和信息化部运行监测协调局《…》), else the title of the copy read."""

    def field(name: str) -> Any:
        if isinstance(figure, Mapping):
            return figure.get(name)
        return getattr(figure, name, None)

    lang = "en" if context.get("en") else "zh"
    return cited(field("publisher"), field("release"), field("source_title") or "", lang)


templates.env.filters["cited"] = citation
templates.env.filters["copy_site"] = copy_site
templates.env.filters["bilingual"] = bilingual
templates.env.filters["entity_name"] = entity_name
templates.env.filters["period_label"] = period_label


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
