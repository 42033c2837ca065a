"""The Word renderer: content, layout, fonts, reproducibility, and a LibreOffice round trip.

The LibreOffice test converts the DOCX to PDF and renders its pages to
test-output/reports/docx-<lang>-page-N.png for a person to look at.
"""

from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
from datetime import datetime
from functools import cache
from pathlib import Path

import docx
import pypdfium2 as pdfium
import pytest
from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from report_samples import sample_document
from wenzeng.reports.document import Document, Heading, Paragraph, label, title_lines
from wenzeng.reports.render_docx import render_docx
from wenzeng.reports.source_notes import signed_date
from wenzeng.reports.style import report_style

OUT = Path(__file__).parents[1] / "test-output" / "reports"
LANGS = ["zh", "en"]


@cache
def _rendered(lang: str) -> tuple[Document, bytes]:
    doc = sample_document(lang)
    return doc, render_docx(doc)


@pytest.fixture(params=LANGS)
def rendered(request: pytest.FixtureRequest) -> tuple[Document, bytes]:
    """The sample document and its DOCX (rendered once per language)."""
    return _rendered(request.param)


def _read(data: bytes) -> WordDocument:
    return docx.Document(io.BytesIO(data))


def _texts(word: WordDocument) -> list[str]:
    return [p.text for p in word.paragraphs]


def _paragraphs(doc: Document, style: str) -> list[str]:
    return [b.text for b in doc.blocks if isinstance(b, Paragraph) and b.style == style]


def _headings(doc: Document, level: int) -> list[str]:
    return [b.text for b in doc.blocks if isinstance(b, Heading) and b.level == level]


def test_texts_and_source_numbers(rendered: tuple[Document, bytes]) -> None:
    doc, data = rendered
    texts = _texts(_read(data))
    for expected in (
        doc.title,
        doc.subtitle,
        doc.issuer,
        doc.date_text,
        label("sources", doc.lang),
    ):
        assert expected in texts
    for expected in _headings(doc, 1) + _headings(doc, 2) + _paragraphs(doc, "note"):
        assert expected in texts
    (body,) = _paragraphs(doc, "body")
    printed = next(t for t in texts if "7.5%" in t)
    assert "7.5%[1]" in printed
    assert "7.1%[2]" in printed
    assert printed.replace("[1]", "").replace("[2]", "") == body
    (missing,) = _paragraphs(doc, "missing")
    assert ("【数据缺失】" if doc.lang == "zh" else "[Missing data] ") + missing in texts


def test_headings_use_heading_styles(rendered: tuple[Document, bytes]) -> None:
    doc, data = rendered
    styles = {p.text: p.style.name for p in _read(data).paragraphs if p.style is not None}
    assert all(styles[h] == "Heading 1" for h in _headings(doc, 1))
    assert all(styles[h] == "Heading 2" for h in _headings(doc, 2))
    assert styles[label("sources", doc.lang)] == "Heading 1"


def test_tables(rendered: tuple[Document, bytes]) -> None:
    doc, data = rendered
    word = _read(data)
    assert len(word.tables) == 1  # the data table; sources are numbered notes
    (table,) = word.tables
    cells = [c.text for row in table.rows for c in row.cells]
    assert "11.49[1]" in cells
    assert "4503[2]" in cells
    assert [c.text for c in table.rows[0].cells] == list(doc.tables[0].header)
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.cell(1, 1).paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert table.cell(1, 0).paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.tag.split("}")[1] for b in borders} >= {"top", "bottom", "insideH", "insideV"}


def test_sources_are_numbered_notes_one_line_each(rendered: tuple[Document, bytes]) -> None:
    doc, data = rendered
    texts = _texts(_read(data))
    notes = texts[texts.index(label("sources", doc.lang)) + 1 :]
    assert len(notes) == len(doc.sources) == 2
    if doc.lang == "zh":
        assert notes[0] == (
            "[1]\t规模以上电子信息制造业营业收入，全国，2024年1—9月：7.5%。"
            "2024年1-9月电子信息制造业运行情况，2024年10月30日（阅读副本：www.miit.gov.cn）。"
        )


def test_a_source_is_cited_by_its_publisher_and_release_with_the_copy_as_a_note() -> None:
    doc = sample_document("zh")
    cited = dataclasses.replace(
        doc.sources[0],
        publisher="工业和信息化部运行监测协调局",
        release="2024年前三季度电子信息制造业运行情况",
    )
    word = _read(render_docx(dataclasses.replace(doc, sources=(cited, *doc.sources[1:]))))
    assert (
        "[1]\t规模以上电子信息制造业营业收入，全国，2024年1—9月：7.5%。工业和信息化部运行监测协调局"
        "《2024年前三季度电子信息制造业运行情况》，2024年10月30日（阅读副本：www.miit.gov.cn）。"
    ) in _texts(word)


def test_simulated_sources_are_marked() -> None:
    doc = sample_document("zh")
    sources = tuple(dataclasses.replace(s, simulated=s.ref == 2) for s in doc.sources)
    word = _read(render_docx(dataclasses.replace(doc, sources=sources)))
    texts = _texts(word)
    assert [t for t in texts if t.startswith("[2]\t") and "7.1%（模拟数据）" in t]
    assert not [t for t in texts if t.startswith("[1]\t") and "模拟" in t]
    # the notice is under the title, before the first heading
    assert label("simulated", "zh") in texts[: texts.index(doc.blocks[0].text)]  # type: ignore[union-attr]
    assert label("simulated", "zh") not in _texts(_read(_rendered("zh")[1]))


def test_charts_are_pictures_with_alt_text(rendered: tuple[Document, bytes]) -> None:
    doc, data = rendered
    word = _read(data)
    shapes = list(word.inline_shapes)
    assert len(shapes) == len(doc.charts) == 2
    assert [s._inline.docPr.get("descr") for s in shapes] == [c.caption for c in doc.charts]
    width = (
        word.sections[0].page_width - word.sections[0].left_margin - word.sections[0].right_margin
    )
    assert all(abs(s.width - width) < 10_000 for s in shapes)  # EMU; 10 000 EMU < 0.3 mm
    captions = _texts(word)
    assert all(c.caption in captions for c in doc.charts)


def test_page_layout(rendered: tuple[Document, bytes]) -> None:
    _, data = rendered
    section = _read(data).sections[0]
    margins = report_style().page.margin_mm
    assert section.page_width is not None and section.page_height is not None
    assert section.page_width.mm == pytest.approx(210, abs=0.5)
    assert section.page_height.mm == pytest.approx(297, abs=0.5)
    for name in ("top", "bottom", "left", "right"):
        assert getattr(section, f"{name}_margin").mm == pytest.approx(
            getattr(margins, name), abs=0.5
        )


def test_fonts(rendered: tuple[Document, bytes]) -> None:
    _, data = rendered
    word = _read(data)
    fonts = report_style().fonts
    body = next(p for p in word.paragraphs if "7.5%" in p.text)
    for run in body.runs:
        rfonts = run._r.rPr.rFonts
        assert rfonts.get(qn("w:eastAsia")) == fonts.body.first
        assert rfonts.get(qn("w:ascii")) == rfonts.get(qn("w:hAnsi")) == fonts.latin.first
        assert run.font.size.pt == fonts.body.size_pt
    fmt = body.paragraph_format
    assert fmt.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert fmt.first_line_indent.pt == pytest.approx(2 * fonts.body.size_pt)
    assert fmt.line_spacing.pt == pytest.approx(report_style().body_line_pt, abs=0.05)
    defaults = word.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    rfonts = defaults.find(qn("w:rPr")).find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == fonts.body.first
    assert rfonts.get(qn("w:ascii")) == fonts.latin.first
    assert rfonts.get(qn("w:asciiTheme")) is None  # a theme font would win over w:ascii


def test_footer_has_page_field(rendered: tuple[Document, bytes]) -> None:
    doc, data = rendered
    footer = _read(data).sections[0].footer.paragraphs[0]
    xml = footer._p.xml
    assert "<w:instrText" in xml and " PAGE " in xml
    assert [f.get(qn("w:fldCharType")) for f in footer._p.iter(qn("w:fldChar"))] == [
        "begin",
        "separate",
        "end",
    ]
    before, after = label("page", doc.lang).split("{n}")
    assert footer.text == f"{before}1{after}"
    # GB/T 9704: odd pages at the right, even pages at the left
    word = _read(data)
    assert word.settings.odd_and_even_pages_header_footer
    assert footer.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    even = word.sections[0].even_page_footer.paragraphs[0]
    assert even.alignment == WD_ALIGN_PARAGRAPH.LEFT and " PAGE " in even._p.xml


def test_core_properties(rendered: tuple[Document, bytes]) -> None:
    doc, data = rendered
    props = _read(data).core_properties
    assert props.title == doc.title
    assert props.author == doc.issuer
    assert props.language == ("zh-CN" if doc.lang == "zh" else "en-US")
    assert props.revision == 1
    midnight = datetime(2024, 11, 30)
    for stamp in (props.created, props.modified, props.last_printed):
        assert stamp is not None and stamp.replace(tzinfo=None) == midnight


def test_reproducible(rendered: tuple[Document, bytes]) -> None:
    doc, data = rendered
    assert render_docx(doc) == data


def test_libreoffice_renders_it(rendered: tuple[Document, bytes], tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: cannot check the DOCX renders")
    doc, data = rendered
    source = tmp_path / f"docx-{doc.lang}.docx"
    source.write_bytes(data)
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
        + ["--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = pdfium.PdfDocument(tmp_path / f"docx-{doc.lang}.pdf")
    text = "".join(page.get_textpage().get_text_range() for page in pdf)
    # LibreOffice puts a little space between Chinese and Latin text in the PDF text
    squeezed = text.replace(" ", "").replace("\r", "").replace("\n", "")
    assert doc.title.replace(" ", "") in squeezed
    assert "7.5%" in text
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob(f"docx-{doc.lang}-page-*.png"):
        old.unlink()
    for i, page in enumerate(pdf, start=1):
        page.render(scale=100 / 72).to_pil().save(OUT / f"docx-{doc.lang}-page-{i}.png")
    assert len(pdf) >= 2


def test_the_text_ends_with_the_issuer_and_the_date_it_was_made(
    rendered: tuple[Document, bytes],
) -> None:
    doc, data = rendered
    word = _read(data)
    paragraphs = word.paragraphs
    texts = [p.text for p in paragraphs]
    at = texts.index(label("sources", doc.lang))
    assert texts[at - 2 : at] == [doc.issuer, signed_date(doc)]
    assert {paragraphs[at - 2].alignment, paragraphs[at - 1].alignment} == {
        WD_ALIGN_PARAGRAPH.RIGHT
    }


def test_a_long_title_is_broken_at_a_word_into_balanced_lines() -> None:
    assert title_lines("2024年第三季度电子信息制造业运行座谈会材料") == [
        "2024年第三季度",
        "电子信息制造业运行座谈会材料",
    ]
    assert title_lines("2024年第三季度电子信息制造业运行情况") == [
        "2024年第三季度电子信息制造业运行情况"
    ]
    doc = dataclasses.replace(
        sample_document("zh"), title="2024年第三季度电子信息制造业运行座谈会材料"
    )
    first = _read(render_docx(doc)).paragraphs[0]
    assert first.text == "2024年第三季度\n电子信息制造业运行座谈会材料"
