"""Excel sheets as offices make them: a title row, merged or two-row headers, typed cells.

The sheet is streamed (openpyxl's read-only mode) over the range that
:mod:`wenzeng.ingest.workbook_scan` found its values use, after that scan checked the
workbook against the limits; merged ranges come from the same scan.
"""

from __future__ import annotations

import io
from collections.abc import Generator
from datetime import date, datetime
from typing import Any

import openpyxl

from wenzeng.ingest.frame_detect import detect
from wenzeng.ingest.framing import Grid
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


def _stream_rows(
    data: bytes, survey: WorkbookSurvey, sheet: str | None
) -> tuple[str, SheetShape, list[list[str | None]]]:
    """The sheet's cells as text, streamed row by row over the range its values use."""
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return _sheet_rows(wb, survey, sheet)
    finally:
        wb.close()


def _sheet_rows(
    wb: Any, survey: WorkbookSurvey, sheet: str | None
) -> tuple[str, SheetShape, list[list[str | None]]]:
    """openpyxl's read-only mode parses the sheet's XML as it goes and builds no grid; the
    range and the merges come from the survey, which scanned the very part read here."""
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


def _grid(file: str, title: str, shape: SheetShape, rows: list[list[str | None]]) -> Grid:
    width = shape.max_col if rows else 0
    _fill_merges(rows, shape.merges, width)
    numbers = list(range(1, len(rows) + 1))
    return Grid(file, title, rows, numbers, merges=tuple(shape.merges))


def read_grid(
    data: bytes, survey: WorkbookSurvey, sheet: str | None = None, file: str = ""
) -> Grid:
    """One sheet (the first when none is named) as a grid, merged ranges filled."""
    title, shape, rows = _stream_rows(data, survey, sheet)
    return _grid(file, title, shape, rows)


def iter_grids(data: bytes, survey: WorkbookSurvey, file: str = "") -> Generator[Grid, None, None]:
    """Every worksheet that has cells, in the workbook's order, as grids."""
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for ws in wb.worksheets:
            grid = _grid(file, *_sheet_rows(wb, survey, str(ws.title)))
            if any(any(v is not None for v in row) for row in grid.cells):
                yield grid
    finally:
        wb.close()


def read_sheet(
    data: bytes, survey: WorkbookSurvey, sheet: str | None = None
) -> tuple[str, list[str], list[list[str | None]], list[int]]:
    """(sheet name, column names, rows of text, spreadsheet row numbers)."""
    grid = read_grid(data, survey, sheet)
    framed = detect(grid)
    return grid.sheet or "", framed.columns, framed.rows, framed.numbers
