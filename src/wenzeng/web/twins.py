"""Every page has data twins: the same view context as HTML, JSON, and CSV or Excel for tables.

A page's view builds one context (a dict); ``respond`` renders it as the
format the URL asks for: ``/warnings`` (HTML), ``/warnings.json``,
``/warnings.csv``, ``/warnings.xlsx``.  The table of a page is the list of
row dicts under ``context["table"]``, with its columns in
``context["columns"]`` as (key, header) pairs.  Text in CSV and Excel files
that a spreadsheet would run as a formula is kept as text
(:func:`wenzeng.present.cells.spreadsheet_safe`).
"""

import csv
import io
from datetime import date, datetime
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from wenzeng.errors import NotFound
from wenzeng.present.cells import spreadsheet_safe
from wenzeng.web.etag import json_answer
from wenzeng.web.templating import render

FORMATS = ("html", "json", "csv", "xlsx")


def split_format(name: str) -> tuple[str, str]:
    """'warnings.csv' → ('warnings', 'csv'); 'warnings' → ('warnings', 'html')."""
    for fmt in FORMATS[1:]:
        if name.endswith(f".{fmt}"):
            return name[: -len(fmt) - 1], fmt
    return name, "html"


def _cell(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | dict):
        value = str(value)
    return spreadsheet_safe(value)


def _xlsx_cell(value: Any) -> Any:
    """As :func:`_cell`, without the control characters an Excel file cannot hold."""
    value = _cell(value)
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def csv_bytes(columns: list[tuple[str, str]], rows: list[dict[str, Any]]) -> bytes:
    """A table as CSV (UTF-8 with a byte-order mark, so that Excel opens it right)."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([spreadsheet_safe(header) for _, header in columns])
    for r in rows:
        w.writerow([_cell(r.get(k)) for k, _ in columns])
    return buf.getvalue().encode("utf-8-sig")


def xlsx_bytes(columns: list[tuple[str, str]], rows: list[dict[str, Any]], title: str) -> bytes:
    """A table as an Excel workbook of one sheet, its header in bold."""
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append([_xlsx_cell(header) for _, header in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append([_xlsx_cell(r.get(k)) for k, _ in columns])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def twin_data(context: dict[str, Any]) -> dict[str, Any]:
    """What a page's JSON twin holds: its context without the keys kept for the page."""
    return {k: v for k, v in context.items() if not k.startswith("_")}


def respond(
    request: Request, template: str, context: dict[str, Any], fmt: str, filename: str
) -> Response:
    if fmt == "html":
        return render(request, template, **context)
    if fmt == "json":
        return json_answer(request, twin_data(context))
    if "table" not in context:
        raise NotFound(
            f"此页面没有表格，无法导出 {fmt} / this page has no table to export as {fmt}"
        )
    columns: list[tuple[str, str]] = context["columns"]
    rows: list[dict[str, Any]] = context["table"]
    if fmt == "csv":
        return Response(
            csv_bytes(columns, rows),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'},
        )
    return Response(
        xlsx_bytes(columns, rows, filename),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{filename}.xlsx"'},
    )
