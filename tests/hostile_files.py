"""Files made to hurt a reader, generated when a test or benchmark runs (never committed).

Workbooks are written part by part with ``zipfile``, so that a test can say exactly what
the XML holds (a dimension that lies, a cell at XFD1048576, a merge to the sheet's end);
the zip bomb streams its part through the compressor, never holding it whole.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="{R_NS}">'
    '<sheets><sheet name="月报" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
SHEET = "月报"  # the name every workbook here gives its sheet


def sheet_xml(rows: str, *, dimension: str | None = "A1", merges: Iterable[str] = ()) -> str:
    dim = f"<dimension ref={quoteattr(dimension)}/>" if dimension is not None else ""
    refs = list(merges)
    merged = "".join(f"<mergeCell ref={quoteattr(m)}/>" for m in refs)
    merged = f'<mergeCells count="{len(refs)}">{merged}</mergeCells>' if refs else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}">{dim}'
        f"<sheetData>{rows}</sheetData>{merged}</worksheet>"
    )


def shared_strings(strings: Iterable[str]) -> str:
    items = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    return f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}">{items}</sst>'


def workbook(
    sheet: str | bytes, strings: Iterable[str] = (), extra: dict[str, str] | None = None
) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (extra or {}).items():
            z.writestr(name, text)
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        z.writestr("xl/sharedStrings.xml", shared_strings(strings))
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return buf.getvalue()


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


HEADER_ROW = '<row r="1">' + inline("A1", "报送单位代码") + inline("B1", "报告期") + "</row>"


def far_cell(*, honest_dimension: bool = True) -> bytes:
    """A few-KB workbook whose one value beyond the header is at XFD1048576; its
    ``<dimension>`` says so, or lies (A1:B1) so that only the cell itself tells."""
    rows = HEADER_ROW + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    dimension = "A1:XFD1048576" if honest_dimension else "A1:B1"
    return workbook(sheet_xml(rows, dimension=dimension))


def far_merge() -> bytes:
    """A tiny workbook with the merge A3:XFD1048576 (a title that never ends)."""
    rows = HEADER_ROW + '<row r="3">' + inline("A3", "合计") + "</row>"
    return workbook(sheet_xml(rows, dimension="A1:B3", merges=["A3:XFD1048576"]))


def long_cell_workbook(chars: int, *, shared: bool) -> bytes:
    """A workbook whose cell B2 holds ``chars`` characters, inline or as a shared string."""
    text = "壹" * chars
    cell = '<c r="B2" t="s"><v>0</v></c>' if shared else inline("B2", text)
    rows = HEADER_ROW + '<row r="2">' + inline("A2", "E9001") + cell + "</row>"
    return workbook(sheet_xml(rows, dimension="A1:B2"), strings=[text] if shared else [])


def zip_bomb(inflated_mb: int) -> bytes:
    """A workbook whose one sheet inflates to about ``inflated_mb`` MB of real cells (ten
    numbers a row, as a spreadsheet writes them), streamed through the compressor."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}"><sheetData>'
    row = "<row>" + "<c><v>1234.5</v></c>" * 10 + "</row>"
    block = (row * 2000).encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        z.writestr("xl/sharedStrings.xml", shared_strings([]))
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(head.encode())
            for _ in range(inflated_mb * 1024 * 1024 // len(block)):
                f.write(block)
            f.write(b"</sheetData></worksheet>")
    return buf.getvalue()


def plain_workbook(rows: int, columns: int = 8) -> bytes:
    """A normal workbook as an office makes it (openpyxl): a title merged across, a header,
    ``rows`` rows of a reporter code, a period and numbers."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(["表1 重点企业月报"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
    ws.append(["报送单位代码", "报告期", *[f"指标{i}" for i in range(columns - 2)]])
    for r in range(rows):
        ws.append([f"E{r:05d}", "2025年10月", *[r * 1.5 + i for i in range(columns - 2)]])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
