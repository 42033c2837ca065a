"""The report renderers: charts (SVG/PNG), the self-contained HTML and the PDF.

The PDF pages are also written as PNG images to test-output/reports/ for a person to look at.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pdf_checks import page_texts as _page_texts
from pdf_checks import squash as _squash
from pdf_checks import tofu as _tofu
from report_samples import sample_document
from wenzeng.reports import charts
from wenzeng.reports.charts import (
    MissingFontError,
    MissingGlyphError,
    chart_families,
    chart_png,
    chart_svg,
)
from wenzeng.reports.document import Document, Fig, Paragraph, Text
from wenzeng.reports.render_html import render_html
from wenzeng.reports.render_pdf import render_pdf
from wenzeng.reports.style import Font, ReportStyle, report_style

OUT = Path(__file__).parents[1] / "test-output" / "reports"
LANGS = ["zh", "en"]
FIGURES = ["7.5%", "7.1%", "11.49", "4503"]
A4_PT = (595.28, 841.89)
PUA = "\ue000"  # a Private Use Area character: no installed font has a glyph for it


# --- charts ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_chart_svg_is_inline_deterministic_and_labelled(lang: str) -> None:
    style = report_style()
    for chart in sample_document(lang).charts:
        svg = chart_svg(chart, style)
        assert svg.startswith("<svg ")
        assert "<?xml" not in svg and "<!DOCTYPE" not in svg
        assert 'role="img"' in svg
        assert f'aria-label="{chart.caption}"' in svg
        assert "<text" not in svg  # text drawn as paths
        charts._svg.cache_clear()  # draw it again, not from the cache
        assert svg == chart_svg(chart, style)


@pytest.mark.parametrize("lang", LANGS)
def test_chart_png_is_deterministic(lang: str) -> None:
    style = report_style()
    for chart in sample_document(lang).charts:
        png = chart_png(chart, style)
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        assert png == chart_png(chart, style)
        assert b"Software" not in png


def test_chart_png_dpi_sets_the_pixel_size() -> None:
    chart = sample_document("zh").charts[0]
    low, high = chart_png(chart, report_style(), dpi=100), chart_png(chart, report_style())
    width = int.from_bytes(low[16:20], "big")
    assert int.from_bytes(high[16:20], "big") == pytest.approx(2 * width, abs=2)
    assert width == pytest.approx(156 / 25.4 * 100, abs=2)  # an A4 text column


def test_chart_with_a_character_no_font_has_raises() -> None:
    chart = sample_document("zh").charts[1]
    broken = replace(chart, categories=(f"东部{PUA}",) + chart.categories[1:])
    with pytest.raises(MissingGlyphError) as err:
        chart_svg(broken, report_style())
    assert "U+E000" in str(err.value)
    with pytest.raises(MissingGlyphError):
        chart_png(broken, report_style())


def _with_chart_fonts(style: ReportStyle, families: list[str]) -> ReportStyle:
    chart_font = Font(families=families, size_pt=style.fonts.chart.size_pt)
    fonts = style.fonts.model_copy(update={"chart": chart_font})
    return style.model_copy(update={"fonts": fonts})


def test_chart_without_a_cjk_font_raises_a_bilingual_error() -> None:
    style = _with_chart_fonts(report_style(), ["No Such Font 无此字体", "DejaVu Sans"])
    with pytest.raises(MissingFontError) as err:
        chart_svg(sample_document("zh").charts[0], style)
    assert "fonts-noto-cjk" in err.value.zh and "no CJK font" in err.value.en


def test_chart_fonts_skip_families_that_are_not_installed() -> None:
    families = chart_families(report_style())
    assert families and "Microsoft YaHei" not in families
    assert all(f in report_style().fonts.chart.families for f in families)


def test_barh_chart_grows_with_its_categories() -> None:
    chart = sample_document("zh").charts[1]
    assert chart.kind == "barh"
    many = replace(
        chart,
        categories=tuple(f"地区{i}" for i in range(20)),
        series=(replace(chart.series[0], values=tuple(float(i) for i in range(20))),),
    )
    height = re.compile(r'height="([\d.]+)pt"')
    few_h = float(height.search(chart_svg(chart, report_style())).group(1))  # type: ignore[union-attr]
    many_h = float(height.search(chart_svg(many, report_style())).group(1))  # type: ignore[union-attr]
    assert many_h > 2 * few_h


# --- HTML ------------------------------------------------------------------------------


class _Html(HTMLParser):
    """What the tests look at in a rendered report."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.svg_labels: list[str] = []
        self.refs: list[str] = []
        self.ids: set[str] = set()
        self.imports: list[tuple[str, str]] = []  # (tag, url) of link/script/img/...
        self.styles: list[str] = []
        self.lang = ""
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang", "")
        if tag == "svg":
            self.svg_labels.append(a.get("aria-label", ""))
        if "data-ref" in a:
            self.refs.append(a["data-ref"])
        if "id" in a:
            self.ids.add(a["id"])
        if tag in {"link", "script", "img", "iframe", "object", "embed", "source", "video"}:
            self.imports.extend((tag, a[k]) for k in ("src", "href", "data") if k in a)
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        (self.styles if self._in_style else self.text).append(data)


def _parse(html: str) -> _Html:
    parser = _Html()
    parser.feed(html)
    return parser


def _paragraphs(doc: Document) -> list[Paragraph]:
    return [b for b in doc.blocks if isinstance(b, Paragraph)]


@pytest.mark.parametrize("lang", LANGS)
def test_html_has_every_text_figure_and_chart(lang: str) -> None:
    doc = sample_document(lang)
    page = _parse(render_html(doc))
    text = _squash("".join(page.text))
    assert page.lang == ("zh-CN" if lang == "zh" else "en")
    assert _squash(doc.title) in text
    for p in _paragraphs(doc):
        assert _squash(p.text) in re.sub(r"\[\d+\]", "", text)
    for fig in FIGURES:
        assert fig in text
    assert len(page.svg_labels) == len(doc.charts)
    assert page.svg_labels == [c.caption for c in doc.charts]


@pytest.mark.parametrize("lang", LANGS)
def test_html_figures_link_to_their_sources(lang: str) -> None:
    doc = sample_document(lang)
    html = render_html(doc)
    page = _parse(html)
    assert page.refs, "the figures carry data-ref"
    for ref in page.refs:
        assert f"src-{ref}" in page.ids
        assert f'href="#src-{ref}"' in html
    assert {f"src-{s.ref}" for s in doc.sources} <= page.ids
    for table in doc.tables:
        assert f'data-code="{table.code}"' in html
    for chart in doc.charts:
        assert f'data-code="{chart.code}"' in html
    figure = re.compile(
        r'<span class="fig" data-ref="1" title="[^"]*2024年1-9月电子信息制造业运行情况[^"]*">'
        r'7\.5%</span><sup class="ref"><a href="#src-1">\[1\]</a></sup>'
    )
    assert figure.search(html), "a figure, where it comes from, and its link"
    assert '<a href="https://www.miit.gov.cn/example">' in html


@pytest.mark.parametrize("for_print", [False, True])
def test_html_is_self_contained(for_print: bool) -> None:
    doc = sample_document("zh")
    page = _parse(render_html(doc, for_print=for_print))
    # For print (WeasyPrint) the charts are <img> with SVG data URLs, on screen inline <svg>.
    expected = len(doc.charts) if for_print else 0
    assert [tag for tag, _ in page.imports] == ["img"] * expected
    assert all(url.startswith("data:image/svg+xml;base64,") for _, url in page.imports)
    css = "".join(page.styles)
    assert "@import" not in css
    assert not re.search(r"url\(\s*['\"]?(https?:|//)", css)
    assert "@font-face" not in css


def test_html_for_print_uses_paged_media_of_the_style() -> None:
    style = report_style()
    css = "".join(_parse(render_html(sample_document("zh"), for_print=True)).styles)
    m = style.page.margin_mm
    assert "size: A4" in css
    assert f"margin: {m.top:g}mm {m.right:g}mm {m.bottom:g}mm {m.left:g}mm" in css.replace(
        ".0mm", "mm"
    )
    assert 'content: "— " counter(page) " —"' in css
    assert "display: table-header-group" in css
    screen_css = "".join(_parse(render_html(sample_document("zh"))).styles)
    assert "counter(page)" not in screen_css.split("@media print")[0]


def test_html_escapes_document_text() -> None:
    doc = sample_document("en")
    doc = replace(doc, title="<script>alert(1)</script> & Co")
    html = render_html(doc)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html


def test_html_marks_simulated_sources() -> None:
    doc = sample_document("zh")
    sources = (replace(doc.sources[0], simulated=True),) + doc.sources[1:]
    html = render_html(replace(doc, sources=sources))
    assert "7.5%（模拟数据）" in html
    assert "标注“模拟”的数据为演示用模拟数据" in html
    assert "演示用模拟数据" not in render_html(doc)


def test_html_prints_derived_figures_without_a_source_link() -> None:
    doc = sample_document("zh")
    derived = Paragraph((Text("合计增长"), Fig("3.2个百分点"), Text("。")))
    html = render_html(replace(doc, blocks=(derived,), sources=(), simulated=True))
    assert '合计增长<span class="fig">3.2个百分点</span>。' in html
    assert 'id="src-' not in html  # no sources table without sources
    assert "演示用模拟数据" in html  # the document says it is simulated


def test_html_rejects_a_figure_without_its_source() -> None:
    doc = sample_document("zh")
    with pytest.raises(ValueError, match="sources"):
        render_html(replace(doc, sources=doc.sources[:1]))


# --- PDF -------------------------------------------------------------------------------


@cache
def _pdf(lang: str) -> bytes:
    return render_pdf(sample_document(lang))


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_has_the_text_on_a4_pages(lang: str) -> None:
    doc = sample_document(lang)
    pdf = _pdf(lang)
    texts = _page_texts(pdf)
    whole = _squash("".join(texts))
    assert _squash(doc.title) in whole
    for fig in FIGURES:
        assert fig in whole
    assert _squash("数据来源" if lang == "zh" else "Sources") in whole
    for chart in doc.charts:
        assert _squash(chart.caption) in whole
    for i, text in enumerate(texts, start=1):
        assert f"— {i} —" in text  # the page number at the foot of every page
    for page in pdfium.PdfDocument(pdf):
        width, height = page.get_size()
        assert width == pytest.approx(A4_PT[0], abs=1)
        assert height == pytest.approx(A4_PT[1], abs=1)


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_is_reproducible(lang: str) -> None:
    doc = sample_document(lang)
    pdf = _pdf(lang)
    assert render_pdf(doc) == pdf
    meta = pdfium.PdfDocument(pdf).get_metadata_dict()
    assert meta["Title"] == doc.title
    assert meta["Author"] == doc.issuer
    assert meta["CreationDate"].startswith("D:20241130")
    assert meta["ModDate"].startswith("D:20241130")
    assert re.search(rb"/ID \[", pdf)


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_pages_render_as_images(lang: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob(f"pdf-{lang}-page-*.png"):
        old.unlink()
    document = pdfium.PdfDocument(_pdf(lang))
    for n, page in enumerate(document, start=1):
        image = page.render(scale=100 / 72).to_pil()
        assert image.width == pytest.approx(210 / 25.4 * 100, abs=2)
        assert image.getextrema() != ((255, 255), (255, 255), (255, 255))  # not blank
        image.save(OUT / f"pdf-{lang}-page-{n}.png")
    assert len(list(OUT.glob(f"pdf-{lang}-page-*.png"))) == len(document)


# --- no boxes (tofu) -------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_every_character_has_a_glyph(lang: str) -> None:
    assert _tofu(sample_document(lang)) == set()


def test_the_glyph_check_finds_a_missing_glyph() -> None:
    doc = sample_document("zh")
    blocks = doc.blocks + (Paragraph((Text(f"无字形{PUA}字符"),)),)
    assert _tofu(replace(doc, blocks=blocks)) == {PUA}


@given(st.text(alphabet="规模以上电子信息制造业增加值abc ", min_size=1, max_size=200))
def test_legend_labels_wrap_within_the_figure(text: str) -> None:
    wrapped = charts._wrap(text, charts.LEGEND_WIDTH)
    lines = wrapped.split("\n")
    if " " not in text:  # Chinese wraps anywhere and loses nothing
        assert "".join(lines) == text
        assert all(charts._text_width(line) <= charts.LEGEND_WIDTH for line in lines)
    else:  # English wraps at spaces and keeps every word
        assert " ".join(lines).split() == text.split()
