"""A CSV file's text as a :class:`~wenzeng.ingest.framing.Grid`: every record as text cells.

Rows may be ragged (a title line has one field, the header six).  A record the ``csv``
module cannot read (an unmatched quote) is refused with its row number; the limits are
applied to every record, not only the first line that :func:`wenzeng.ingest.limits.precheck`
saw: its fields and each cell's length.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

from wenzeng.domain.issues import Issue, IssueCode, Location
from wenzeng.errors import ValidationFailed
from wenzeng.ingest.framing import Grid
from wenzeng.ingest.limits import Limits, check_cell_length, refuse, setting

ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 is a superset of GBK and GB2312
SEPARATORS = (",", "\t", ";")


def fail(
    file: str, code: IssueCode, zh: str, en: str, row: int | None = None, sheet: str | None = None
) -> ValidationFailed:
    where = Location(file=file, sheet=sheet, row=row)
    return ValidationFailed(f"{zh} / {en}: {where}", issues=[Issue(where, code, zh, en)])


def decode_text(data: bytes, file: str) -> tuple[str, str]:
    """Decode a text file written as UTF-8 (with or without BOM) or GBK/GB18030."""
    for enc in ENCODINGS:
        try:
            return data.decode(enc), ("gbk/gb18030" if enc == "gb18030" else "utf-8")
        except UnicodeDecodeError:
            continue
    raise fail(
        file,
        IssueCode.ENCODING,
        "文件编码无法识别（应为 UTF-8 或 GBK/GB18030）",
        "unknown text encoding (expected UTF-8 or GBK/GB18030)",
    )


def sniff_separator(path: Path, text: str) -> str:
    """Tab for .tsv; else the separator most used on the first lines that use any (a title
    line above the header may have none): comma, tab or semicolon."""
    if path.suffix.lower() == ".tsv":
        return "\t"
    for line in text[:65536].splitlines()[:30]:
        counts = {sep: line.count(sep) for sep in SEPARATORS}
        best = max(SEPARATORS, key=lambda s: counts[s])  # ties: the first, a comma
        if counts[best]:
            return best
    return ","


def csv_grid(
    text: str,
    file: str,
    sep: str,
    limits: Limits,
    *,
    encoding: str | None = None,
    max_rows: int | None = None,
    checked: bool = True,
) -> Grid:
    """The records of a CSV text (the first ``max_rows`` of them when given); ``checked``
    applies the limits to each record."""
    cells: list[list[str | None]] = []
    numbers: list[int] = []
    if csv.field_size_limit() <= limits.cell_chars:
        csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # our own limit words the refusal
    records = csv.reader(io.StringIO(text), delimiter=sep, strict=max_rows is None)
    row = 0
    try:
        for row, record in enumerate(records, start=1):
            if max_rows is not None and row > max_rows:
                break
            if checked and len(record) > limits.columns:
                raise refuse(
                    file,
                    f"第{row}行有 {len(record):,} 列，超过上限 {limits.columns:,} 列"
                    f"（设置 {setting('columns')}）",
                    f"row {row} has {len(record):,} columns, over the limit of "
                    f"{limits.columns:,} (setting {setting('columns')})",
                    row=row,
                )
            line: list[str | None] = []
            for col, value in enumerate(record, start=1):
                if checked and len(value) > limits.cell_chars:
                    check_cell_length(file, row, f"第{col}列 / column {col}", len(value), limits)
                line.append(value.strip() or None)
            cells.append(line)
            numbers.append(row)
    except csv.Error as exc:
        if max_rows is not None:  # a head cut mid-record: what was read is enough
            return Grid(file, None, cells, numbers, encoding)
        raise fail(
            file,
            IssueCode.UNREADABLE_FILE,
            f"CSV 格式有误：第{row + 1}行的引号不成对或位置不对",
            f"malformed CSV: row {row + 1} has an unmatched or misplaced quote",
            row + 1,
        ) from exc
    return Grid(file, None, cells, numbers, encoding)


def ragged_rows(
    file: str, wide: list[tuple[int, int]], width: int, limit: int = 100
) -> ValidationFailed:
    """Every data row with more fields than the header, at once (the first ``limit``)."""
    issues = [
        Issue(
            Location(file=file, row=row),
            IssueCode.UNREADABLE_FILE,
            f"CSV 格式有误：第{row}行有{count}个字段，表头有{width}个",
            f"malformed CSV: row {row} has {count} fields, the header {width}",
        )
        for row, count in wide[:limit]
    ]
    first = issues[0]
    more = len(wide) - 1
    zh = first.msg_zh + (f"（另有{more}行）" if more else "")
    en = first.msg_en + (f" (and {more} more rows)" if more else "")
    return ValidationFailed(f"{zh} / {en}: {first.loc}", issues=issues)
