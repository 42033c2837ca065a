"""Limits on what a file may hold, checked before any work starts.

:func:`precheck` is the one entry point: every way a file comes in (``read_table``, the
form upload, ``wenzeng import``) passes through it.  It looks at the bytes only as far as
it needs to: the length; for a workbook (an .xlsx is a zip) the zip directory and a
streaming scan of the XML (:mod:`wenzeng.ingest.workbook_scan`); for a CSV the line count
and the header.  A file over a limit is refused with :class:`wenzeng.errors.TooLarge`
(413) naming the file, sheet, cell and the limit, in Chinese and English; nothing has been
built or stored by then.

The ingest layer knows no settings: the caller passes a :class:`Limits` (see
``wenzeng.services.loading.upload_limits``).
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wenzeng.domain.issues import Issue, IssueCode, Location
from wenzeng.errors import TooLarge, ValidationFailed

if TYPE_CHECKING:
    from wenzeng.ingest.workbook_scan import WorkbookSurvey

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How much one file may hold.  The names after each field are the settings."""

    upload_bytes: int = 64 * MiB  # WENZENG_LIMIT_UPLOAD_BYTES: a 50 MB CSV still fits
    rows: int = 1_000_000  # WENZENG_LIMIT_ROWS: row numbers of a sheet, lines of a CSV
    columns: int = 1_000  # WENZENG_LIMIT_COLUMNS
    cells: int = 5_000_000  # WENZENG_LIMIT_CELLS: rows x columns a sheet declares or uses
    uncompressed_bytes: int = 256 * MiB  # WENZENG_LIMIT_UNCOMPRESSED_BYTES: a whole workbook
    compression_ratio: int = 100  # WENZENG_LIMIT_COMPRESSION_RATIO: of any part over 1 MiB
    cell_chars: int = 32_767  # WENZENG_LIMIT_CELL_CHARS: Excel's own limit for a cell
    # Not settings: bounds no workbook an office makes comes near.
    zip_members: int = 10_000
    merges: int = 100_000


DEFAULT_LIMITS = Limits()
RATIO_FLOOR = 1 * MiB  # parts smaller than this are not judged by their compression ratio


def setting(name: str) -> str:
    """The environment variable that sets a limit, named in every refusal."""
    return f"WENZENG_LIMIT_{name.upper()}"


def refuse(
    file: str,
    zh: str,
    en: str,
    *,
    sheet: str | None = None,
    row: int | None = None,
    column: str | None = None,
) -> TooLarge:
    where = Location(file=file, sheet=sheet, row=row, column=column)
    return TooLarge(f"{zh} / {en}: {where}", issues=[Issue(where, IssueCode.TOO_LARGE, zh, en)])


def damaged(file: str, zh: str, en: str, *, sheet: str | None = None) -> ValidationFailed:
    where = Location(file=file, sheet=sheet)
    return ValidationFailed(
        f"{zh} / {en}: {where}", issues=[Issue(where, IssueCode.UNREADABLE_FILE, zh, en)]
    )


def check_bytes(file: str, size: int, limits: Limits) -> None:
    if size > limits.upload_bytes:
        raise refuse(
            file,
            f"文件大小 {size:,} 字节，超过上限 {limits.upload_bytes:,} 字节"
            f"（设置 {setting('upload_bytes')}）",
            f"the file is {size:,} bytes, over the limit of {limits.upload_bytes:,} bytes "
            f"(setting {setting('upload_bytes')})",
        )


def read_bounded(path: Path, limits: Limits) -> bytes:
    """A file's bytes, refused by its size before it is read (``wenzeng import`` of a 10 GB
    file reads nothing).  An unreadable file raises OSError for the caller to word."""
    with path.open("rb") as f:
        check_bytes(str(path), _size(f), limits)
        data = f.read(limits.upload_bytes + 1)  # a file that grew meanwhile stops here
    check_bytes(str(path), len(data), limits)
    return data


def _size(f: io.BufferedReader) -> int:
    return os.fstat(f.fileno()).st_size


def is_workbook(path: Path, head: bytes) -> bool:
    return path.suffix.lower() in (".xlsx", ".xlsm") or head.startswith(b"PK\x03\x04")


def is_text(path: Path) -> bool:
    return path.suffix.lower() in (".csv", ".txt", ".tsv")


@dataclass(frozen=True)
class Checked:
    """What :func:`precheck` found: the limits it applied and, for a workbook, its survey
    (the reader uses the merges and the used range instead of scanning again)."""

    limits: Limits
    workbook: WorkbookSurvey | None = None


def precheck(file_name: str | Path, data: bytes, limits: Limits = DEFAULT_LIMITS) -> Checked:
    """Refuse a file over a limit before anything is built from it; see the module's text."""
    path = Path(file_name)
    file = str(file_name)
    check_bytes(file, len(data), limits)
    if is_workbook(path, data[:8]):
        from wenzeng.ingest.workbook_scan import survey_workbook

        return Checked(limits, survey_workbook(file, data, limits))
    if is_text(path):
        check_text_lines(file, data, limits)
    return Checked(limits)


def check_text_lines(file: str, data: bytes, limits: Limits) -> None:
    """A CSV's rows and its header's columns, before the parser sees it.  The lines are an
    upper bound of the rows (a quoted cell may hold line breaks): only a file with more
    lines than the limit is counted record by record, and refused at the first record
    past it."""
    if data.count(b"\n") + 1 > limits.rows:
        text = _decoded(data)
        records = csv.reader(io.StringIO(text), delimiter=_separator(file, text))
        try:
            for n, _ in enumerate(records, start=1):
                if n > limits.rows:
                    raise refuse(
                        file,
                        f"行数超过上限 {limits.rows:,} 行（设置 {setting('rows')}）",
                        f"more rows than the limit of {limits.rows:,} (setting {setting('rows')})",
                        row=n,
                    )
        except csv.Error:
            pass  # a malformed file: the reader words it
    end = data.find(b"\n")
    first = data if end < 0 else data[:end]
    sep = b"\t" if file.lower().endswith(".tsv") or first.count(b"\t") > first.count(b",") else b","
    columns = _QUOTED.sub(b"", first).count(sep) + 1  # separators inside quotes do not count
    if columns > limits.columns:
        raise refuse(
            file,
            f"表头有 {columns:,} 列，超过上限 {limits.columns:,} 列（设置 {setting('columns')}）",
            f"the header has {columns:,} columns, over the limit of {limits.columns:,} "
            f"(setting {setting('columns')})",
            row=1,
        )


_QUOTED = re.compile(rb'"(?:[^"]|"")*"?')


def check_cell_length(
    file: str, row: int, column: str, length: int, limits: Limits, sheet: str | None = None
) -> None:
    if length > limits.cell_chars:
        raise refuse(
            file,
            f"单元格有 {length:,} 个字符，超过上限 {limits.cell_chars:,}"
            f"（设置 {setting('cell_chars')}）",
            f"a cell holds {length:,} characters, over the limit of {limits.cell_chars:,} "
            f"(setting {setting('cell_chars')})",
            sheet=sheet,
            row=row,
            column=column,
        )


def _decoded(data: bytes) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")  # only to count; the reader reports the encoding


def _separator(file: str, text: str) -> str:
    first = text[:4096].split("\n", 1)[0]
    if file.lower().endswith(".tsv") or first.count("\t") > first.count(","):
        return "\t"
    return ","
