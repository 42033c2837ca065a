"""Readers turn a file's bytes into a table of text cells; they know formats, not rules.

Each reader says whether it ``handles`` a file and ``read``s it into a
:class:`RawTable`: a Polars frame whose columns are all text, plus the
spreadsheet row number of every row (the header is row 1).  When no reader
fits, the error names every reader tried.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import polars as pl

from wenzeng.domain.issues import Issue, IssueCode, Location
from wenzeng.errors import ValidationFailed, WenzengError
from wenzeng.ingest.framing import Framing
from wenzeng.ingest.limits import (
    DEFAULT_LIMITS,
    Checked,
    Limits,
    check_cell_length,
    is_text,
    is_workbook,
    precheck,
    read_bounded,
    refuse,
    setting,
)

ROW = "__row"
COLUMN = "__column"  # in a long table made from a wide one: the header of the value's column


@dataclass(frozen=True)
class RawTable:
    file: str
    frame: pl.DataFrame  # text columns + ROW
    encoding: str | None = None
    sheet: str | None = None
    framing: Framing = field(default_factory=Framing)  # title, notes, period found around it

    @property
    def columns(self) -> list[str]:
        return [c for c in self.frame.columns if c not in (ROW, COLUMN)]


class Reader(Protocol):
    name: str

    def handles(self, path: Path, head: bytes) -> bool: ...

    def read(self, path: Path, data: bytes, checked: Checked) -> RawTable: ...


def _fail(file: str, code: IssueCode, zh: str, en: str, row: int | None = None) -> ValidationFailed:
    where = Location(file=file, row=row)
    return ValidationFailed(f"{zh} / {en}: {where}", issues=[Issue(where, code, zh, en)])


ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 is a superset of GBK and GB2312


def decode_text(data: bytes, file: str) -> tuple[str, str]:
    """Decode a text file written as UTF-8 (with or without BOM) or GBK/GB18030."""
    for enc in ENCODINGS:
        try:
            return data.decode(enc), ("gbk/gb18030" if enc == "gb18030" else "utf-8")
        except UnicodeDecodeError:
            continue
    raise _fail(
        file,
        IssueCode.ENCODING,
        "文件编码无法识别（应为 UTF-8 或 GBK/GB18030）",
        "unknown text encoding (expected UTF-8 or GBK/GB18030)",
    )


def _number_rows(frame: pl.DataFrame, first: int = 2) -> pl.DataFrame:
    return frame.with_row_index(ROW, offset=first).with_columns(pl.col(ROW).cast(pl.Int64))


class CsvReader:
    name = "CSV (UTF-8, GBK/GB18030)"

    def handles(self, path: Path, head: bytes) -> bool:
        return is_text(path)

    def read(self, path: Path, data: bytes, checked: Checked) -> RawTable:
        file = str(path)
        text, encoding = decode_text(data, file)
        if not text.strip():
            raise _fail(file, IssueCode.EMPTY_FILE, "文件为空", "the file is empty")
        # UTF-8 bytes go to the parser as they are; other encodings are re-encoded.
        raw = data.removeprefix(b"\xef\xbb\xbf") if encoding == "utf-8" else text.encode("utf-8")
        first_line = text[:4096].split("\n", 1)[0]
        sep = (
            "\t"
            if path.suffix.lower() == ".tsv" or first_line.count("\t") > first_line.count(",")
            else ","
        )
        try:
            frame = pl.read_csv(
                io.BytesIO(raw),
                separator=sep,
                infer_schema=False,
                truncate_ragged_lines=False,
            )
        except pl.exceptions.PolarsError as exc:
            # The parser's own text names its internals and quotes whole cells: say in
            # our words what is wrong, and where, from a second reading of the text.
            raise _malformed_csv(file, text, sep) from exc
        frame = frame.rename({c: c.strip() for c in frame.columns})
        _check_cells(file, frame, checked.limits)
        return RawTable(file, _number_rows(frame), encoding=encoding)


def _check_cells(file: str, frame: pl.DataFrame, limits: Limits) -> None:
    """Rows and cell lengths of a parsed CSV, counted by the column: the lines counted
    before were an upper bound of the rows, and a cell's length shows once quotes are read."""
    if frame.height + 1 > limits.rows:  # the header is row 1
        raise refuse(
            file,
            f"行数超过上限 {limits.rows:,} 行（设置 {setting('rows')}）",
            f"more rows than the limit of {limits.rows:,} (setting {setting('rows')})",
            row=limits.rows + 1,
        )
    for name in frame.columns:
        if len(name) > limits.cell_chars:
            check_cell_length(file, 1, name[:40], len(name), limits)
        lengths = frame.get_column(name).str.len_chars()
        longest = lengths.max()
        if isinstance(longest, int) and longest > limits.cell_chars:
            check_cell_length(file, (lengths.arg_max() or 0) + 2, name, longest, limits)


def _malformed_csv(file: str, text: str, sep: str) -> ValidationFailed:
    """The error for a CSV file the parser refused: what is wrong and in which row."""
    rows = csv.reader(io.StringIO(text), delimiter=sep, strict=True)
    width: int | None = None
    row = 0  # spreadsheet numbering: the header is row 1
    try:
        for row, record in enumerate(rows, start=1):
            if width is None:
                width = len(record)
            elif record and len(record) != width:
                return _fail(
                    file,
                    IssueCode.UNREADABLE_FILE,
                    f"CSV 格式有误：第{row}行有{len(record)}个字段，表头有{width}个",
                    f"malformed CSV: row {row} has {len(record)} fields, the header {width}",
                    row,
                )
    except csv.Error as exc:
        if "field limit" not in str(exc):  # a long cell is no error of the file
            return _fail(
                file,
                IssueCode.UNREADABLE_FILE,
                f"CSV 格式有误：第{row + 1}行的引号不成对或位置不对",
                f"malformed CSV: row {row + 1} has an unmatched or misplaced quote",
                row + 1,
            )
    if width is None:
        return _fail(file, IssueCode.EMPTY_FILE, "文件为空", "the file is empty")
    return _fail(
        file,
        IssueCode.UNREADABLE_FILE,
        "CSV 格式有误，无法读取（请用 Excel 或文本编辑器检查后另存为 CSV）",
        "malformed CSV that cannot be read (check it in Excel or an editor and save it as CSV)",
    )


class ExcelReader:
    name = "Excel (.xlsx)"

    def handles(self, path: Path, head: bytes) -> bool:
        return is_workbook(path, head)

    def read(self, path: Path, data: bytes, checked: Checked) -> RawTable:
        from wenzeng.ingest.excel import read_sheet

        file = str(path)
        survey = checked.workbook
        if survey is None:  # never read a workbook the limits did not check
            survey = precheck(file, data, checked.limits).workbook
            assert survey is not None
        try:
            sheet, header, rows, numbers = read_sheet(data, survey)
        except WenzengError:
            raise
        except Exception as exc:  # openpyxl raises many kinds for broken files
            raise _fail(
                file,
                IssueCode.UNREADABLE_FILE,
                "Excel 文件已损坏或不是 .xlsx 格式，无法读取",
                "the Excel file is damaged or not in the .xlsx format and cannot be read",
            ) from exc
        if not header:
            raise _fail(file, IssueCode.EMPTY_FILE, "工作表为空", "the sheet is empty")
        frame = pl.DataFrame(rows, schema=[(h, pl.Utf8) for h in header], orient="row")
        frame = frame.with_columns(pl.Series(ROW, numbers, dtype=pl.Int64))
        return RawTable(file, frame, sheet=sheet)


READERS: list[Reader] = [ExcelReader(), CsvReader()]


def read_table(path: Path, data: bytes | None = None, limits: Limits = DEFAULT_LIMITS) -> RawTable:
    """A file as a table of text cells, after :func:`wenzeng.ingest.limits.precheck`."""
    file = str(path)
    if data is None:
        try:
            data = read_bounded(path, limits)
        except OSError as exc:
            raise _fail(
                file,
                IssueCode.UNREADABLE_FILE,
                f"无法读取文件：{exc.strerror}",
                f"cannot read the file: {exc.strerror}",
            ) from exc
    if path.suffix.lower() == ".xls":
        raise _fail(
            file,
            IssueCode.UNKNOWN_FORMAT,
            "不支持旧版 .xls 格式，请另存为 .xlsx 或 CSV",
            "the old .xls format is not supported; save as .xlsx or CSV",
        )
    checked = precheck(file, data, limits)
    for reader in READERS:
        if reader.handles(path, data[:8]):
            return reader.read(path, data, checked)
    tried = "; ".join(r.name for r in READERS)
    raise _fail(
        file,
        IssueCode.UNKNOWN_FORMAT,
        f"无法识别的文件格式（已尝试：{tried}）",
        f"unknown file format (tried: {tried})",
    )
