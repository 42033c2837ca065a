"""A report :class:`Document` as a Word (DOCX) file, laid out like an official document.

The layout (GB/T 9704 customary: A4, fixed line spacing, 仿宋 body, 黑体/楷体 headings,
"— 1 —" page numbers) comes from the report style (catalog/reports/style.yaml).  Every run
names both its Latin font (w:ascii/w:hAnsi) and its East Asian font (w:eastAsia), so Word
and LibreOffice use the CJK font for Chinese text.

The output is reproducible: the same document gives the same bytes (fixed core
properties, and the package is rewritten with fixed zip entry times).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime, time

import docx
from docx.document import Document as WordDocument
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.shared import Length, Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph as WordParagraph
from docx.text.run import Run as WordRun
from lxml import etree

from wenzeng.reports.charts import chart_png
from wenzeng.reports.document import (
    Block,
    Chart,
    Document,
    Fig,
    Heading,
    Paragraph,
    Run,
    Table,
    Text,
    label,
    title_lines,
)
from wenzeng.reports.source_notes import copy_text, signed_date, source_note
from wenzeng.reports.style import Font, ReportStyle, report_style

A4_MM = (210.0, 297.0)
MM_PER_PT = 25.4 / 72
# The page number sits about 7 mm under the text area (GB/T 9704, 7.5).
PAGE_NUMBER_GAP_MM = 7.0
KEEP_TOGETHER_ROWS = 12  # a table of at most so many rows is kept on one page, with its caption
# The label in front of a paragraph that says data are missing.
MISSING_SHADE = "F2F2F2"
# Widths of the sources table columns (mm on the 156 mm text width; scaled to others).
CELL_MARGIN_MM = 1.5
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
FONT_TABLE = "word/fontTable.xml"
# Generic CSS families of the style, as font families of a Word font table.
GENERIC_FAMILIES = {"serif": "roman", "sans-serif": "swiss", "monospace": "modern"}

Align = WD_ALIGN_PARAGRAPH


def render_docx(doc: Document, style: ReportStyle | None = None) -> bytes:
    """The document as DOCX bytes (byte-identical for the same document and style)."""
    st = style or report_style()
    word = docx.Document()
    _set_defaults(word, st)
    _set_page(word.sections[0], st)
    word.settings.odd_and_even_pages_header_footer = True
    _add_page_number(word.sections[0], st, doc.lang)
    _add_front(word, doc, st)
    for block in doc.blocks:
        _add_block(word, block, st, doc.lang)
    _add_signature(word, doc, st)
    _add_sources(word, doc, st)
    _set_core_properties(word, doc)
    _drop_thumbnail(word)
    raw = io.BytesIO()
    word.save(raw)
    return _reproducible(raw.getvalue(), {FONT_TABLE: lambda xml: _font_table(xml, st)})


# --- fonts and paragraph layout --------------------------------------------------------


def _set_fonts(rpr: BaseOxmlElement, latin: str, east_asian: str) -> None:
    """Name the Latin and East Asian fonts in a w:rPr, dropping theme fonts."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asian)


def _run(
    p: WordParagraph, text: str, font: Font, st: ReportStyle, bold: bool | None = None
) -> WordRun:
    """Append a run of text in a font role of the style."""
    run = p.add_run(text)
    run.font.size = Pt(font.size_pt)
    run.font.bold = font.bold if bold is None else bold
    _set_fonts(run._r.get_or_add_rPr(), st.fonts.latin.first, font.first)
    return run


def _runs(p: WordParagraph, runs: tuple[Run, ...], font: Font, st: ReportStyle) -> None:
    """Append text and figures; a figure with a source gets a superscript "[n]"."""
    for r in runs:
        _run(p, r.text, font, st)
        if isinstance(r, Fig) and r.ref is not None:
            _run(p, f"[{r.ref}]", font, st).font.superscript = True


def _layout(
    p: WordParagraph,
    align: WD_ALIGN_PARAGRAPH,
    line_pt: float | None,
    *,
    indent_pt: float = 0,
    before_pt: float = 0,
    after_pt: float = 0,
    keep_next: bool = False,
) -> None:
    """Alignment, fixed line spacing (None: single), first-line indent and spacing."""
    fmt = p.paragraph_format
    fmt.alignment = align
    if line_pt is None:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(line_pt)
    fmt.first_line_indent = Pt(indent_pt) if indent_pt else None
    fmt.space_before = Pt(before_pt)
    fmt.space_after = Pt(after_pt)
    fmt.keep_with_next = keep_next or None
    fmt.widow_control = True


def _line(font: Font) -> float:
    """Fixed line spacing for small print: one and a half times the font size."""
    return font.size_pt * 1.5


# --- document defaults and page ---------------------------------------------------------


def _set_defaults(word: WordDocument, st: ReportStyle) -> None:
    """Body font and size as document defaults; headings restyled in black."""
    styles = word.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, st.fonts.latin.first, st.fonts.body.first)
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.attrib.clear()
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    spacing.set(qn("w:lineRule"), "auto")
    _restyle(word.styles["Normal"], st.fonts.body, st)
    _restyle(word.styles["Heading 1"], st.fonts.heading1, st)
    _restyle(word.styles["Heading 2"], st.fonts.heading2, st)
    _east_asian_theme_language(word)


def _restyle(style: ParagraphStyle, font: Font, st: ReportStyle) -> None:
    style.font.size = Pt(font.size_pt)
    style.font.bold = font.bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    _set_fonts(style.element.get_or_add_rPr(), st.fonts.latin.first, font.first)


def _east_asian_theme_language(word: WordDocument) -> None:
    """The template says Japanese; the East Asian language of these reports is Chinese."""
    theme_lang = word.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")


def _set_page(section: Section, st: ReportStyle) -> None:
    margins = st.page.margin_mm
    section.page_width, section.page_height = Mm(A4_MM[0]), Mm(A4_MM[1])
    section.top_margin, section.bottom_margin = Mm(margins.top), Mm(margins.bottom)
    section.left_margin, section.right_margin = Mm(margins.left), Mm(margins.right)
    # The footer (space + one line) fills the bottom margin exactly: Word anchors it at
    # the footer distance, LibreOffice right under the text area, and both agree.
    footer_pt = _footer_space_pt(st) + _line(st.fonts.page_number)
    section.footer_distance = Mm(max(margins.bottom - footer_pt * MM_PER_PT, 5))
    section.header_distance = Mm(15)


def _footer_space_pt(st: ReportStyle) -> float:
    """Space above the page number, so its glyphs start 7 mm under the text area."""
    leading = _line(st.fonts.page_number) - st.fonts.page_number.size_pt
    return PAGE_NUMBER_GAP_MM / MM_PER_PT - leading


def _text_width(st: ReportStyle) -> Length:
    margins = st.page.margin_mm
    return Mm(A4_MM[0] - margins.left - margins.right)


def _add_page_number(section: Section, st: ReportStyle, lang: str) -> None:
    """A "— n —" footer with a PAGE field: on odd pages at the right, on even pages at the
    left, one character in from the margin (GB/T 9704)."""
    font = st.fonts.page_number
    for footer, align in ((section.footer, Align.RIGHT), (section.even_page_footer, Align.LEFT)):
        p = footer.paragraphs[0]
        _layout(p, align, _line(font), before_pt=_footer_space_pt(st))
        if align is Align.RIGHT:
            p.paragraph_format.right_indent = Pt(font.size_pt)
        else:
            p.paragraph_format.left_indent = Pt(font.size_pt)
        before, after = label("page", lang).split("{n}")
        _run(p, before, font, st)
        _field(p, " PAGE ", "1", font, st)
        _run(p, after, font, st)


def _field(p: WordParagraph, instruction: str, shown: str, font: Font, st: ReportStyle) -> None:
    """A complex field: begin, instruction, separate, the shown result, end."""
    _run(p, "", font, st)._r.append(_fld_char("begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = instruction
    _run(p, "", font, st)._r.append(instr)
    _run(p, "", font, st)._r.append(_fld_char("separate"))
    _run(p, shown, font, st)
    _run(p, "", font, st)._r.append(_fld_char("end"))


def _fld_char(kind: str) -> BaseOxmlElement:
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    return element


# --- blocks ---------------------------------------------------------------------------


def _add_front(word: WordDocument, doc: Document, st: ReportStyle) -> None:
    """Title, then the period, issuer and date lines, all centred."""
    title = word.add_paragraph()
    _layout(title, Align.CENTER, st.fonts.title.size_pt * 1.5, after_pt=st.body_line_pt / 2)
    for i, line in enumerate(title_lines(doc.title)):
        if i:
            title.runs[-1].add_break()
        _run(title, line, st.fonts.title, st)
    lines = [doc.subtitle, doc.issuer, doc.date_text, *doc.cover_notes]
    simulated = doc.simulated or any(s.simulated for s in doc.sources)
    for i, text in enumerate(lines):
        p = word.add_paragraph()
        last = i == len(lines) - 1 and not simulated
        _layout(p, Align.CENTER, st.body_line_pt, after_pt=st.body_line_pt if last else 0)
        _run(p, text, st.fonts.subtitle, st)
    if simulated:  # under the title, where a reader cannot miss it
        p = word.add_paragraph()
        font = st.fonts.note
        _layout(p, Align.CENTER, _line(font), after_pt=st.body_line_pt)
        _run(p, label("simulated", doc.lang), font, st, bold=True)


def _add_block(word: WordDocument, block: Block, st: ReportStyle, lang: str) -> None:
    if isinstance(block, Heading):
        _add_heading(word, block.text, block.level, st, lang)
    elif isinstance(block, Paragraph):
        _add_paragraph(word, block, st, lang)
    elif isinstance(block, Table):
        _add_table(word, block, st)
    else:
        _add_chart(word, block, st)


def _add_heading(word: WordDocument, text: str, level: int, st: ReportStyle, lang: str) -> None:
    """A heading; Chinese headings are indented like the body (GB/T 9704)."""
    font = st.fonts.heading1 if level == 1 else st.fonts.heading2
    p = word.add_paragraph(style=f"Heading {level}")
    indent = 0 if lang == "en" else st.first_line_indent_chars * st.fonts.body.size_pt
    _layout(p, Align.JUSTIFY, st.body_line_pt, indent_pt=indent, keep_next=True)
    # 黑体 is a heavy face; English headings are in the Latin font, so they are set bold
    _run(p, text, font, st, bold=font.bold or (level == 1 and lang == "en"))


def _add_paragraph(word: WordDocument, para: Paragraph, st: ReportStyle, lang: str) -> None:
    p = word.add_paragraph()
    if para.style == "body":
        indent = st.first_line_indent_chars * st.fonts.body.size_pt
        _layout(p, Align.JUSTIFY, st.body_line_pt, indent_pt=indent)
        _runs(p, para.runs, st.fonts.body, st)
        return
    font = st.fonts.note
    _layout(p, Align.JUSTIFY, _line(font), before_pt=font.size_pt / 2, after_pt=font.size_pt / 2)
    if para.style == "missing":
        _mark_missing(p)
        _run(p, label("missing", "en" if lang == "en" else "zh"), font, st, bold=True)
    _runs(p, para.runs, font, st)


def _mark_missing(p: WordParagraph) -> None:
    """A light grey box around a paragraph that says data are missing."""
    # indented by the border's padding, so the box stays within the text area
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = Pt(5)
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        borders.append(_border(side, space="4"))
    shade = OxmlElement("w:shd")
    shade.set(qn("w:val"), "clear")
    shade.set(qn("w:color"), "auto")
    shade.set(qn("w:fill"), MISSING_SHADE)
    ppr.insert_element_before(
        borders, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc"
    )
    ppr.insert_element_before(
        shade, "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc"
    )


def _border(side: str, space: str = "0") -> BaseOxmlElement:
    element = OxmlElement(f"w:{side}")
    element.set(qn("w:val"), "single")
    element.set(qn("w:sz"), "4")
    element.set(qn("w:space"), space)
    element.set(qn("w:color"), "000000")
    return element


def _caption(word: WordDocument, text: str, st: ReportStyle, keep_next: bool) -> None:
    """A centred bold caption (above a table, below a chart)."""
    font = st.fonts.table
    p = word.add_paragraph()
    before = 0 if keep_next else font.size_pt / 2
    after = font.size_pt / 2 if keep_next else 0
    _layout(
        p, Align.CENTER, _line(font) * 1.2, before_pt=before, after_pt=after, keep_next=keep_next
    )
    _run(p, text, font, st, bold=True)


def _add_note(word: WordDocument, text: str, st: ReportStyle) -> None:
    font = st.fonts.note
    p = word.add_paragraph()
    _layout(p, Align.JUSTIFY, _line(font), before_pt=font.size_pt / 4)
    _run(p, text, font, st)


def _add_chart(word: WordDocument, chart: Chart, st: ReportStyle) -> None:
    """The chart picture at the text width, its caption below, then its note."""
    p = word.add_paragraph()
    _layout(p, Align.CENTER, None, before_pt=st.fonts.table.size_pt, keep_next=True)
    shape = p.add_run().add_picture(io.BytesIO(chart_png(chart, st)), width=_text_width(st))
    shape._inline.docPr.set("descr", chart.caption)
    shape._inline.docPr.set("title", chart.caption)
    _caption(word, chart.caption, st, keep_next=False)
    if chart.note:
        _add_note(word, chart.note, st)
    _space(word, st)


def _space(word: WordDocument, st: ReportStyle) -> None:
    """Half a body line of space after a table or chart."""
    _layout(word.add_paragraph(), Align.LEFT, st.body_line_pt / 2)


# --- tables ---------------------------------------------------------------------------


def _add_table(word: WordDocument, table: Table, st: ReportStyle) -> None:
    _caption(word, table.caption, st, keep_next=True)
    parts = [1.0 if numeric else 2.0 for numeric in table.numeric]
    grid = _grid(word, len(table.rows) + 1, parts, st)
    _header_row(grid, table.header, st)
    keep = len(table.rows) <= KEEP_TOGETHER_ROWS
    for i, row in enumerate(table.rows, start=1):
        for j, cell in enumerate(row):
            align = Align.RIGHT if table.numeric[j] else Align.LEFT
            p = _cell(grid, i, j, cell, align, st)
            if keep and i < len(table.rows):  # a short table is not split across pages
                p.paragraph_format.keep_with_next = True
    if keep:
        for p in (c.paragraphs[0] for c in grid.rows[0].cells):
            p.paragraph_format.keep_with_next = True
    if table.note:
        _add_note(word, table.note, st)
    _space(word, st)


def _grid(word: WordDocument, rows: int, parts: list[float], st: ReportStyle) -> WordTable:
    """An empty table at the text width: fixed column widths in proportion to ``parts``,
    thin borders, and rows that are not split across pages."""
    grid: WordTable = word.add_table(rows=rows, cols=len(parts))
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    for row in grid.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    total = _text_width(st)
    widths = [Length(int(total * part / sum(parts))) for part in parts]
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    tbl_pr = grid._tbl.tblPr
    _table_width(tbl_pr, Length(sum(widths)))
    _table_borders(tbl_pr)
    _cell_margins(tbl_pr, Mm(CELL_MARGIN_MM))
    return grid


def _table_width(tbl_pr: BaseOxmlElement, width: Length) -> None:
    tbl_w = tbl_pr.find(qn("w:tblW"))
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(width.twips))


def _table_borders(tbl_pr: BaseOxmlElement) -> None:
    """Thin single lines around and between all cells (no named table style needed)."""
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_border(side))
    tbl_pr.insert_element_before(
        borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption"
    )


def _cell_margins(tbl_pr: BaseOxmlElement, margin: Length) -> None:
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(margin.twips))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    tbl_pr.insert_element_before(margins, "w:tblLook", "w:tblCaption")


def _header_row(grid: WordTable, header: tuple[str, ...], st: ReportStyle) -> None:
    """Bold centred column names, repeated at the top of every page."""
    row = grid.rows[0]
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for j, name in enumerate(header):
        _cell(grid, 0, j, (Text(name),), Align.CENTER, st, bold=True)


def _cell(
    grid: WordTable,
    i: int,
    j: int,
    runs: tuple[Run, ...],
    align: WD_ALIGN_PARAGRAPH,
    st: ReportStyle,
    bold: bool = False,
) -> WordParagraph:
    p: WordParagraph = grid.rows[i].cells[j].paragraphs[0]  # grid.cell() re-reads the whole table
    _layout(p, align, _line(st.fonts.table), before_pt=1.5, after_pt=1.5)
    if bold:
        for r in runs:
            _run(p, r.text, st.fonts.table, st, bold=True)
    else:
        _runs(p, runs, st.fonts.table, st)
    return p


def _add_signature(word: WordDocument, doc: Document, st: ReportStyle) -> None:
    """落款: the issuing office, and under it the date the document was made, at the right,
    the date two characters in (GB/T 9704)."""
    font = st.fonts.body
    office = word.add_paragraph()
    _layout(office, Align.RIGHT, st.body_line_pt, before_pt=2 * st.body_line_pt, keep_next=True)
    _run(office, doc.issuer, font, st)
    date = word.add_paragraph()
    _layout(date, Align.RIGHT, st.body_line_pt)
    date.paragraph_format.right_indent = Pt(2 * font.size_pt)
    _run(date, signed_date(doc), font, st)


# --- sources --------------------------------------------------------------------------


def _add_sources(word: WordDocument, doc: Document, st: ReportStyle) -> None:
    """Heading, then one numbered note a source: the figure, its publisher and release, the
    date, and the stored copy it was read from."""
    if not doc.sources:
        return
    _add_heading(word, label("sources", doc.lang), 1, st, doc.lang)
    font = st.fonts.table
    hang = 2 * font.size_pt
    for source in doc.sources:
        note = source_note(source, doc.lang)
        p = word.add_paragraph()
        _layout(p, Align.LEFT, _line(font))
        p.paragraph_format.left_indent = Pt(hang)
        p.paragraph_format.first_line_indent = Pt(-hang)
        _run(p, f"[{note.ref}]\t{note.text}", font, st)
        copy = copy_text(note, doc.lang)
        if copy:
            _run(p, copy, font, st)


# --- package --------------------------------------------------------------------------


def _set_core_properties(word: WordDocument, doc: Document) -> None:
    """Properties from the document only: no clock, no random values."""
    props = word.core_properties
    stamp = datetime.combine(doc.as_of, time(0, 0), tzinfo=UTC)
    props.title = doc.title
    props.subject = doc.subtitle
    props.author = doc.issuer
    props.last_modified_by = doc.issuer
    props.comments = doc.date_text
    props.language = "en-US" if doc.lang == "en" else "zh-CN"
    props.created = props.modified = props.last_printed = stamp
    props.revision = 1


def _drop_thumbnail(word: WordDocument) -> None:
    """The template's thumbnail shows an empty page, not this report."""
    rels = word.part.package.rels
    for rid in [k for k, rel in rels.items() if rel.reltype == RELATIONSHIP_TYPE.THUMBNAIL]:
        del rels[rid]


def _font_table(xml: bytes, st: ReportStyle) -> bytes:
    """Declare each CJK font with its fallbacks (w:altName) and the GB2312 charset.

    Word looks for the alternative names when the first family is not installed (e.g.
    仿宋_GB2312 missing, but 仿宋/FangSong present, as on current Windows).
    """
    root = etree.fromstring(xml)
    declared = {f.get(qn("w:name")) for f in root.iter(qn("w:font"))}
    for font in _cjk_fonts(st):
        if font.first not in declared:
            declared.add(font.first)
            root.append(_font_entry(font))
    result: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return result


def _cjk_fonts(st: ReportStyle) -> list[Font]:
    f = st.fonts
    return [f.body, f.title, f.subtitle, f.heading1, f.heading2, f.table, f.note, f.page_number]


def _font_entry(font: Font) -> etree._Element:
    entry = etree.Element(qn("w:font"), {qn("w:name"): font.first})
    named = [name for name in font.families[1:] if name not in GENERIC_FAMILIES]
    if named:
        etree.SubElement(entry, qn("w:altName"), {qn("w:val"): ",".join(named)})
    etree.SubElement(entry, qn("w:charset"), {qn("w:val"): "86"})  # GB2312
    family = GENERIC_FAMILIES.get(font.families[-1], "auto")
    etree.SubElement(entry, qn("w:family"), {qn("w:val"): family})
    etree.SubElement(entry, qn("w:pitch"), {qn("w:val"): "variable"})
    return entry


def _reproducible(package: bytes, patches: dict[str, Callable[[bytes], bytes]]) -> bytes:
    """The package with fixed entry times and order (python-docx stamps the current time),
    and some entries rewritten by ``patches``."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        names = sorted(src.namelist(), key=lambda n: (n != "[Content_Types].xml", n))
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            data = src.read(name)
            dst.writestr(info, patches[name](data) if name in patches else data)
    return out.getvalue()
