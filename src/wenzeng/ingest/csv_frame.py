"""A CSV file as a framed table: the fast way when it starts with its header, else the
tolerant way.

* Fast: the first records say the header is row 1 and one row deep (a long-format file,
  a template filled in).  Polars reads the whole file; rows below that are notes
  (``注：…``, ``资料来源：…``: at most their first cells filled, so Polars reads them as
  short rows) are found among the few rows with one cell filled and taken out.
* Tolerant: title rows, a unit line, blank rows, a two-row header, or rows Polars
  refuses (a note with commas in it, a ragged row): the ``csv`` module reads every record
  into a :class:`~wenzeng.ingest.framing.Grid` and :func:`~wenzeng.ingest.frame_detect.detect`
  splits it.  Data rows with more fields than the header are refused, all at once.
"""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl

from wenzeng.domain.issues import IssueCode
from wenzeng.ingest.frame_detect import detect, note_kind, unique_names
from wenzeng.ingest.framing import ROW, Framing, NoteRow
from wenzeng.ingest.grid import csv_grid, decode_text, fail, ragged_rows, sniff_separator
from wenzeng.ingest.limits import Limits, check_cell_length, refuse, setting

HEAD_ROWS = 30  # records read to decide the way
# A superset of the rows note_kind may call notes, in Polars' regex syntax (no lookahead)
_NOTE_START = (
    r"^\s*(?:注|说明|备注|附注|资料来源|数据来源|来源|[*＊※①-⑳(（]|\d{1,2}[.、．](?:[^0-9]|$)"
    r"|单位负责人|统计负责人|负责人|填表人|填报人|制表人|审核人|联系电话|报出日期|制表日期"
    r"|[（(【\[]?\s*(?:计量|金额|价值量|货币)?单位|时间|报告期|统计时间|填报单位|制表单位|填报日期"
    r"|填表日期|表号|制表机关|批准机关|批准文号|文号|有效期至)"
)


def read_csv(path: Path, data: bytes, limits: Limits) -> tuple[pl.DataFrame, Framing, str]:
    """(frame of text columns + ROW, framing, encoding) of a CSV file's bytes."""
    file = str(path)
    text, encoding = decode_text(data, file)
    if not text or text.isspace():
        raise fail(file, IssueCode.EMPTY_FILE, "文件为空", "the file is empty")
    sep = sniff_separator(path, text)
    head = csv_grid(
        text[:65536], file, sep, limits, encoding=encoding, max_rows=HEAD_ROWS, checked=False
    )
    if detect(head).framing.header_rows == (1,):
        raw = data.removeprefix(b"\xef\xbb\xbf") if encoding == "utf-8" else text.encode("utf-8")
        try:
            frame = pl.read_csv(
                io.BytesIO(raw), separator=sep, infer_schema=False, truncate_ragged_lines=False
            )
        except pl.exceptions.PolarsError:
            pass  # a note with commas, a ragged row: the tolerant way says which
        else:
            if head.cells and len(head.cells[0]) == frame.width:
                return (*_fast(file, frame, head.cells[0], limits), encoding)
    return (*_tolerant(file, text, sep, encoding, limits), encoding)


def _fast(
    file: str, frame: pl.DataFrame, header: list[str | None], limits: Limits
) -> tuple[pl.DataFrame, Framing]:
    names = unique_names([h or "" for h in header])
    frame = frame.rename(dict(zip(frame.columns, names, strict=True)))
    rows = pl.int_range(2, frame.height + 2, dtype=pl.Int64, eager=True).alias(ROW)
    frame = frame.with_columns(rows)
    check_frame(file, frame, limits)
    nulls = [pl.col(c).is_null() for c in names]
    blank = pl.all_horizontal(nulls)
    others_blank = pl.all_horizontal(nulls[1:]) if len(names) > 1 else pl.lit(True)
    maybe_note = others_blank | pl.col(names[0]).str.contains(_NOTE_START).fill_null(False)
    flags = frame.select(blank.any().alias("blank"), (maybe_note & ~blank).any().alias("note"))
    if flags.item(0, "blank"):
        frame = frame.filter(~blank)  # blank rows are skipped
    candidates: list[tuple[object, ...]] = []
    if flags.item(0, "note"):  # the few rows that could be notes, each with the row before
        candidates = (
            frame.with_columns(pl.col(ROW).shift(1).alias("__previous"))
            .filter(maybe_note)
            .select(*names, ROW, "__previous")
            .rows()
        )
    notes: list[NoteRow] = []
    note_rows: set[int] = set()
    for record in candidates:
        cells = [str(c).strip() or None if c is not None else None for c in record[:-2]]
        row, previous = record[-2], record[-1]
        kind = note_kind(cells, previous in note_rows)
        if kind is not None and isinstance(row, int):
            notes.append(NoteRow(row, " ".join(dict.fromkeys(c for c in cells if c)), kind))
            note_rows.add(row)
    if note_rows:
        frame = frame.filter(~pl.col(ROW).is_in(sorted(note_rows)))
    framing = Framing(header_rows=(1,), header=tuple(h or "" for h in header), notes=tuple(notes))
    return frame, framing


def _tolerant(
    file: str, text: str, sep: str, encoding: str, limits: Limits
) -> tuple[pl.DataFrame, Framing]:
    grid = csv_grid(text, file, sep, limits, encoding=encoding)
    framed = detect(grid, fixed_width=True)
    if not framed.framing.header_rows:
        raise fail(file, IssueCode.EMPTY_FILE, "文件为空", "the file is empty")
    if framed.wide:
        raise ragged_rows(file, framed.wide, len(framed.framing.header))
    frame = pl.DataFrame(
        framed.rows, schema=[(c, pl.Utf8) for c in framed.columns], orient="row"
    ).with_columns(pl.Series(ROW, framed.numbers, dtype=pl.Int64))
    check_frame(file, frame, limits)
    return frame, framed.framing


def check_frame(file: str, frame: pl.DataFrame, limits: Limits) -> None:
    """Rows and cell lengths of a parsed CSV, counted by the column: the lines counted
    before were an upper bound of the rows, and a cell's length shows once quotes are read."""
    if frame.height + 1 > limits.rows:  # the header is row 1
        raise refuse(
            file,
            f"行数超过上限 {limits.rows:,} 行（设置 {setting('rows')}）",
            f"more rows than the limit of {limits.rows:,} (setting {setting('rows')})",
            row=limits.rows + 1,
        )
    width = frame.width - (ROW in frame.columns)
    if width > limits.columns:  # a separator the first look did not count (;)
        raise refuse(
            file,
            f"表头有 {width:,} 列，超过上限 {limits.columns:,} 列（设置 {setting('columns')}）",
            f"the header has {width:,} columns, over the limit of {limits.columns:,} "
            f"(setting {setting('columns')})",
            row=1,
        )
    for name in frame.columns:
        if name == ROW:
            continue
        if len(name) > limits.cell_chars:
            check_cell_length(file, 1, name[:40], len(name), limits)
        lengths = frame.get_column(name).str.len_chars()
        longest = lengths.max()
        if isinstance(longest, int) and longest > limits.cell_chars:
            at = lengths.arg_max() or 0
            check_cell_length(file, int(frame.get_column(ROW)[at]), name, longest, limits)
