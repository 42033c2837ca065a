"""A report as PDF: WeasyPrint lays out the print HTML of the document.

The output is reproducible: the metadata come from ``<meta>`` tags of the HTML (title,
author = issuer, language, created/modified = the data date) and the file identifier is
a hash of the HTML, so the same document gives the same bytes.
"""

from __future__ import annotations

import hashlib

from weasyprint import HTML, URLFetcher

from wenzeng.reports.document import Document
from wenzeng.reports.render_html import render_html
from wenzeng.reports.style import ReportStyle


def _identifier(html: str) -> bytes:
    """The PDF file identifier (32 hex digits), fixed for a given HTML."""
    return hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")


def _offline_fetcher() -> URLFetcher:
    """A fetcher of data: URLs only (the charts): the report needs nothing from outside."""
    return URLFetcher(allowed_protocols=("data",))


def render_pdf(doc: Document, style: ReportStyle | None = None) -> bytes:
    """The document as an A4 PDF; the same document gives byte-identical files."""
    html = render_html(doc, style, for_print=True)
    page = HTML(string=html, url_fetcher=_offline_fetcher())
    return bytes(page.write_pdf(pdf_identifier=_identifier(html)))
