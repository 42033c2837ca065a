"""Excel sheets as offices make them: a title row, merged or two-row headers, typed cells.

The sheet is streamed (openpyxl's read-only mode) over the range that
:mod:`wenzeng.ingest.workbook_scan` found its values use, after that scan checked the
workbook against the limits; merged ranges come from the same scan.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

import openpyxl

from wenzeng.ingest.workbook_scan import Range, SheetShape, WorkbookSurvey


def cell_text(value: Any) -> str | None:
    """A cell as text, as the person who typed it would read it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _fill_merges(rows: list[list[str | None]], merges: list[Range], width: int) -> None:
    """Every merged range (within the rows and columns read) holds its top-left value."""
    for r1, c1, r2, c2 in merges:
        if r1 > len(rows) or c1 > width:
            continue
        top_left = rows[r1 - 1][c1 - 1]
        for r in range(r1 - 1, min(r2, len(rows))):
            row = rows[r]
            for c in range(c1 - 1, min(c2, width)):
                row[c] = top_left


def _is_title_row(merges: list[Range], row_index: int, width: int) -> bool:
    """A row holding one text merged across (almost) the whole table, e.g. 表1 …月报."""
    for r1, c1, r2, c2 in merges:
        if r1 == r2 == row_index + 1 and c2 - c1 + 1 >= max(2, width - 1):
            return True
    return False


def _header_depth(merges: list[Range], header_row: int) -> int:
    """How many rows the header takes: 2 when a merge in it spans columns or rows."""
    for r1, c1, r2, c2 in merges:
        if r1 == header_row + 1 and (c2 > c1 or r2 > r1):
            return 2
    return 1


def _stream_rows(
    data: bytes, survey: WorkbookSurvey, sheet: str | None
) -> tuple[str, SheetShape, list[list[str | None]]]:
    """The sheet's cells as text, streamed row by row over the range its values use.

    openpyxl's read-only mode parses the sheet's XML as it goes and builds no grid; the
    range and the merges come from the survey, which scanned the very part read here.
    """
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        ws = wb[sheet] if sheet else wb.worksheets[0]
        part = getattr(ws, "_worksheet_path", None)
        shape = survey.sheets.get(part) if isinstance(part, str) else None
        if shape is None:  # never read a part the survey did not check
            raise ValueError(f"the sheet part {part!r} was not surveyed")
        rows: list[list[str | None]] = []
        if shape.max_row and shape.max_col:
            for values in ws.iter_rows(
                min_row=1,
                max_row=shape.max_row,
                min_col=1,
                max_col=shape.max_col,
                values_only=True,
            ):
                rows.append([cell_text(v) for v in values])
        return str(ws.title), shape, rows
    finally:
        wb.close()


def read_sheet(
    data: bytes, survey: WorkbookSurvey, sheet: str | None = None
) -> tuple[str, list[str], list[list[str | None]], list[int]]:
    """(sheet name, column names, rows of text, spreadsheet row numbers)."""
    title, shape, grid = _stream_rows(data, survey, sheet)
    width = shape.max_col if grid else 0
    merges = shape.merges
    _fill_merges(grid, merges, width)
    start = 0
    while start < len(grid) and (
        all(v is None for v in grid[start]) or _is_title_row(merges, start, width)
    ):
        start += 1
    if start >= len(grid):
        return title, [], [], []
    depth = _header_depth(merges, start)
    header: list[str] = []
    for col in range(width):
        parts: list[str] = []
        for r in range(start, min(start + depth, len(grid))):
            text = grid[r][col]
            if text and text not in parts:
                parts.append(text)
        header.append("/".join(parts) if parts else f"column_{col + 1}")
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        if name in seen:
            seen[name] += 1
            header[i] = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
    rows, numbers = [], []
    for r in range(start + depth, len(grid)):
        cells = grid[r]
        if all(c is None for c in cells):
            continue
        rows.append(cells)
        numbers.append(r + 1)
    return title, header, rows, numbers
