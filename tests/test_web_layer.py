"""The web layer reads no store and takes no access decision of its own; every page reads
its format from the URL by one rule."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from starlette.requests import Request

from wenzeng.errors import NotFound
from wenzeng.web.pages.formats import ONE_THING, item_format, page_format

WEB = Path(__file__).parents[1] / "src" / "wenzeng" / "web"
PAGES = WEB / "pages"


def imported(path: Path) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names}
    return out


@pytest.mark.parametrize("path", sorted(WEB.rglob("*.py")), ids=lambda p: p.name)
def test_no_web_module_reads_the_store(path: Path) -> None:
    bad = {m for m in imported(path) if m.startswith(("wenzeng.store", "sqlalchemy"))}
    assert not bad, f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", sorted(PAGES.glob("*.py")), ids=lambda p: p.name)
def test_pages_ask_the_policy_who_may_see_and_do_what(path: Path) -> None:
    names = {
        n.attr if isinstance(n, ast.Attribute) else n.id
        for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(n, ast.Attribute | ast.Name)
    }
    assert not names & {"is_staff", "is_reporter", "REPORTER_KINDS", "PUBLISHED_SOURCES"}


def request(path: str) -> Request:
    return Request(
        {"type": "http", "method": "GET", "path": path, "headers": [], "query_string": b""}
    )


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("/warnings", "html"),
        ("/warnings.json", "json"),
        ("/regions.csv", "csv"),
        ("/regions.xlsx", "xlsx"),
        ("/tracker/", "html"),
    ],
)
def test_a_list_page_reads_its_format_from_the_url(path: str, fmt: str) -> None:
    assert page_format(request(path), path.strip("/").split(".")[0]) == fmt


@pytest.mark.parametrize("path", ["/report.pdf", "/warnings.txt", "/reports.json.csv"])
def test_a_format_no_page_has_is_not_found(path: str) -> None:
    with pytest.raises(NotFound):
        page_format(request(path), path.strip("/").split(".")[0])


def test_a_page_of_one_thing_reads_its_code_and_format() -> None:
    assert item_format("12.json", "none", formats=ONE_THING, numeric=True) == ("12", "json")
    assert item_format("440000.csv", "none") == ("440000", "csv")
    for name in ("12.csv", "x.json"):
        with pytest.raises(NotFound, match="no such warning"):
            item_format(name, "没有这个预警 / no such warning", formats=ONE_THING, numeric=True)
