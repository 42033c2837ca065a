"""A sheet as offices publish it, split into its parts: title, header, data rows, notes.

Statistics bureaus' tables carry more than a header and rows: title rows above the
header naming the table and its period (``2024年1-9月全省规模以上工业主要产品产量``), a
line such as ``单位：亿元``, one- or two-row (merged) headers, blank rows, and footnote and
source rows below the data (``注：1.本表数据为快报数…``, ``资料来源：…``).  This module
holds the types that describe that split; :mod:`wenzeng.ingest.readers` produces them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ROW = "__row"  # a frame's column of spreadsheet row numbers
COLUMN = "__column"  # in a long table made from a wide one: the header of the value's column


@dataclass(frozen=True)
class Grid:
    """Every row of a file or sheet as read, as text: nothing interpreted yet."""

    file: str
    sheet: str | None
    cells: list[list[str | None]]  # rows as read; blank cells are None
    numbers: list[int]  # the spreadsheet row number (1-based) of each row
    encoding: str | None = None
    # merged ranges (row1, col1, row2, col2), 1-based, already filled into ``cells``
    merges: tuple[tuple[int, int, int, int], ...] = ()


@dataclass(frozen=True)
class NoteRow:
    """A row that is a note, not data: a footnote, a source line, a unit line."""

    row: int  # spreadsheet row number
    text: str
    kind: str = "note"  # "note" (注：…), "source" (资料来源：…), "unit" (单位：…), "title"


@dataclass(frozen=True)
class Framing:
    """What the rows around a table's data said about it."""

    title: str | None = None  # the title rows' text, joined with a space
    header_rows: tuple[int, ...] = ()  # spreadsheet row numbers of the header (1 or 2 rows)
    header: tuple[str, ...] = ()  # each column's header text as written, in order; the parts
    # of a two-row header joined with "/" (营业收入/本月); the frame's column i is header[i]
    # even where the frame had to rename a repeated header (同比增长(%) twice)
    notes: tuple[NoteRow, ...] = field(default_factory=tuple)  # title, unit, note, source rows
    period: str | None = None  # a period label from the title or header, e.g. "2024年1-9月"
    unit: str | None = None  # from a "单位：亿元" line or a title's "（单位：亿元）"


@dataclass(frozen=True)
class Framed:
    """A grid split by :func:`wenzeng.ingest.frame_detect.detect`: the table's data rows
    under unique column names, and the framing around them."""

    columns: list[str]  # unique names: 名称, 名称_2, column_3 for a blank header
    rows: list[list[str | None]]  # data rows, each as wide as ``columns``
    numbers: list[int]  # the spreadsheet row number of each data row
    framing: Framing
    wide: list[tuple[int, int]] = field(default_factory=list)  # (row, cells) past the header
