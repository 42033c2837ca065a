"""What the commands print: the two consoles, the ``--format`` option, tables, JSON, CSV and
progress bars.

Results go to standard output (``out``); messages, warnings and progress go to standard error
(``err``), so that ``--format json`` or ``csv`` output can be piped.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from wenzeng.present.cells import spreadsheet_safe

out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, soft_wrap=True)


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="输出格式 / output format")]

Columns = list[tuple[str, str]]
"""(key, header) pairs: which keys of the rows are shown, in order, under which header."""


def emit_json(data: Any) -> None:
    out.print_json(json.dumps(data, ensure_ascii=False, default=str))


def emit_rows(
    rows: list[dict[str, Any]],
    fmt: Format,
    columns: Columns,
    title: str | None = None,
) -> None:
    """Rows as a table, as JSON (every key) or as CSV (the columns' keys as header)."""
    if fmt is Format.json:
        emit_json(rows)
        return
    if fmt is Format.csv:
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow([c for c, _ in columns])
        for r in rows:  # text a spreadsheet would run as a formula stays text
            w.writerow([spreadsheet_safe(r.get(c)) for c, _ in columns])
        sys.stdout.write(buf.getvalue())
        return
    table = Table(title=title, show_lines=False)
    for _, header in columns:
        table.add_column(header)
    for r in rows:
        table.add_row(*["" if r.get(c) is None else str(r.get(c)) for c, _ in columns])
    out.print(table)


@contextmanager
def progress(label: str, total: int | None) -> Iterator[Callable[[int], None]]:
    """A progress bar on standard error when it is a terminal (or ``WENZENG_PROGRESS=1``);
    yields the function that advances it by n steps."""
    if not sys.stderr.isatty() and os.environ.get("WENZENG_PROGRESS") != "1":
        yield lambda _n: None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)
