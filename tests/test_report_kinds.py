"""Report definitions from users' catalogue files: a kind of their own or the explicit
replacement of a built-in one, stored with their history, generated through the command line
and the API, refused with the reason when they name what is not there."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from web_session import PASSWORD, login
from wenzeng.auth.principal import SYSTEM
from wenzeng.cli import run
from wenzeng.domain.units import use_units
from wenzeng.errors import Conflict, ValidationFailed
from wenzeng.reports.definition import builtin_report_definition
from wenzeng.services import accounts, report_kinds
from wenzeng.services.context import Context
from wenzeng.services.importing import ImportRequest, import_observations
from wenzeng.services.user_catalog import (
    entry_users,
    history,
    load_catalog_file,
    remove_user_entry,
)
from wenzeng.store.catalog_entries import save_entry
from wenzeng.web.app import create_app

CATALOG = Path(__file__).parent / "specimens" / "catalog"
SHIPS = CATALOG / "shipbuilding.yaml"
SHIP_REPORT = CATALOG / "shipbuilding-report.yaml"
# the national completions of 2024年1-9月 (a bureau-style table): a report is made only for a
# period whose core figures are known
SHIP_FIGURES = (
    "2024年1-9月船舶工业主要指标（示例数据）\n"
    "地区,造船完工量(万载重吨),同比增长(%)\n"
    "全国,3558.0,18.3\n"
)


def _ship_figures(folder: Path) -> Path:
    path = folder / "ships-2024-09.csv"
    path.write_text(SHIP_FIGURES, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _builtin_units_after() -> Iterator[None]:
    yield None
    use_units(None)


def _write(tmp_path: Path, name: str, reports: list[dict[str, object]]) -> Path:
    path = tmp_path / name
    path.write_text(
        yaml.safe_dump(
            {"schema": "wenzeng/catalog-extension/v1", "reports": reports}, allow_unicode=True
        ),
        encoding="utf-8",
    )
    return path


def save_stored(ctx: Context, kind: str, code: str, document: dict[str, object]) -> None:
    with ctx.transaction() as conn:
        save_entry(
            conn, kind=kind, code=code, document=document, source_file="old.yaml", loaded_by="x"
        )
    ctx.invalidate()


def _annual(**changes: object) -> dict[str, object]:
    doc = builtin_report_definition("annual").model_dump(
        mode="json", by_alias=True, exclude_defaults=True
    )
    return doc | changes


def test_a_user_kind_is_stored_listed_and_removed(ctx: Context) -> None:
    load_catalog_file(ctx, SHIPS)
    done = load_catalog_file(ctx, SHIP_REPORT)
    assert done.new == (("report", "ship_quarterly"),)
    assert report_kinds.kinds(ctx) == ("quarterly", "meeting", "annual", "ship_quarterly")
    listed = {k.code: k for k in report_kinds.listed(ctx)}
    assert listed["ship_quarterly"].origin == "shipbuilding-report.yaml"
    assert listed["ship_quarterly"].name_zh == "船舶工业运行情况"
    assert listed["quarterly"].origin == "内置"
    d = report_kinds.definition(ctx, "ship_quarterly")
    assert d.period_type == "quarter" and d.sections[0].parts[0].kind == "narrative"
    # the report's indicator cannot go while the report names it
    assert "报告类型 ship_quarterly / report kind ship_quarterly" in entry_users(
        ctx, "indicator", "ship_completions"
    )
    assert load_catalog_file(ctx, SHIP_REPORT).same == (("report", "ship_quarterly"),)
    remove_user_entry(ctx, "report", "ship_quarterly")
    assert report_kinds.kinds(ctx) == ("quarterly", "meeting", "annual")
    assert len(history(ctx, "report", "ship_quarterly")) == 1
    with pytest.raises(Conflict, match="内置"):
        remove_user_entry(ctx, "report", "annual")


def test_one_file_brings_an_indicator_and_the_report_naming_it(
    ctx: Context, tmp_path: Path
) -> None:
    both = tmp_path / "ships-and-report.yaml"
    report = SHIP_REPORT.read_text(encoding="utf-8").split("reports:", 1)[1]
    both.write_text(SHIPS.read_text(encoding="utf-8") + "reports:" + report, encoding="utf-8")
    done = load_catalog_file(ctx, both)
    assert ("indicator", "ship_completions") in done.new and (
        "report",
        "ship_quarterly",
    ) in done.new
    assert "ship_quarterly" in report_kinds.kinds(ctx)


def test_replacing_a_built_in_kind_must_be_said(ctx: Context, tmp_path: Path) -> None:
    silent = _write(tmp_path, "silent.yaml", [_annual(issuer={"zh": "某司", "en": "A dept"})])
    with pytest.raises(ValidationFailed) as caught:
        load_catalog_file(ctx, silent)
    (issue,) = caught.value.issues
    assert issue.loc.key == "reports.0.code" and issue.loc.line is not None
    assert "replace: true" in issue.msg_zh
    assert ctx.user_entries == []

    said = _write(
        tmp_path, "said.yaml", [_annual(issuer={"zh": "某司", "en": "A dept"}, replace=True)]
    )
    assert load_catalog_file(ctx, said).new == (("report", "annual"),)
    assert report_kinds.definition(ctx, "annual").issuer.zh == "某司"
    assert report_kinds.kinds(ctx) == ("quarterly", "meeting", "annual")
    assert next(k for k in report_kinds.listed(ctx) if k.code == "annual").replaces
    remove_user_entry(ctx, "report", "annual")
    assert report_kinds.definition(ctx, "annual").issuer.zh == "工业和信息化部电子信息司"

    # an entry stored before a newer package built its code in never shadows the built-in one
    save_stored(ctx, "report", "meeting", _annual(code="meeting", period_type="quarter"))
    assert report_kinds.definition(ctx, "meeting") == builtin_report_definition("meeting")

    nothing = _write(tmp_path, "nothing.yaml", [_annual(code="yearly", replace=True)])
    with pytest.raises(ValidationFailed, match="invalid catalogue file"):
        load_catalog_file(ctx, nothing)


def test_a_definition_naming_the_unknown_is_refused_whole(ctx: Context, tmp_path: Path) -> None:
    doc = yaml.safe_load(SHIP_REPORT.read_text(encoding="utf-8"))["reports"][0]
    reporters = _annual()["sections"][0]  # type: ignore[index]
    reporters["parts"][0]["forms"] = ["annual_progress", "no_form"]
    path = _write(tmp_path, "bad.yaml", [dict(doc, sections=[*doc["sections"], reporters])])
    with pytest.raises(ValidationFailed) as caught:
        load_catalog_file(ctx, path)  # ship_completions is not loaded, no_form does not exist
    said = {(i.loc.key, i.msg_en) for i in caught.value.issues}
    assert (
        "reports.0.sections.0.parts.0.indicators",
        "report ship_quarterly names unknown indicator 'ship_completions'",
    ) in said
    assert any("unknown form 'no_form'" in en for _, en in said)
    assert ctx.user_entries == []


def test_a_forced_removal_makes_the_kind_unavailable_not_broken(ctx: Context) -> None:
    load_catalog_file(ctx, SHIPS)
    load_catalog_file(ctx, SHIP_REPORT)
    with pytest.raises(Conflict, match="report kind ship_quarterly"):
        remove_user_entry(ctx, "indicator", "ship_completions")
    remove_user_entry(ctx, "indicator", "ship_completions", force=True)
    with pytest.raises(ValidationFailed) as caught:
        report_kinds.definition(ctx, "ship_quarterly")
    assert "未知指标 'ship_completions'" in caught.value.message
    assert report_kinds.definition(ctx, "quarterly").code == "quarterly"


@pytest.fixture
def cli(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WENZENG_DATABASE_URL", db_url)

    def call(*args: str) -> tuple[int, str, str]:
        code = run(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    assert call("init")[0] == 0
    return call


def test_a_user_kind_through_the_command_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("catalog", "load", str(SHIPS))[0] == 0
    code, out, _ = cli("catalog", "load", str(SHIP_REPORT))
    assert code == 0 and "report ship_quarterly" in out
    code, out, _ = cli("report", "kinds", "--format", "csv")
    assert code == 0 and "ship_quarterly" in out and "shipbuilding-report.yaml" in out
    code, out, _ = cli("catalog", "list", "--user", "--kind", "report", "--format", "csv")
    assert code == 0 and "ship_quarterly" in out
    code, _, err = cli("report", "generate", "ship_quarterly", "--period", "2024Q3", "-f", "html")
    assert code != 0 and "造船完工量" in err and "尚无已发布的数据" in err
    assert cli("import", str(_ship_figures(tmp_path)))[0] == 0
    target = tmp_path / "ship.html"
    code, out, err = cli(
        "report", "generate", "ship_quarterly", "--period", "2024Q3", "-f", "html", "-o",
        str(target),
    )  # fmt: skip
    assert code == 0, err
    html = target.read_text(encoding="utf-8")
    assert "2024年第三季度船舶工业运行情况" in html and "造船完工量" in html
    code, out, _ = cli("report", "list", "--format", "csv")
    assert "船舶工业运行情况" in out
    code, _, err = cli("report", "generate", "no_such", "--period", "2024Q3", "-f", "html")
    assert code == 4 and "未知的报告类型" in err and "ship_quarterly" in err


def test_a_user_kind_through_the_api(sqlite_ctx: Context, tmp_path: Path) -> None:
    ctx = sqlite_ctx
    load_catalog_file(ctx, SHIPS)
    load_catalog_file(ctx, SHIP_REPORT)
    import_observations(ctx, _ship_figures(tmp_path), ImportRequest())
    accounts.add_user(ctx, SYSTEM, username="ana", role="analyst", password=PASSWORD)
    token = accounts.create_token(ctx, SYSTEM, "ana", "tests")
    auth = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(ctx.settings, ctx)) as api:
        body = {"kind": "ship_quarterly", "period": "2024-Q3", "formats": ["html"]}
        r = api.post("/api/v1/reports", json=body, headers=auth)
        assert r.status_code == 202, r.text
        rid = r.json()["job"]["result"]["id"]
        listed = api.get("/api/v1/reports", headers=auth).json()["reports"]
        report = next(x for x in listed if x["id"] == rid)
        assert report["kind"] == "ship_quarterly" and report["kind_zh"] == "船舶工业运行情况"
        got = api.get(f"/api/v1/reports/{rid}/file.html", headers=auth)
        assert "船舶工业运行情况" in got.text
        bad = api.post("/api/v1/reports", json={**body, "kind": "nope"}, headers=auth)
        assert bad.status_code == 422 and "ship_quarterly" in bad.json()["message"]
    with TestClient(create_app(ctx.settings, ctx)) as web:
        login(web, "ana")
        page = web.get("/reports", headers={"Accept": "text/html"}).text
        assert (
            '<option value="ship_quarterly" >船舶工业运行情况 Shipbuilding Industry Operation'
            in page
        )
