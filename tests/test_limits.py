"""Limits on files and request bodies: hostile files are refused before any work starts,
quickly, in little memory, with a message in Chinese and English naming file, sheet and
cell, and nothing reaches the store.  Normal files read as before."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

import hostile_files as hostile
from factories import ACME, ENTERPRISE_VALUES, add_enterprises
from web_session import PASSWORD, csrf, login
from wenzeng.auth.principal import SYSTEM, Principal, Role
from wenzeng.cli import run
from wenzeng.errors import TooLarge, ValidationFailed
from wenzeng.ingest.excel import read_sheet
from wenzeng.ingest.limits import Limits, precheck
from wenzeng.ingest.pipeline import ColumnMapping
from wenzeng.ingest.readers import read_table
from wenzeng.ingest.workbook_scan import MAX_COL, MAX_ROW, parse_range, survey_workbook
from wenzeng.services import accounts, jobs
from wenzeng.services.context import Context
from wenzeng.services.form_files import upload
from wenzeng.services.importing import import_file
from wenzeng.store.audit import audit_entries
from wenzeng.web.app import create_app

ENTERPRISE = Principal("acme", Role.ENTERPRISE, user_id=2, entity="E9001")
HEADER = "报送单位代码,报告期,工业总产值（当月）（万元）,营业收入（当月）（万元）"
MEMORY_BOUND = 200 * 1024 * 1024  # bytes Python may allocate while refusing a hostile file


def peak_memory(call: Callable[[], Any]) -> tuple[BaseException | None, int]:
    """(what ``call`` raised, the peak of memory allocated meanwhile, in bytes)."""
    tracemalloc.start()
    try:
        call()
    except Exception as exc:  # the refusal under test
        return exc, tracemalloc.get_traced_memory()[1]
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return None, peak


def submissions_logged(cx: Context) -> int:
    with cx.reading() as conn:
        return len(audit_entries(conn, object_type="submission"))


@pytest.fixture
def cx(ctx: Context) -> Context:
    add_enterprises(ctx, ACME)
    return ctx


def _bilingual(exc: ValidationFailed) -> dict[str, Any]:
    body = exc.body()
    issue = body["errors"][0]
    assert issue["msg_zh"] and issue["msg_en"] and issue["code"] == "too_large"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in issue["msg_zh"])
    assert issue["msg_en"].isascii()
    return issue  # type: ignore[no-any-return]


# -- workbooks ---------------------------------------------------------------------------------
HOSTILE_WORKBOOKS = {
    # name: (bytes, the cell or part the refusal names, what the English message says)
    "far_cell.xlsx": (hostile.far_cell, ["row", 1048576, "column", "XFD"], "XFD1048576"),
    "far_cell_lying.xlsx": (
        lambda: hostile.far_cell(honest_dimension=False),
        ["row", 1048576],
        "past the limit of 1,000,000 rows",
    ),
    "far_merge.xlsx": (hostile.far_merge, ["row", 1048576, "column", "XFD"], "A3:XFD1048576"),
    "long_inline.xlsx": (
        lambda: hostile.long_cell_workbook(40_000, shared=False),
        ["row", 2, "column", "B"],
        "40,000 characters",
    ),
    "long_shared.xlsx": (
        lambda: hostile.long_cell_workbook(40_000, shared=True),
        ["row", 2, "column", "B"],
        "40,000 characters",
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_WORKBOOKS))
def test_a_hostile_workbook_is_refused_in_little_memory_and_writes_nothing(
    cx: Context, name: str
) -> None:
    make, where, says = HOSTILE_WORKBOOKS[name]
    data = make()
    assert len(data) < 200_000  # each is a few kilobytes
    before = submissions_logged(cx)
    exc, peak = peak_memory(lambda: upload(cx, ENTERPRISE, "monthly_enterprise", Path(name), data))
    assert isinstance(exc, TooLarge), exc
    assert exc.status == 413
    issue = _bilingual(exc)
    assert issue["loc"] == ["file", name, "sheet", hostile.SHEET, *where]
    assert says in exc.message
    assert "设置 WENZENG_LIMIT_" in issue["msg_zh"]
    assert peak < MEMORY_BOUND, peak
    assert submissions_logged(cx) == before


def test_a_zip_bomb_is_refused_by_its_directory(sqlite_ctx: Context) -> None:
    bomb = hostile.zip_bomb(300)  # ~1 MB that inflates to 300 MB of cells
    assert len(bomb) < 5 * 1024 * 1024
    exc, peak = peak_memory(
        lambda: upload(sqlite_ctx, SYSTEM, "monthly_enterprise", Path("b.xlsx"), bomb)
    )
    assert isinstance(exc, TooLarge) and "WENZENG_LIMIT_UNCOMPRESSED_BYTES" in exc.message
    assert "inflates to 314," in exc.message and exc.body()["errors"][0]["loc"] == [
        "file",
        "b.xlsx",
    ]
    assert peak < MEMORY_BOUND, peak


def test_a_zip_bomb_under_the_size_limit_is_refused_by_its_ratio() -> None:
    bomb = hostile.zip_bomb(60)
    exc, peak = peak_memory(lambda: read_table(Path("b.xlsx"), bomb))
    assert isinstance(exc, TooLarge), exc
    assert "xl/worksheets/sheet1.xml" in exc.message and "over the limit of 100:1" in exc.message
    # with the ratio allowed, the streamed scan still stops at the uncompressed limit
    loose = Limits(compression_ratio=10**6, uncompressed_bytes=20 * 1024 * 1024)
    exc, peak = peak_memory(lambda: read_table(Path("b.xlsx"), bomb, loose))
    assert isinstance(exc, TooLarge) and "WENZENG_LIMIT_UNCOMPRESSED_BYTES" in exc.message
    assert peak < MEMORY_BOUND, peak


def test_a_zip_directory_that_lies_about_sizes_inflates_nothing_past_them() -> None:
    """A part that claims 1,000 bytes and holds 30 MB: nothing inflates past the claim (the
    zip reader stops there and the checksum fails): refused as damaged, in little memory."""
    import struct
    import zipfile

    row = "<row>" + "<c><v>1</v></c>" * 10 + "</row>"
    sheet = hostile.sheet_xml(row * (30 * 1024 * 1024 // len(row)), dimension=None)
    honest = hostile.workbook(sheet)
    data = bytearray(honest)
    info = zipfile.ZipFile(io.BytesIO(honest)).getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size > 30_000_000
    struct.pack_into("<I", data, info.header_offset + 22, 1000)  # the local header
    name = b"xl/worksheets/sheet1.xml"
    at = data.find(b"PK\x01\x02")
    while at >= 0:  # the central directory's entry for the sheet
        if data[at + 46 : at + 46 + len(name)] == name:
            struct.pack_into("<I", data, at + 24, 1000)
        at = data.find(b"PK\x01\x02", at + 4)
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(name.decode()).file_size == 1000
    exc, peak = peak_memory(lambda: read_table(Path("lies.xlsx"), bytes(data)))
    assert isinstance(exc, ValidationFailed) and exc.status == 422, exc
    assert "xl/worksheets/sheet1.xml" in exc.message
    assert peak < 20 * 1024 * 1024, peak


def test_the_used_range_is_limited_by_its_cells() -> None:
    rows = "".join(f'<row r="{r}"><c r="J{r}"><v>{r}</v></c></row>' for r in range(1, 30))
    data = hostile.workbook(hostile.sheet_xml(rows, dimension=None))
    with pytest.raises(TooLarge) as info:
        read_table(Path("w.xlsx"), data, Limits(cells=200))
    assert "the used range A1:J21 spans 210 cells" in info.value.message
    table = read_table(Path("w.xlsx"), data, Limits(cells=290))
    assert table.frame.height == 28


def test_many_merges_together_are_limited() -> None:
    merges = ["A2:J20", "A2:J20"]  # each within the limit, overlapping: together over it
    data = hostile.workbook(hostile.sheet_xml(hostile.HEADER_ROW, merges=merges))
    with pytest.raises(TooLarge, match="merged ranges cover"):
        read_table(Path("m.xlsx"), data, Limits(cells=300))


def test_a_doctype_is_refused_as_damaged() -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        f'<worksheet xmlns="{hostile.NS}"><sheetData><row><c t="inlineStr"><is><t>&lol2;</t>'
        "</is></c></row></sheetData></worksheet>"
    )
    with pytest.raises(ValidationFailed) as info:
        read_table(Path("laughs.xlsx"), hostile.workbook(laughs))
    assert info.value.status == 422 and "xl/worksheets/sheet1.xml" in info.value.message


def test_a_loose_xml_part_that_is_no_sheet_does_not_spoil_the_workbook() -> None:
    """Excel writes legacy VML drawings (comments) as loose XML: not read, not refused."""
    rows = hostile.HEADER_ROW + '<row r="2">' + hostile.inline("A2", "E9001") + "</row>"
    vml = "<xml><v:shape><br></xml>"
    data = hostile.workbook(hostile.sheet_xml(rows), extra={"xl/drawings/vmlDrawing1.vml": vml})
    assert read_table(Path("v.xlsx"), data).frame.height == 1
    broken_sheet = hostile.sheet_xml(rows).replace("</sheetData>", "<row></sheetData>")
    with pytest.raises(ValidationFailed, match="xl/worksheets/sheet1.xml"):
        read_table(Path("b.xlsx"), hostile.workbook(broken_sheet))


# -- workbooks as offices make them: the streaming reader keeps what the old one read ----------
def test_the_streaming_reader_keeps_titles_merged_headers_dates_and_gaps() -> None:
    from datetime import date

    wb = Workbook()
    ws = wb.active
    ws.title = "一季度"
    ws["A1"] = "表1 重点企业月报（2024年1-9月）"
    ws.merge_cells("A1:E1")
    ws["A2"], ws["B2"], ws["C2"] = "报送单位代码", "报告期", "营业收入"
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:B3")
    ws.merge_cells("C2:D2")
    ws["C3"], ws["D3"], ws["E2"] = "当月", "1-本月累计", "填报日期"
    ws.merge_cells("E2:E3")
    ws.append(["E9001", "2024年1-9月", 12.5, 100, date(2024, 10, 8)])
    ws.append([])  # an empty row is skipped, and the row numbers keep counting
    ws.append(["E9002", "2024年1-9月", 3, None, None])
    ws["A9"] = "合计"
    ws.merge_cells("A9:B9")
    out = io.BytesIO()
    wb.save(out)
    data = out.getvalue()
    survey = precheck("q.xlsx", data).workbook
    assert survey is not None
    sheet, header, rows, numbers = read_sheet(data, survey)
    assert sheet == "一季度"
    assert header == ["报送单位代码", "报告期", "营业收入/当月", "营业收入/1-本月累计", "填报日期"]
    assert rows == [
        ["E9001", "2024年1-9月", "12.5", "100", "2024-10-08"],
        ["E9002", "2024年1-9月", "3", None, None],
        ["合计", "合计", None, None, None],
    ]
    assert numbers == [4, 6, 9]


def test_cells_without_references_or_with_odd_ones_are_placed_as_openpyxl_places_them() -> None:
    rows = (
        hostile.HEADER_ROW
        + '<row><c t="inlineStr"><is><t>E9001</t></is></c><c><v>7</v></c></row>'  # row 2
        + '<row r="5"><c r="A2" t="inlineStr"><is><t>E9002</t></is></c><c><v>8</v></c></row>'
    )
    table = read_table(Path("odd.xlsx"), hostile.workbook(hostile.sheet_xml(rows)))
    assert table.frame.rows() == [("E9001", "7", 2), ("E9002", "8", 5)]


def test_a_normal_workbook_reads_every_row(tmp_path: Path) -> None:
    data = hostile.plain_workbook(500)
    table = read_table(Path("plain.xlsx"), data)
    assert table.sheet == hostile.SHEET and table.frame.height == 500
    assert table.columns[:3] == ["报送单位代码", "报告期", "指标0"]
    assert table.frame.row(499)[:3] == ("E00499", "2025年10月", "748.5")


def test_the_part_read_is_the_part_surveyed() -> None:
    """The reader refuses a workbook whose sheet part the survey did not check."""
    data = hostile.plain_workbook(3)
    survey = precheck("p.xlsx", data).workbook
    assert survey is not None and "xl/worksheets/sheet1.xml" in survey.sheets
    survey.sheets.clear()
    with pytest.raises(ValueError, match="not surveyed"):
        read_sheet(data, survey)


# -- references of every kind parse or are refused cleanly -------------------------------------
@given(st.text(max_size=30))
def test_any_range_reference_parses_within_the_sheet_or_not_at_all(ref: str) -> None:
    rng = parse_range(ref)
    if rng is not None:
        r1, c1, r2, c2 = rng
        assert 1 <= r1 <= r2 <= MAX_ROW and 1 <= c1 <= c2 <= MAX_COL


REFS = st.one_of(
    st.text(max_size=20),
    st.from_regex(
        r"\$?[A-Za-z]{1,4}\$?[0-9]{1,8}(:\$?[A-Za-z]{1,4}\$?[0-9]{1,8})?", fullmatch=True
    ),
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(dimension=REFS, merge=REFS, cell=REFS)
def test_any_dimension_merge_or_cell_reference_is_read_or_refused_cleanly(
    dimension: str, merge: str, cell: str
) -> None:
    from xml.sax.saxutils import quoteattr

    rows = hostile.HEADER_ROW + f'<row r="2"><c r={quoteattr(cell)}><v>1</v></c></row>'
    data = hostile.workbook(hostile.sheet_xml(rows, dimension=dimension, merges=[merge]))
    try:
        survey = survey_workbook("h.xlsx", data, Limits())
    except TooLarge as exc:
        assert exc.status == 413 and exc.issues[0].loc.sheet == hostile.SHEET
        return
    except ValidationFailed as exc:
        assert exc.status == 422 and "Excel" in exc.message
        return
    shape = survey.sheets["xl/worksheets/sheet1.xml"]
    assert shape.max_row * shape.max_col <= Limits().cells


# -- CSV ---------------------------------------------------------------------------------------
def test_a_csv_over_the_row_limit_is_refused_while_counting(cx: Context) -> None:
    rows = 1_000_001  # the header and a million rows: one past the default limit
    data = (HEADER + "\n").encode() + b"E9001,2025-10,1,1\n" * (rows - 1)
    before = submissions_logged(cx)
    exc, peak = peak_memory(
        lambda: upload(cx, ENTERPRISE, "monthly_enterprise", Path("m.csv"), data)
    )
    assert isinstance(exc, TooLarge) and exc.status == 413
    assert _bilingual(exc)["loc"] == ["file", "m.csv", "row", 1_000_001]
    assert "WENZENG_LIMIT_ROWS" in exc.message
    assert peak < MEMORY_BOUND, peak
    assert submissions_logged(cx) == before


def test_line_breaks_inside_quotes_are_no_rows() -> None:
    """Lines are only an upper bound: a file within the limit by records is read."""
    data = ("a,b\n" + '1,"x\ny\nz"\n' * 4).encode()
    table = read_table(Path("q.csv"), data, Limits(rows=5))
    assert table.frame.height == 4
    with pytest.raises(TooLarge):
        read_table(Path("q.csv"), data, Limits(rows=4))


def test_an_overlong_csv_cell_or_header_is_refused_by_row_and_column(cx: Context) -> None:
    long_value = "壹" * 40_000
    text = f"{HEADER}\nE9001,2025-10,1,1\nE9001,2025-11,{long_value},1\n"
    with pytest.raises(TooLarge) as info:
        upload(cx, ENTERPRISE, "monthly_enterprise", Path("c.csv"), text.encode())
    issue = _bilingual(info.value)
    assert issue["loc"] == ["file", "c.csv", "row", 3, "column", "工业总产值（当月）（万元）"]
    assert "40,000 characters" in issue["msg_en"] and len(info.value.message) < 1000
    with pytest.raises(TooLarge) as info:
        read_table(Path("h.csv"), f"a,{long_value}\n1,2\n".encode())
    assert info.value.issues[0].loc.row == 1


def test_a_csv_with_too_many_columns_is_refused_before_parsing() -> None:
    header = ",".join(f"c{i}" for i in range(1_001)) + ',"a,b"'
    with pytest.raises(TooLarge, match="the header has 1,002 columns"):
        read_table(Path("w.csv"), (header + "\n1\n").encode())


def test_a_50_mb_csv_is_within_the_default_limits() -> None:
    """The largest CSV the issue names (50 MB, 760k rows) passes the checks."""
    row = b"E9001,2025-10,1234567.25,7654321.5,2025-11-01,some note\n"  # ~66 bytes
    data = b"a,b,c,d,e,f\n" + row * (50 * 1024 * 1024 // len(row))
    assert len(data) > 50 * 1000 * 1000
    assert precheck("big.csv", data).workbook is None  # no refusal


def test_a_file_over_the_byte_limit_is_refused_unread(sqlite_ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("wb") as f:  # sparse: 100 MB that take no disk
        f.truncate(100 * 1024 * 1024)
    exc, peak = peak_memory(lambda: import_file(sqlite_ctx, path, ColumnMapping()))
    assert isinstance(exc, TooLarge) and "104,857,600 bytes" in exc.message
    assert "WENZENG_LIMIT_UPLOAD_BYTES" in exc.message
    assert peak < 10 * 1024 * 1024  # the file was never read


def test_wenzeng_import_refuses_a_hostile_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WENZENG_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.delenv("WENZENG_DEBUG", raising=False)
    assert run(["init"]) == 0
    path = tmp_path / "far.xlsx"
    path.write_bytes(hostile.far_merge())
    capsys.readouterr()
    code = run(["import", str(path)])
    err = capsys.readouterr().err
    assert code == 3
    assert "A3:XFD1048576" in err and "WENZENG_LIMIT_ROWS" in err and "Traceback" not in err
    monkeypatch.setenv("WENZENG_LIMIT_ROWS", "2000000")  # the setting is the one that counts
    monkeypatch.setenv("WENZENG_LIMIT_COLUMNS", "20000")
    code = run(["import", str(path)])
    assert code == 3 and "WENZENG_LIMIT_CELLS" in capsys.readouterr().err


# -- HTTP bodies -------------------------------------------------------------------------------
@pytest.fixture
def web(sqlite_ctx: Context) -> Iterator[tuple[TestClient, dict[str, str], Context]]:
    sqlite_ctx.settings = sqlite_ctx.settings.model_copy(
        update={"limit_upload_bytes": 2 * 1024 * 1024, "limit_body_bytes": 64 * 1024}
    )
    add_enterprises(sqlite_ctx, ACME)
    accounts.add_user(
        sqlite_ctx, SYSTEM, username="acme", role="enterprise", entity="E9001", password=PASSWORD
    )
    token = accounts.create_token(sqlite_ctx, SYSTEM, "acme", "tests")
    with TestClient(create_app(sqlite_ctx.settings, sqlite_ctx)) as c:
        yield c, {"Authorization": f"Bearer {token}"}, sqlite_ctx


UPLOAD = "/api/v1/forms/monthly_enterprise/upload"
BIG_CSV = (HEADER + "\n").encode() + b"E9001,2025-10,1,1\n" * 200_000  # 3.6 MB


def _error_body(r: Any, status: int = 413) -> dict[str, Any]:
    assert r.status_code == status, r.text[:300]
    body: dict[str, Any] = r.json()
    assert body["ok"] is False and body["status"] == status and body["errors"]
    assert "请求体" in body["message"] and "request body" in body["message"]
    return body


def test_an_upload_over_the_limit_is_refused_by_its_content_length(
    web: tuple[TestClient, dict[str, str], Context],
) -> None:
    c, headers, cx = web
    before = submissions_logged(cx)
    r = c.post(UPLOAD, files={"file": ("m.csv", BIG_CSV, "text/csv")}, headers=headers)
    body = _error_body(r)
    assert "WENZENG_LIMIT_UPLOAD_BYTES" in body["message"] and "3,6" in body["message"]
    assert submissions_logged(cx) == before
    fields = ",".join(ENTERPRISE_VALUES)
    values = ",".join(str(v) for v in ENTERPRISE_VALUES.values())
    small = f"报送单位代码,报告期,{fields}\nE9001,2025-10,{values}\n".encode()
    r = c.post(UPLOAD, files={"file": ("m.csv", small, "text/csv")}, headers=headers)
    assert r.status_code == 202, r.text  # within the limit, the upload is taken as a job
    assert r.json()["job"]["status"] == "done", r.text
    assert submissions_logged(cx) == before + 1


def test_a_chunked_body_is_refused_through_the_app(
    web: tuple[TestClient, dict[str, str], Context],
) -> None:
    c, headers, cx = web

    def chunks() -> Iterator[bytes]:  # no Content-Length: Transfer-Encoding: chunked
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="m.csv"\r\n\r\n'
        for _ in range(100):  # 100 x 64 KiB
            yield b"E9001,2025-10,1,1\n" * 3640
        yield b"\r\n--b--\r\n"

    r = c.post(
        UPLOAD,
        content=chunks(),
        headers={**headers, "Content-Type": "multipart/form-data; boundary=b"},
    )
    body = _error_body(r)
    assert "over the limit of 3,145,728 bytes" in body["message"]  # 2 MiB + 1 MiB of form
    assert submissions_logged(cx) == 0


def test_the_middleware_stops_reading_a_streamed_body_at_the_limit() -> None:
    """At the ASGI level: the app reads the body as any route does; the middleware cuts it
    at the first chunk past the limit and answers 413 instead of the app."""
    import asyncio

    from wenzeng.web.body_limit import BodyLimit

    pulled = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": b"x" * 65_536, "more_body": pulled < 1000}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        try:
            while (await receive()).get("more_body"):
                pass
        except Exception:  # as a framework does: a body it cannot read is a 400
            await send({"type": "http.response.start", "status": 400, "headers": []})
            await send({"type": "http.response.body", "body": b"bad body"})
            return
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    scope = {"type": "http", "method": "POST", "path": "/api/v1/x", "headers": []}
    asyncio.run(BodyLimit(app, upload_bytes=10**9, body_bytes=1_000_000)(scope, receive, send))
    assert pulled == 16  # 16 x 64 KiB is the first past 1,000,000 bytes; 984 never read
    assert sent[0]["status"] == 413 and len(sent) == 2
    assert b"WENZENG_LIMIT_BODY_BYTES" in sent[1]["body"] and b"bad body" not in sent[1]["body"]


def test_a_json_body_has_the_smaller_limit_with_or_without_content_length(
    web: tuple[TestClient, dict[str, str], Context],
) -> None:
    c, headers, _ = web
    big = b'{"form": "monthly_enterprise", "values": {"x": "' + b"1" * 100_000 + b'"}}'
    r = c.post(
        "/api/v1/submissions/check",
        content=big,
        headers={**headers, "Content-Type": "application/json"},
    )
    assert "WENZENG_LIMIT_BODY_BYTES" in _error_body(r)["message"]
    r = c.post(
        "/api/v1/submissions/check",
        content=iter([big[:50_000], big[50_000:]]),
        headers={**headers, "Content-Type": "application/json"},
    )
    assert "over the limit of 65,536 bytes" in _error_body(r)["message"]


def test_a_page_gets_a_readable_page(web: tuple[TestClient, dict[str, str], Context]) -> None:
    c, _, cx = web
    login(c, "acme", "/report")
    page = c.get("/report/upload")
    r = c.post(
        "/report/upload",
        data={"form": "monthly_enterprise", "csrf_token": csrf(page.text)},
        files={"file": ("m.csv", BIG_CSV, "text/csv")},
        headers={"Accept": "text/html"},
    )
    assert r.status_code == 413 and r.headers["content-type"].startswith("text/html")
    assert "请求体" in r.text and "request body" in r.text and "<html" in r.text.lower()
    assert r.headers["X-Content-Type-Options"] == "nosniff"  # inside the security headers
    assert submissions_logged(cx) == 0


def test_the_upload_page_reports_a_hostile_workbook_with_its_cell(
    web: tuple[TestClient, dict[str, str], Context],
) -> None:
    c, _, cx = web
    login(c, "acme", "/report")
    page = c.get("/report/upload")
    r = c.post(
        "/report/upload",
        data={"form": "monthly_enterprise", "csrf_token": csrf(page.text)},
        files={"file": ("merge.xlsx", hostile.far_merge(), "application/octet-stream")},
        headers={"Accept": "text/html"},
    )
    # refused in the request, before a job is made: the upload form with the report
    assert r.status_code == 413 and "审核报告" in r.text
    assert "A3:XFD1048576" in r.text and "WENZENG_LIMIT_ROWS" in r.text
    assert submissions_logged(cx) == 0


def test_a_request_can_check_a_file_before_handing_it_on(sqlite_ctx: Context) -> None:
    from wenzeng.services.loading import check_file

    with pytest.raises(TooLarge, match="XFD1048576"):
        check_file(sqlite_ctx, "far.xlsx", hostile.far_cell())
    check_file(sqlite_ctx, "plain.xlsx", hostile.plain_workbook(5))  # within the limits
    sqlite_ctx.settings = sqlite_ctx.settings.model_copy(update={"limit_rows": 4})
    with pytest.raises(TooLarge, match="row 7, past the limit of 4 rows"):
        check_file(sqlite_ctx, "plain.xlsx", hostile.plain_workbook(5))


def test_a_hostile_workbook_upload_answers_413_in_both_languages(
    web: tuple[TestClient, dict[str, str], Context],
) -> None:
    c, headers, cx = web
    r = c.post(
        UPLOAD,
        files={"file": ("far.xlsx", hostile.far_cell(), "application/octet-stream")},
        headers=headers,
    )
    assert r.status_code == 413
    issue = r.json()["errors"][0]
    assert issue["loc"] == ["file", "far.xlsx", "sheet", "月报", "row", 1048576, "column", "XFD"]
    assert "超过行数上限" in issue["msg_zh"] and "past the limit" in issue["msg_en"]
    assert submissions_logged(cx) == 0
    assert jobs.list_jobs(cx, SYSTEM) == []  # refused before a job was stored or queued
