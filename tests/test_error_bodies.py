"""Error bodies are short and in the project's words: a huge cell is quoted by its first
characters, and a CSV file the parser refuses is described without the parser's text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from factories import ACME, ENTERPRISE_VALUES, add_enterprises
from web_session import PASSWORD, csrf, login
from wenzeng.auth.principal import SYSTEM
from wenzeng.errors import ValidationFailed
from wenzeng.ingest.pipeline import ColumnMapping
from wenzeng.ingest.readers import read_table
from wenzeng.services import accounts
from wenzeng.services.context import Context
from wenzeng.services.importing import import_file
from wenzeng.web.app import create_app

MEGABYTE = "壹" * 350_000  # about 1 MB in UTF-8
HEADER = "报送单位代码,报告期,工业总产值（当月）（万元）,营业收入（当月）（万元）"


@pytest.fixture
def client(sqlite_ctx: Context) -> Iterator[tuple[TestClient, dict[str, str]]]:
    # These tests are about quoting a huge cell: let one through the cell-length limit (by
    # default a 1 MB cell is refused before reading, 413: tests/test_limits.py).
    sqlite_ctx.settings = sqlite_ctx.settings.model_copy(update={"limit_cell_chars": 10**6})
    add_enterprises(sqlite_ctx, ACME)
    accounts.add_user(
        sqlite_ctx, SYSTEM, username="acme", role="enterprise", entity="E9001", password=PASSWORD
    )
    token = accounts.create_token(sqlite_ctx, SYSTEM, "acme", "tests")
    with TestClient(create_app(sqlite_ctx.settings, sqlite_ctx)) as c:
        yield c, {"Authorization": f"Bearer {token}"}


def _upload(client: TestClient, headers: dict[str, str], text: str) -> object:
    """Uploads are jobs (run in the request here): the answer is 202 with the job, which
    failed with the error the upload would have answered (422)."""
    r = client.post(
        "/api/v1/forms/monthly_enterprise/upload",
        files={"file": ("月报.csv", text.encode("utf-8"), "text/csv")},
        headers=headers,
    )
    assert r.status_code == 202, r.text[:500]
    job = r.json()["job"]
    assert job["status"] == "failed" and job["result"] == {"ok": False, "status": 422}
    return r


def test_a_megabyte_cell_makes_no_megabyte_answer(
    client: tuple[TestClient, dict[str, str]],
) -> None:
    c, headers = client
    files = [
        f"{HEADER}\nE9001,2025年10月,{MEGABYTE},1\n",  # a value
        f"{HEADER}\n{MEGABYTE},2025年10月,1,1\n",  # the reporter
        f"{HEADER}\nE9001,{MEGABYTE},1,1\n",  # the period
        f"{HEADER},{MEGABYTE}\nE9001,2025年10月,1,1,1\n",  # a column's name
    ]
    for text in files:
        r = _upload(c, headers, text)
        assert len(r.content) < 20_000, len(r.content)  # type: ignore[attr-defined]
        assert "壹壹壹壹…" in r.text  # type: ignore[attr-defined]


def test_the_upload_page_answers_briefly_too(client: tuple[TestClient, dict[str, str]]) -> None:
    c, _ = client
    login(c, "acme", "/report")
    page = c.get("/report/upload")
    r = c.post(
        "/report/upload",
        data={"form": "monthly_enterprise", "csrf_token": csrf(page.text)},
        files={
            "file": ("月报.csv", f"{HEADER}\nE9001,2025年10月,{MEGABYTE},1\n".encode(), "text/csv")
        },
    )
    assert r.status_code == 200 and "审核报告" in r.text  # the job's page, after the 303
    assert str(r.url).endswith("/jobs/1") and "壹壹壹壹…" in r.text
    assert len(r.content) < 20_000


def test_a_huge_field_name_in_json_is_quoted_briefly(
    client: tuple[TestClient, dict[str, str]],
) -> None:
    c, headers = client
    values = dict(ENTERPRISE_VALUES) | {MEGABYTE: 1}
    r = c.post(
        "/api/v1/submissions/check",
        json={
            "form": "monthly_enterprise",
            "reporter": "E9001",
            "period": "2025-10",
            "values": values,
        },
        headers=headers,
    )
    assert r.status_code == 200 and len(r.content) < 20_000
    assert any(p["rule"] == "unknown_field" for p in r.json()["problems"])


def test_an_import_quotes_a_huge_cell_briefly(sqlite_ctx: Context, tmp_path: Path) -> None:
    sqlite_ctx.settings = sqlite_ctx.settings.model_copy(update={"limit_cell_chars": 10**6})
    path = tmp_path / "big.csv"
    path.write_text(
        "indicator,region,period,period_type,measure,value,unit\n"
        f"revenue_elec,CN,2030-01,month,level,{MEGABYTE},亿元\n"
        f"{MEGABYTE},{MEGABYTE},{MEGABYTE},month,level,1,亿元\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationFailed) as info:
        import_file(sqlite_ctx, path, ColumnMapping())
    body = str(info.value.body())
    assert len(body) < 20_000
    for issue in info.value.issues:
        assert len(issue.msg) < 400 and (issue.value is None or len(str(issue.value)) < 50)


MALFORMED = [
    # (file, row, what the message says)
    (f"{HEADER}\nE9001,2025年10月,1,1\nE9001,2025年11月,1,1,1,1\n", 3, "row 3 has 6 fields"),
    (f'{HEADER}\nE9001,2025年10月,"1,1\nE9001,2025年11月,1,1\n', 2, "unmatched or misplaced quote"),
    (f'{HEADER}\nE9001,2025年10月,1,1\n"E9001"x,2025年11月,1,1\n', 3, "misplaced quote"),
]


@pytest.mark.parametrize(("text", "row", "says"), MALFORMED, ids=["ragged", "open", "stray"])
def test_a_malformed_csv_is_described_in_our_words(
    client: tuple[TestClient, dict[str, str]], text: str, row: int, says: str
) -> None:
    c, headers = client
    r = _upload(c, headers, text)
    body = r.json()["job"]  # type: ignore[attr-defined]
    assert "CSV 格式有误" in body["message"] and says in body["message"]
    assert body["errors"][0]["loc"] == ["file", "月报.csv", "row", row]
    for internal in ("polars", "truncate_ragged_lines", "Schema", "infer_schema", "dtype"):
        assert internal not in r.text  # type: ignore[attr-defined]
    assert len(r.content) < 2_000  # type: ignore[attr-defined]


def test_a_broken_excel_file_is_described_in_our_words() -> None:
    with pytest.raises(ValidationFailed) as info:
        read_table(Path("月报.xlsx"), b"PK\x03\x04 not really a zip file")
    assert info.value.message.startswith("Excel 文件已损坏或不是 .xlsx 格式")
    assert "zip" not in info.value.message.lower()
