"""A workbook's size, read from its zip directory and a streaming scan of its XML.

An .xlsx file is a zip of XML parts.  Before any spreadsheet library builds anything from
it, :func:`survey_workbook` checks

- the zip directory: how many parts, their uncompressed size together, and the compression
  ratio of every part over 1 MiB (a 3 MB file that inflates to 900 MB is refused here,
  before one byte is inflated);
- every XML part, streamed through expat (never held whole, no DTD allowed): each sheet's
  ``<dimension>``, every ``<row>`` and ``<c>`` position, every ``<mergeCell>``, the length
  of every cell value and shared string.  A cell at XFD1048576 or a merge A3:XFD1048576 is
  refused at the element that names it.

It returns, for each sheet part, the range its cells with values use and its merges, so
that the reader streams exactly that range and fills merges itself.
"""

from __future__ import annotations

import functools
import io
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any
from xml.parsers import expat

from wenzeng.errors import TooLarge
from wenzeng.ingest.limits import RATIO_FLOOR, Limits, damaged, refuse, setting

MAIN_NS = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_ID = "http://schemas.openxmlformats.org/officeDocument/2006/relationships id"
MAX_ROW = 1_048_576  # Excel's own bounds: a reference past them is no cell at all
MAX_COL = 16_384
CHUNK = 1 << 16

Range = tuple[int, int, int, int]  # min row, min column, max row, max column (1-based)

_CELL = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]{1,7})")


_PLAIN_CELL = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")


@functools.lru_cache(maxsize=4096)
def column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(n: int) -> str:
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def parse_cell(ref: str) -> tuple[int, int] | None:
    """'XFD1048576' → (1048576, 16384); None for anything that is not a cell of a sheet."""
    m = _CELL.fullmatch(ref.strip().upper())
    if m is None:
        return None
    row, col = int(m.group(2)), column_number(m.group(1))
    if not (1 <= row <= MAX_ROW and 1 <= col <= MAX_COL):
        return None
    return row, col


def parse_range(ref: str) -> Range | None:
    """'A3:XFD1048576' or 'B2' → (min row, min col, max row, max col); None if malformed."""
    first, sep, last = ref.partition(":")
    a = parse_cell(first)
    b = parse_cell(last) if sep else a
    if a is None or b is None:
        return None
    return min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])


@dataclass
class SheetShape:
    """What the reader needs of one sheet: the range of its cells with values, its merges."""

    part: str
    max_row: int = 0
    max_col: int = 0
    merges: list[Range] = field(default_factory=list)


@dataclass(frozen=True)
class WorkbookSurvey:
    sheets: dict[str, SheetShape]  # by part name, e.g. xl/worksheets/sheet1.xml
    names: dict[str, str]  # part name → sheet name


@dataclass
class _Book:
    """What the scan of one part learns for the others."""

    file: str
    limits: Limits
    read: int = 0  # uncompressed bytes streamed so far
    strings: int = 0  # shared strings seen
    long_strings: dict[int, int] = field(default_factory=dict)  # index → characters
    sheet_ids: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # part → (name, id)
    targets: dict[str, dict[str, str]] = field(default_factory=dict)  # part → id → target part
    names: dict[str, str] = field(default_factory=dict)
    sheets: dict[str, SheetShape] = field(default_factory=dict)

    def resolve_names(self) -> None:
        for part, sheets in self.sheet_ids.items():
            targets = self.targets.get(part, {})
            for name, rid in sheets:
                if rid in targets:
                    self.names[targets[rid]] = name


class _Part:
    """The expat handlers for one part; a sheet, the shared strings, the workbook or rels."""

    def __init__(self, book: _Book, part: str) -> None:
        self.book = book
        self.part = part
        self.limits = book.limits
        self.shape: SheetShape | None = None
        self.row = 0
        self.col = 0
        self.cell: tuple[int, int] | None = None
        self.cell_type: str | None = None
        self.valued = False
        self.counting = False  # inside a <v>, an inline <t> or a shared string's <t>
        self.chars = 0
        self.text: list[str] = []
        self.merged_area = 0
        self.string: int | None = None  # index of the shared string being read
        self.phonetic = 0  # depth inside <rPh> (pronunciation, not part of the text)

    # -- where --------------------------------------------------------------------------
    @property
    def sheet(self) -> str:
        return self.book.names.get(self.part) or self.part

    def _refuse(self, zh: str, en: str, cell: tuple[int, int] | None = None) -> TooLarge:
        row, col = cell if cell else (None, None)
        return refuse(
            self.book.file,
            zh,
            en,
            sheet=self.sheet,
            row=row,
            column=column_letters(col) if col else None,
        )

    def _damaged(self, what: str, ref: str) -> Exception:
        shown = ref[:40]
        return damaged(
            self.book.file,
            f"Excel 文件已损坏：{what} 引用 “{shown}” 无效",
            f"the Excel file is damaged: the {what} reference {shown!r} is invalid",
            sheet=self.sheet,
        )

    # -- limits -------------------------------------------------------------------------
    def _check_position(self, row: int, col: int, what_zh: str, what_en: str) -> None:
        """``what`` names the cell or row, e.g. 单元格 XFD1048576 / cell XFD1048576."""
        limits = self.limits
        if row > limits.rows:
            raise self._refuse(
                f"{what_zh} 位于第 {row:,} 行，超过行数上限 {limits.rows:,}"
                f"（设置 {setting('rows')}）",
                f"{what_en} is in row {row:,}, past the limit of {limits.rows:,} rows "
                f"(setting {setting('rows')})",
                (row, col),
            )
        if col > limits.columns:
            raise self._refuse(
                f"{what_zh} 位于第 {col:,} 列，超过列数上限 {limits.columns:,}"
                f"（设置 {setting('columns')}）",
                f"{what_en} is in column {col:,}, past the limit of {limits.columns:,} "
                f"columns (setting {setting('columns')})",
                (row, col),
            )

    def _check_area(self, rows: int, cols: int, what_zh: str, what_en: str, ref: str) -> None:
        if rows * cols > self.limits.cells:
            raise self._refuse(
                f"{what_zh} {ref} 含 {rows * cols:,} 个单元格，超过上限 {self.limits.cells:,}"
                f"（设置 {setting('cells')}）",
                f"{what_en} {ref} spans {rows * cols:,} cells, over the limit of "
                f"{self.limits.cells:,} (setting {setting('cells')})",
            )

    def _check_range(self, ref: str, what_zh: str, what_en: str) -> Range:
        rng = parse_range(ref)
        if rng is None:
            raise self._damaged(what_en, ref)
        r1, c1, r2, c2 = rng
        shown = ref.strip().upper()[:40]
        for row, col in ((r1, c1), (r2, c2)):
            cell = f"{column_letters(col)}{row}"
            self._check_position(
                row, col, f"{what_zh} {shown} 的单元格 {cell}", f"{what_en} {shown}: cell {cell}"
            )
        self._check_area(r2, c2, what_zh, what_en, shown)
        return rng

    # -- expat handlers -----------------------------------------------------------------
    def start(self, name: str, attrs: dict[str, str]) -> None:
        handler = _START.get(name)  # one lookup by the full name: this runs for every element
        if handler is not None:
            handler(self, attrs)

    def _text(self, attrs: dict[str, str]) -> None:
        if self.cell is not None or self.string is not None:
            self.counting = self.phonetic == 0

    def _worksheet(self, attrs: dict[str, str]) -> None:
        self.shape = self.book.sheets.setdefault(self.part, SheetShape(self.part))

    def _dimension(self, attrs: dict[str, str]) -> None:
        self._check_range(attrs.get("ref", ""), "工作表声明的范围", "the sheet's declared range")

    def _row(self, attrs: dict[str, str]) -> None:
        r = attrs.get("r")
        if r is None:
            self.row += 1
        elif r.isdigit() and 1 <= int(r) <= MAX_ROW:
            self.row = int(r)
        else:
            raise self._damaged("row", r)
        self._check_position(self.row, 0, "一行", "a row")
        self.col = 0

    def _cell(self, attrs: dict[str, str]) -> None:
        r = attrs.get("r")
        if r is None:
            row, col = max(self.row, 1), self.col + 1
        else:
            m = _PLAIN_CELL.fullmatch(r)  # the usual form, e.g. B12, parsed in one step
            found = (int(m[2]), column_number(m[1])) if m else parse_cell(r)
            if found is None or found[0] > MAX_ROW or found[1] > MAX_COL:
                raise self._damaged("cell", r)
            row, col = found
        if row > self.limits.rows or col > self.limits.columns:
            name = f"{column_letters(col)}{row}"
            self._check_position(row, col, f"单元格 {name}", f"cell {name}")
        # As openpyxl counts: rows by their <row> elements, columns by the cells.
        self.col = col
        self.cell, self.cell_type, self.valued = (row, col), attrs.get("t"), False

    def _value(self, attrs: dict[str, str]) -> None:
        if self.cell is not None:
            self.counting, self.valued = True, True

    def _inline(self, attrs: dict[str, str]) -> None:
        if self.cell is not None:
            self.valued = True

    def _merge(self, attrs: dict[str, str]) -> None:
        if self.shape is None:
            return
        ref = attrs.get("ref", "")
        r1, c1, r2, c2 = self._check_range(ref, "合并单元格", "the merged range")
        self.merged_area += (r2 - r1 + 1) * (c2 - c1 + 1)
        if self.merged_area > self.limits.cells or len(self.shape.merges) >= self.limits.merges:
            raise self._refuse(
                f"合并单元格共覆盖 {self.merged_area:,} 个单元格（{len(self.shape.merges) + 1:,} 处），"
                f"超过上限（设置 {setting('cells')}）",
                f"merged ranges cover {self.merged_area:,} cells ({len(self.shape.merges) + 1:,} "
                f"ranges), over the limit (setting {setting('cells')})",
            )
        self.shape.merges.append((r1, c1, r2, c2))

    def _shared_string(self, attrs: dict[str, str]) -> None:
        self.string = self.book.strings
        self.book.strings += 1
        self.chars = 0
        if self.book.strings > self.limits.cells:
            raise self._refuse(
                f"共享字符串超过 {self.limits.cells:,} 个（设置 {setting('cells')}）",
                f"more than {self.limits.cells:,} shared strings (setting {setting('cells')})",
            )

    def _phonetic(self, attrs: dict[str, str]) -> None:
        self.phonetic += 1

    def _sheet_entry(self, attrs: dict[str, str]) -> None:
        rid = attrs.get(REL_ID)
        if rid is not None:
            self.book.sheet_ids.setdefault(self.part, []).append((attrs.get("name", ""), rid))

    def _relationship(self, attrs: dict[str, str]) -> None:
        if attrs.get("TargetMode") == "External":
            return
        # The rels of part X live in dir(X)/_rels/base(X).rels; targets resolve as openpyxl
        # resolves them (relative to dir(X), or absolute from the package's root).
        folder, base = posixpath.split(self.part)
        source = posixpath.join(posixpath.dirname(folder), base.removesuffix(".rels"))
        target = attrs.get("Target", "")
        if target.startswith("/"):
            target = target[1:]
        else:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(folder), target))
        self.book.targets.setdefault(source, {})[attrs.get("Id", "")] = target

    def end(self, name: str) -> None:
        handler = _END.get(name)
        if handler is not None:
            handler(self)

    def _end_value(self) -> None:
        if self.cell is not None:
            self.counting = False
            self._cell_value_done()

    def _end_text(self) -> None:
        self.counting = False

    def _end_cell(self) -> None:
        if self.cell is not None:
            self._cell_done()

    def _end_phonetic(self) -> None:
        self.phonetic -= 1

    def _end_shared_string(self) -> None:
        if self.string is None:
            return
        if self.chars > self.limits.cell_chars:
            if self.book.sheets:  # a sheet scanned before: no cell to name, refuse now
                limit = self.limits.cell_chars
                raise self._refuse(
                    f"共享字符串第 {self.string + 1:,} 条有 {self.chars:,} 个字符，超过上限 "
                    f"{limit:,}（设置 {setting('cell_chars')}）",
                    f"shared string {self.string + 1:,} holds {self.chars:,} characters, "
                    f"over the limit of {limit:,} (setting {setting('cell_chars')})",
                )
            self.book.long_strings[self.string] = self.chars
        self.string = None

    def _cell_value_done(self) -> None:
        if self.cell_type == "s":
            index = "".join(self.text).strip()
            length = self.book.long_strings.get(int(index)) if index.isdigit() else None
            if length is not None:
                self._too_long(length)
        self.text.clear()

    def _cell_done(self) -> None:
        assert self.cell is not None
        if self.cell_type != "s" and self.chars > self.limits.cell_chars:
            self._too_long(self.chars)
        if self.valued and self.shape is not None:
            row, col = self.cell
            row = max(row, self.row)  # the reader places a cell in the row that holds it
            if row > self.shape.max_row or col > self.shape.max_col:
                self.shape.max_row = max(self.shape.max_row, row)
                self.shape.max_col = max(self.shape.max_col, col)
                used = f"A1:{column_letters(self.shape.max_col)}{self.shape.max_row}"
                self._check_area(
                    self.shape.max_row, self.shape.max_col, "已用范围", "the used range", used
                )
        self.cell, self.chars = None, 0
        self.text.clear()

    def _too_long(self, length: int) -> None:
        limit = self.limits.cell_chars
        raise self._refuse(
            f"单元格有 {length:,} 个字符，超过上限 {limit:,}（设置 {setting('cell_chars')}）",
            f"the cell holds {length:,} characters, over the limit of {limit:,} "
            f"(setting {setting('cell_chars')})",
            self.cell,
        )

    def characters(self, data: str) -> None:
        if self.counting:
            self.chars += len(data)
            if self.cell_type == "s" and self.string is None:
                self.text.append(data[:16])
            if (
                self.string is None
                and self.cell_type != "s"
                and self.chars > self.limits.cell_chars
            ):
                self._too_long(self.chars)


_STARTS: dict[str, Callable[[_Part, dict[str, str]], None]] = {
    "worksheet": _Part._worksheet,
    "dimension": _Part._dimension,
    "row": _Part._row,
    "c": _Part._cell,
    "v": _Part._value,
    "is": _Part._inline,
    "t": _Part._text,
    "mergeCell": _Part._merge,
    "si": _Part._shared_string,
    "rPh": _Part._phonetic,
    "sheet": _Part._sheet_entry,
}
_ENDS: dict[str, Callable[[_Part], None]] = {
    "v": _Part._end_value,
    "t": _Part._end_text,
    "c": _Part._end_cell,
    "rPh": _Part._end_phonetic,
    "si": _Part._end_shared_string,
}
# Element names as expat gives them (namespace, a space, the local name): only the
# spreadsheet's own namespaces count, and the package's relationships.
_START = {f"{ns} {local}": h for ns in MAIN_NS for local, h in _STARTS.items()}
_START[f"{PACKAGE_RELS} Relationship"] = _Part._relationship
_END = {f"{ns} {local}": h for ns in MAIN_NS for local, h in _ENDS.items()}


def _no_dtd(*_args: Any) -> None:
    raise ValueError("DTD")


def _order(name: str) -> tuple[int, str]:
    """Rels and the workbook first (sheet names for the messages), then the shared strings
    (so a cell that uses a too long one is named), then the rest."""
    low = name.lower()
    if low.endswith(".rels"):
        return 0, name
    if low.endswith("workbook.xml"):
        return 1, name
    if low.endswith("sharedstrings.xml"):
        return 2, name
    return 3, name


def survey_workbook(file: str, data: bytes, limits: Limits) -> WorkbookSurvey:
    """Check a workbook against ``limits`` (see the module's text) and survey its sheets."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise damaged(
            file,
            "Excel 文件已损坏或不是 .xlsx 格式，无法读取",
            "the Excel file is damaged or not in the .xlsx format and cannot be read",
        ) from exc
    with archive:
        _check_directory(file, infos, limits)
        book = _Book(file, limits)
        for info in sorted(infos, key=lambda i: _order(i.filename)):
            if not info.is_dir():
                _scan_part(book, archive, info)
            if info.filename.lower().endswith((".rels", "workbook.xml")):
                book.resolve_names()
    book.resolve_names()
    return WorkbookSurvey(book.sheets, book.names)


def _check_directory(file: str, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.zip_members:
        raise refuse(
            file,
            f"压缩包内有 {len(infos):,} 个部件，超过上限 {limits.zip_members:,}",
            f"the workbook holds {len(infos):,} parts, over the limit of {limits.zip_members:,}",
        )
    total = sum(i.file_size for i in infos)
    if total > limits.uncompressed_bytes:
        raise refuse(
            file,
            f"工作簿解压后 {total:,} 字节，超过上限 {limits.uncompressed_bytes:,} 字节"
            f"（设置 {setting('uncompressed_bytes')}）",
            f"the workbook inflates to {total:,} bytes, over the limit of "
            f"{limits.uncompressed_bytes:,} bytes (setting {setting('uncompressed_bytes')})",
        )
    for i in infos:
        ratio = i.file_size / max(i.compress_size, 1)
        if i.file_size > RATIO_FLOOR and ratio > limits.compression_ratio:
            raise refuse(
                file,
                f"部件 {i.filename[:80]} 的压缩比为 {ratio:,.0f}:1，超过上限 "
                f"{limits.compression_ratio}:1（设置 {setting('compression_ratio')}）",
                f"the part {i.filename[:80]!r} is compressed {ratio:,.0f}:1, over the limit of "
                f"{limits.compression_ratio}:1 (setting {setting('compression_ratio')})",
            )


def _scan_part(book: _Book, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    part = _Part(book, info.filename)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _no_dtd
    parser.EntityDeclHandler = _no_dtd
    parser.StartElementHandler = part.start
    parser.EndElementHandler = part.end
    parser.CharacterDataHandler = part.characters
    try:
        with archive.open(info) as stream:
            first = _read(book, stream)
            if not _looks_like_xml(first):
                return  # an image or a macro: counted in the directory, never parsed as XML
            chunk = first
            while chunk:
                parser.Parse(chunk, False)
                chunk = _read(book, stream)
            parser.Parse(b"", True)
    except expat.ExpatError as exc:
        if info.filename in book.sheets:
            raise _unreadable(book, info) from exc
        # Not a sheet: a legacy VML drawing, say, which Excel writes as loose XML.  No one
        # reads it as a sheet (the reader refuses a sheet part the survey did not see), and
        # what it held up to the error was checked like any part.
    except (
        ValueError,
        zipfile.BadZipFile,
        NotImplementedError,
        RuntimeError,
        OSError,
        EOFError,
    ) as exc:  # a DTD, a broken stream, a compression zipfile cannot read
        raise _unreadable(book, info) from exc


def _unreadable(book: _Book, info: zipfile.ZipInfo) -> Exception:
    return damaged(
        book.file,
        f"Excel 文件已损坏：部件 {info.filename[:80]} 无法读取",
        f"the Excel file is damaged: the part {info.filename[:80]!r} cannot be read",
    )


def _read(book: _Book, stream: IO[bytes]) -> bytes:
    chunk = stream.read(CHUNK)
    book.read += len(chunk)
    if book.read > book.limits.uncompressed_bytes:  # a directory that lied about sizes
        limit = book.limits.uncompressed_bytes
        raise refuse(
            book.file,
            f"工作簿解压后超过上限 {limit:,} 字节（设置 {setting('uncompressed_bytes')}）",
            f"the workbook inflates past the limit of {limit:,} bytes "
            f"(setting {setting('uncompressed_bytes')})",
        )
    return chunk


def _looks_like_xml(head: bytes) -> bool:
    """XML in any encoding expat (and so openpyxl's parser) reads: UTF-8, UTF-16."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00<", b"<\x00")):
        return True
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    return text.startswith(b"<") or not text
