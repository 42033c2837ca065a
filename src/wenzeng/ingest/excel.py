"""Excel sheets as offices make them: a title row, merged or two-row headers, typed cells."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet


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


def _grid(ws: Worksheet) -> list[list[Any]]:
    """All cell values, with every merged range filled with its top-left value."""
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    for rng in ws.merged_cells.ranges:
        top_left = rows[rng.min_row - 1][rng.min_col - 1]
        for r in range(rng.min_row - 1, min(rng.max_row, len(rows))):
            for c in range(rng.min_col - 1, rng.max_col):
                if c < len(rows[r]):
                    rows[r][c] = top_left
    return rows


def _is_title_row(ws: Worksheet, row_index: int, width: int) -> bool:
    """A row holding one text merged across (almost) the whole table, e.g. 表1 …月报."""
    for rng in ws.merged_cells.ranges:
        if rng.min_row == rng.max_row == row_index + 1 and rng.max_col - rng.min_col + 1 >= max(
            2, width - 1
        ):
            return True
    return False


def _header_depth(ws: Worksheet, header_row: int) -> int:
    """How many rows the header takes: 2 when a merge in it spans columns or rows."""
    for rng in ws.merged_cells.ranges:
        if rng.min_row == header_row + 1 and (
            rng.max_col > rng.min_col or rng.max_row > rng.min_row
        ):
            return 2
    return 1


def read_sheet(
    data: bytes, sheet: str | None = None
) -> tuple[str, list[str], list[list[str | None]], list[int]]:
    """(sheet name, column names, rows of text, spreadsheet row numbers)."""
    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    grid = _grid(ws)
    width = max((len(r) for r in grid), default=0)
    start = 0
    while start < len(grid) and (
        all(cell_text(v) is None for v in grid[start]) or _is_title_row(ws, start, width)
    ):
        start += 1
    if start >= len(grid):
        return ws.title, [], [], []
    depth = _header_depth(ws, start)
    header: list[str] = []
    for col in range(width):
        parts: list[str] = []
        for r in range(start, start + depth):
            text = cell_text(grid[r][col]) if col < len(grid[r]) else None
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
        cells = [cell_text(v) for v in grid[r]] + [None] * (width - len(grid[r]))
        if all(c is None for c in cells):
            continue
        rows.append(cells[:width])
        numbers.append(r + 1)
    return ws.title, header, rows, numbers
