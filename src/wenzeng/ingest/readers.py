r"""Readers turn a file's bytes into a table of text cells; they know formats, not rules.

Each reader says whether it ``handles`` a file and ``read``s it into
:class:`RawTable`\ s, one per sheet with a table: a Polars frame whose columns are all
text, plus the spreadsheet row number of every data row, and the framing found around
the data (title, period, unit, header rows, notes; see :mod:`wenzeng.ingest.framing`).
When no reader fits, the error names every reader tried.
"""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import polars as pl

from wenzeng.domain.issues import IssueCode
from wenzeng.errors import WenzengError
from wenzeng.ingest.csv_frame import read_csv
from wenzeng.ingest.frame_detect import detect
from wenzeng.ingest.framing import COLUMN, ROW, Framing
from wenzeng.ingest.grid import ENCODINGS, decode_text, fail
from wenzeng.ingest.limits import (
    DEFAULT_LIMITS,
    Checked,
    Limits,
    is_text,
    is_workbook,
    precheck,
    read_bounded,
)

__all__ = [
    "COLUMN",
    "ENCODINGS",
    "ROW",
    "RawTable",
    "decode_text",
    "read_table",
    "read_tables",
]


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

    def read(
        self, path: Path, data: bytes, checked: Checked, *, first: bool = False
    ) -> list[RawTable]:
        """The file's tables; ``first``: stop at the first with data rows."""
        ...


_fail = fail


class CsvReader:
    name = "CSV (UTF-8, GBK/GB18030)"

    def handles(self, path: Path, head: bytes) -> bool:
        return is_text(path)

    def read(
        self, path: Path, data: bytes, checked: Checked, *, first: bool = False
    ) -> list[RawTable]:
        frame, framing, encoding = read_csv(path, data, checked.limits)
        return [RawTable(str(path), frame, encoding=encoding, framing=framing)]


class ExcelReader:
    name = "Excel (.xlsx)"

    def handles(self, path: Path, head: bytes) -> bool:
        return is_workbook(path, head)

    def read(
        self, path: Path, data: bytes, checked: Checked, *, first: bool = False
    ) -> list[RawTable]:
        from wenzeng.ingest.excel import iter_grids

        file = str(path)
        survey = checked.workbook
        if survey is None:  # never read a workbook the limits did not check
            survey = precheck(file, data, checked.limits).workbook
            assert survey is not None
        tables: list[RawTable] = []
        try:
            with closing(iter_grids(data, survey, file)) as grids:
                for grid in grids:
                    framed = detect(grid)
                    if not framed.columns:
                        continue
                    frame = pl.DataFrame(
                        framed.rows, schema=[(c, pl.Utf8) for c in framed.columns], orient="row"
                    ).with_columns(pl.Series(ROW, framed.numbers, dtype=pl.Int64))
                    tables.append(RawTable(file, frame, sheet=grid.sheet, framing=framed.framing))
                    if first and frame.height:
                        break
        except WenzengError:
            raise
        except Exception as exc:  # openpyxl raises many kinds for broken files
            raise _fail(
                file,
                IssueCode.UNREADABLE_FILE,
                "Excel 文件已损坏或不是 .xlsx 格式，无法读取",
                "the Excel file is damaged or not in the .xlsx format and cannot be read",
            ) from exc
        if not tables:
            raise _fail(file, IssueCode.EMPTY_FILE, "工作表为空", "the sheet is empty")
        return tables


READERS: list[Reader] = [ExcelReader(), CsvReader()]


def read_tables(
    path: Path, data: bytes | None = None, limits: Limits = DEFAULT_LIMITS
) -> list[RawTable]:
    """Every table of a file, after :func:`wenzeng.ingest.limits.precheck`: one for a CSV,
    one per sheet with a header and data rows for a workbook (a sheet with a header only
    counts when no sheet has data)."""
    return _with_rows(_read_all(path, data, limits))


def _with_rows(tables: list[RawTable]) -> list[RawTable]:
    with_rows = [t for t in tables if t.frame.height]
    return with_rows or tables[:1]


def read_table(path: Path, data: bytes | None = None, limits: Limits = DEFAULT_LIMITS) -> RawTable:
    """A file as a table of text cells: the first sheet with data rows (or, when none has
    any, the first with a header), after :func:`wenzeng.ingest.limits.precheck`."""
    return _with_rows(_read_all(path, data, limits, first=True))[0]


def _read_all(
    path: Path, data: bytes | None, limits: Limits, *, first: bool = False
) -> list[RawTable]:
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
            return reader.read(path, data, checked, first=first)
    tried = "; ".join(r.name for r in READERS)
    raise _fail(
        file,
        IssueCode.UNKNOWN_FORMAT,
        f"无法识别的文件格式（已尝试：{tried}）",
        f"unknown file format (tried: {tried})",
    )
