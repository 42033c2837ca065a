"""Checks of rendered PDFs shared by the report tests: text per page, and characters that
would print as boxes (tofu)."""

from __future__ import annotations

import ctypes
import io
import re
import subprocess
from functools import cache

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from fontTools.ttLib import TTFont
from matplotlib import font_manager

from wenzeng.reports.charts import chart_families
from wenzeng.reports.document import Document
from wenzeng.reports.render_pdf import render_pdf
from wenzeng.reports.style import ReportStyle, report_style


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_texts(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    return [page.get_textpage().get_text_range() for page in document]


@cache
def _installed_cmap(postscript_name: str) -> frozenset[int]:
    """The characters of the installed font that fontconfig knows by this PostScript name."""
    found = subprocess.run(
        ["fc-list", f":postscriptname={postscript_name}", "--format", "%{file}|%{index}\n"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert found, f"font {postscript_name} embedded in the PDF is not installed"
    path, index = found[0].split("|")
    return frozenset(TTFont(path, fontNumber=int(index), lazy=True).getBestCmap())


def _embedded_name(text_object: object) -> str:
    """The PostScript name of the font program a PDF text object is drawn with."""
    font = pdfium_c.FPDFTextObj_GetFont(text_object)
    size = ctypes.c_size_t()
    pdfium_c.FPDFFont_GetFontData(font, None, 0, ctypes.byref(size))
    buf = (ctypes.c_uint8 * size.value)()
    pdfium_c.FPDFFont_GetFontData(font, buf, size.value, ctypes.byref(size))
    name = TTFont(io.BytesIO(bytes(buf)))["name"].getDebugName(6)
    assert name, "an embedded font without a PostScript name"
    return str(name)


def _pdf_glyphs(pdf: bytes) -> tuple[set[str], set[str]]:
    """The characters of the PDF text layer drawn with a font that has them, and those not."""
    good: set[str] = set()
    bad: set[str] = set()
    for page in pdfium.PdfDocument(pdf):
        textpage = page.get_textpage()
        # text objects are known by address, and addresses are reused once a page is freed:
        # the names are kept for one page only
        names: dict[int, str] = {}
        for i in range(textpage.count_chars()):
            ch = chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i))
            obj = pdfium_c.FPDFText_GetTextObject(textpage.raw, i)
            if ch.isspace() or not ch.isprintable() or not obj:  # \x02: a hyphen at a line end
                continue
            key = ctypes.cast(obj, ctypes.c_void_p).value or 0
            if key not in names:
                names[key] = _embedded_name(obj)
            name = names[key]
            (good if ord(ch) in _installed_cmap(name) else bad).add(ch)
    return good, bad - good


def _chart_glyphs(doc: Document, style: ReportStyle) -> set[str]:
    """The characters of the chart texts that one of the chart fonts has."""
    charmaps = [
        font_manager.get_font(font_manager.findfont(f, fallback_to_default=False)).get_charmap()
        for f in chart_families(style)
    ]
    texts = [t for c in doc.charts for t in (*c.categories, c.y_label, *(s.name for s in c.series))]
    return {ch for ch in "".join(texts) if any(ord(ch) in m for m in charmaps)}


def tofu(doc: Document, pdf: bytes | None = None) -> set[str]:
    """The characters of the document that would print as boxes (or not at all)."""
    style = report_style()
    good, bad = _pdf_glyphs(pdf if pdf is not None else render_pdf(doc, style))
    wanted = {ch for ch in doc.text() if not ch.isspace()}
    return bad | (wanted - good - _chart_glyphs(doc, style))
