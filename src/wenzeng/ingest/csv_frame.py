"""A CSV file as a framed table: Polars reads the data, the ``csv`` module what it refuses.

* The first records (:data:`HEAD_ROWS`) are read with the ``csv`` module and
  :func:`~wenzeng.ingest.frame_detect.detect` finds the header there: row 1 in a plain
  long table, lower under title rows, a unit line and blank rows, one or two rows deep.
* Polars reads every row below the header as text (a plain file's bytes as they are;
  otherwise the rows after the header's last record, under plain names).  Blank rows are
  dropped; the few rows that could be notes (``注：…``, ``资料来源：…``: one cell filled, or
  a note-like first cell) are judged by :func:`~wenzeng.ingest.frame_detect.note_kind`
  and taken out.  A 50 MB long table is read at Polars' speed, title or not.
* When Polars refuses the rows (a note with separators in it, a row longer than the
  header, a quote out of place), the tolerant way reads every record into a
  :class:`~wenzeng.ingest.framing.Grid` and splits it with ``detect``; data rows longer
  than the header are refused all at once, each with its row number and field count.
"""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import polars as pl

from wenzeng.domain.issues import IssueCode
from wenzeng.ingest.frame_detect import detect, note_kind, unique_names
from wenzeng.ingest.framing import ROW, Framing, NoteRow
from wenzeng.ingest.grid import csv_grid, decode_text, fail, ragged_rows, sniff_separator
from wenzeng.ingest.limits import Limits, check_cell_length, refuse, setting

HEAD_ROWS = 60  # records read to find the header
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
    framing = detect(head).framing
    if framing.header_rows:
        raw = data.removeprefix(b"\xef\xbb\xbf") if encoding == "utf-8" else None
        fast = _fast(file, text, raw, sep, head.cells, framing, limits)
        if fast is not None:
            return (*fast, encoding)
    return (*_tolerant(file, text, sep, encoding, limits), encoding)


def _record_end(text: str, records: int) -> int | None:
    """Where the text's record ``records`` (1-based) ends: a line break outside quotes."""
    pos = 0
    for _ in range(records):
        quoted = False
        while True:
            end = text.find("\n", pos)
            if end < 0:
                return None
            quoted ^= text.count('"', pos, end) % 2 == 1
            pos = end + 1
            if not quoted:
                break
    return pos


def _fast(
    file: str,
    text: str,
    raw: bytes | None,
    sep: str,
    head: list[list[str | None]],
    framing: Framing,
    limits: Limits,
) -> tuple[pl.DataFrame, Framing] | None:
    """Polars reads the data rows below the header the first records showed; None when it
    cannot (a row longer than the header, a note with separators in it)."""
    first, last = framing.header_rows[0], framing.header_rows[-1]
    width = max(len(head[r - 1]) for r in framing.header_rows)
    header = [*framing.header, *[""] * (width - len(framing.header))][:width]
    if last == 1:  # the header is row 1: the bytes as they are (a plain long table)
        body = raw if raw is not None else text.encode("utf-8")
    else:  # the rows below the header, under a header of plain names Polars reads
        end = _record_end(text, last)
        if end is None:
            return None
        names_line = sep.join(f"c{i}" for i in range(width))
        body = (names_line + "\n" + text[end:]).encode("utf-8")
    try:
        frame = pl.read_csv(
            io.BytesIO(body), separator=sep, infer_schema=False, truncate_ragged_lines=False
        )
    except pl.exceptions.PolarsError:
        return None  # a note with separators, a ragged row: the tolerant way says which
    if frame.width != width:
        return None
    frame, notes = _rows_and_notes(file, frame, header, last + 1, limits)
    while (
        len(header) > 1
        and not header[-1]
        and frame.get_column(frame.columns[-2]).null_count() == frame.height
    ):
        frame = frame.drop(frame.columns[-2])  # a trailing column with no header and no data
        header.pop()
    above = tuple(n for n in framing.notes if n.row < first)
    return frame, replace(framing, header=tuple(header), notes=above + tuple(notes))


def _rows_and_notes(
    file: str, frame: pl.DataFrame, header: list[str], first_row: int, limits: Limits
) -> tuple[pl.DataFrame, list[NoteRow]]:
    """The frame named and numbered, without its blank rows and note rows; the notes."""
    names = unique_names(header)
    frame = frame.rename(dict(zip(frame.columns, names, strict=True)))
    rows = pl.int_range(first_row, first_row + frame.height, dtype=pl.Int64, eager=True)
    frame = frame.with_columns(rows.alias(ROW))
    check_frame(file, frame, limits, first_row - 1)
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
    return frame, notes


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
    check_frame(file, frame, limits, framed.framing.header_rows[-1])
    return frame, framed.framing


def check_frame(file: str, frame: pl.DataFrame, limits: Limits, header_row: int = 1) -> None:
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
            row=header_row,
        )
    for name in frame.columns:
        if name == ROW:
            continue
        if len(name) > limits.cell_chars:
            check_cell_length(file, header_row, name[:40], len(name), limits)
        lengths = frame.get_column(name).str.len_chars()
        longest = lengths.max()
        if isinstance(longest, int) and longest > limits.cell_chars:
            at = lengths.arg_max() or 0
            check_cell_length(file, int(frame.get_column(ROW)[at]), name, longest, limits)
