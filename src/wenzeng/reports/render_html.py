"""A report as one self-contained HTML file: inline CSS, charts as inline SVG.

The same HTML, with ``for_print=True``, is the input of the PDF renderer (CSS paged
media for WeasyPrint; the charts are then <img> elements with SVG data URLs).  Every
figure links to its row in the sources table at the end.
"""

from __future__ import annotations

import base64
import re
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from wenzeng.reports.charts import chart_svg
from wenzeng.reports.document import (
    Chart,
    Document,
    Fig,
    Heading,
    Paragraph,
    Source,
    Table,
    label,
    plain,
    title_lines,
)
from wenzeng.reports.source_notes import signed_date, source_note
from wenzeng.reports.style import Font, ReportStyle, report_style

GENERATOR = "WenZeng"
# Put before a paragraph saying that data are missing (the same words as the Word documents).
_UNSAFE_CSS = re.compile(r"[<>{};\\]")


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("wenzeng.reports", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.tests["heading"] = lambda b: isinstance(b, Heading)
    env.tests["paragraph"] = lambda b: isinstance(b, Paragraph)
    env.tests["table"] = lambda b: isinstance(b, Table)
    env.tests["chart"] = lambda b: isinstance(b, Chart)
    env.tests["fig"] = lambda r: isinstance(r, Fig)
    env.tests["web_url"] = lambda u: isinstance(u, str) and u.startswith(("https://", "http://"))
    env.filters["pt"] = _pt
    return env


def _pt(value: float) -> str:
    """A length in points for CSS, without trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".") + "pt"


def _stack(font: Font, latin: Font | None = None) -> Markup:
    """A CSS font-family list; in English the Latin families go first."""
    families = ([f for f in latin.families if f != "serif"] if latin else []) + font.families
    stack = Font(families=families, size_pt=font.size_pt).css_stack()
    if _UNSAFE_CSS.search(stack):
        raise ValueError(f"unsafe character in the font families: {stack}")
    return Markup(stack)


def _font_stacks(style: ReportStyle, lang: str) -> dict[str, Markup]:
    """The CSS font stack of each role of the layout."""
    fonts = style.fonts
    latin = fonts.latin if lang == "en" else None
    serif_roles = {
        "title": fonts.title,
        "subtitle": fonts.subtitle,
        "heading2": fonts.heading2,
        "body": fonts.body,
        "table": fonts.table,
        "note": fonts.note,
        "page_number": fonts.page_number,
    }
    stacks = {role: _stack(font, latin) for role, font in serif_roles.items()}
    stacks["heading1"] = _stack(fonts.heading1)
    return stacks


def _page_number_content(lang: str) -> Markup:
    """The CSS ``content`` of the page number, from the label "— {n} —"."""
    before, _, after = label("page", lang).partition("{n}")
    return Markup(f'"{before}" counter(page) "{after}"')


def _fig_title(source: Source, lang: str) -> str:
    """The tooltip of a figure: where it comes from."""
    return source_note(source, lang).text


def _check_refs(doc: Document) -> None:
    """Every numbered figure must have its source row (a builder bug otherwise)."""
    refs = {s.ref for s in doc.sources}
    runs = [r for b in doc.blocks if isinstance(b, Paragraph) for r in b.runs]
    runs += [r for t in doc.tables for row in t.rows for cell in row for r in cell]
    dangling = sorted({r.ref for r in runs if isinstance(r, Fig) and r.ref is not None} - refs)
    if dangling:
        raise ValueError(f"figures refer to sources the document does not list: {dangling}")


def _svg_image(svg: str, caption: str) -> Markup:
    """An SVG as an <img> with a data URL (self-contained too)."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    alt = escape(caption)
    return Markup(f'<img class="chart" alt="{alt}" src="data:image/svg+xml;base64,{data}">')


def _charts(doc: Document, style: ReportStyle, for_print: bool) -> dict[str, Markup]:
    """The charts to put in the page: inline <svg> for the screen.

    For print they are <img> elements: WeasyPrint then reads each SVG as an image of
    its own instead of cascading the page CSS over thousands of SVG nodes (3× faster).
    """
    if for_print:
        return {c.code: _svg_image(chart_svg(c, style), c.caption) for c in doc.charts}
    return {c.code: Markup(chart_svg(c, style)) for c in doc.charts}


SHORT_CELL = 6  # characters: a column whose every cell is this short never wraps


def _short_columns(table: Table) -> list[bool]:
    """Per column: all its texts are short (类别, 级别, 同比), so it must not wrap one
    character per line when a long column next to it takes the width."""
    widths = [len(h) for h in table.header]
    for row in table.rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(plain(cell)))
    return [w <= SHORT_CELL for w in widths]


def render_html(doc: Document, style: ReportStyle | None = None, *, for_print: bool = False) -> str:
    """The document as one self-contained HTML file (for the screen, or for WeasyPrint)."""
    style = style or report_style()
    _check_refs(doc)
    lang = doc.lang
    template = _environment().get_template("report.html")
    return template.render(
        doc=doc,
        style=style,
        lang=lang,
        html_lang="en" if lang == "en" else "zh-CN",
        for_print=for_print,
        generator=GENERATOR,
        fonts=_font_stacks(style, lang),
        page_number=_page_number_content(lang),
        charts=_charts(doc, style, for_print),
        sources={s.ref: s for s in doc.sources},
        fig_titles={s.ref: _fig_title(s, lang) for s in doc.sources},
        source_notes=[source_note(s, lang) for s in doc.sources],
        copy_before=" (copy read: " if lang == "en" else "（阅读副本：",
        copy_after=")" if lang == "en" else "）",
        stop="." if lang == "en" else "。",
        signed_date=signed_date(doc),
        title_lines=title_lines(doc.title),
        missing_mark=label("missing", "en" if lang == "en" else "zh"),
        sim_mark=("({})" if lang == "en" else "（{}）").format(label("simulated_mark", lang)),
        simulated=doc.simulated or any(s.simulated for s in doc.sources),
        label=lambda key: label(key, lang),
        short_columns=_short_columns,
    )
